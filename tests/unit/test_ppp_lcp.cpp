#include <doctest/doctest.h>

#include "ppp/lcp.hpp"
#include "ppp_test_util.hpp"

using namespace ppp;
using namespace ppp_test;
using Kind = LayerEvent::Kind;

namespace {

LcpConfig config(std::uint64_t seed) {
  LcpConfig c;
  c.seed = seed;
  c.echo_interval = 10s;
  c.echo_failures = 3;
  return c;
}

// Our magic as sent in our first ConfReq (mru 1500 then magic).
std::uint32_t magic_in(const wire::Bytes& conf_req_frame) {
  wire::Reader r(conf_req_frame);
  r.skip(2 + 4 + 4 + 2);
  return r.u32();
}

// Drives an Lcp to Opened against a scripted server that asks for `auth`.
Output open_against_server(Lcp& lcp, const wire::Bytes& server_options) {
  lcp.open(t0);
  auto out = lcp.up(t0);
  const auto ours = out.frames.at(0);
  lcp.receive(encode_packet(code::ConfReq, 1, server_options), t0);
  return lcp.receive(encode_packet(code::ConfAck, id_of(ours), wire::Bytes(ours.begin() + 6, ours.end())), t0);
}

}  // namespace

TEST_CASE("ppp: lcp first ConfReq asks mru 1500 and a magic number") {
  Lcp lcp(config(1));
  lcp.open(t0);
  auto out = lcp.up(t0);
  REQUIRE(out.frames.size() == 1);
  const auto& f = out.frames[0];
  CHECK(wire::Bytes(f.begin(), f.begin() + 12) == hex("c0 21 01 01 00 0e 01 04 05 dc 05 06"));
  CHECK(f.size() == 16);
  CHECK(magic_in(f) != 0);
}

TEST_CASE("ppp: lcp against lcp back to back opens with each other's magic") {
  Lcp a(config(1)), b(config(2));
  a.open(t0);
  b.open(t0);
  Wire<Lcp, Lcp> w{a, b, {}, {}, {}, {}};
  w.pump(a.up(t0), b.up(t0));
  REQUIRE(a.state() == State::Opened);
  REQUIRE(b.state() == State::Opened);
  CHECK(a.outcome().our_magic == b.outcome().peer_magic);
  CHECK(b.outcome().our_magic == a.outcome().peer_magic);
  CHECK(a.outcome().our_magic != b.outcome().our_magic);
  CHECK(a.outcome().peer_mru == 1500);
  CHECK_FALSE(a.outcome().auth.has_value());
}

TEST_CASE("ppp: lcp Naks CHAP-MD5 towards MS-CHAPv2 and accepts CHAP 0x81") {
  Lcp lcp(config(3));
  lcp.open(t0);
  lcp.up(t0);
  // Server: mru 1400, auth chap MD5, magic.
  auto out = lcp.receive(hex("01 01 00 13 01 04 05 78 03 05 c2 23 05 05 06 11 22 33 44"), t0);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == hex("c0 21 03 01 00 09 03 05 c2 23 81"));
  // EAP gets the same answer.
  out = lcp.receive(hex("01 02 00 08 03 04 c2 27"), t0);
  CHECK(out.frames.at(0) == hex("c0 21 03 02 00 09 03 05 c2 23 81"));
  out = lcp.receive(hex("01 03 00 13 01 04 05 78 03 05 c2 23 81 05 06 11 22 33 44"), t0);
  CHECK(out.frames.at(0) == hex("c0 21 02 03 00 13 01 04 05 78 03 05 c2 23 81 05 06 11 22 33 44"));
  CHECK(lcp.state() == State::AckSent);
}

TEST_CASE("ppp: lcp reports the agreed auth protocol, MRU and magic at Up") {
  LcpConfig c = config(4);
  c.allowed_auth = {AuthProtocol::MsChapV2, AuthProtocol::Pap};
  Lcp lcp(c);
  auto out = open_against_server(lcp, hex("01 04 05 78 03 04 c0 23 05 06 11 22 33 44"));
  REQUIRE(out.has(Kind::Up));
  REQUIRE(lcp.outcome().auth.has_value());
  CHECK(*lcp.outcome().auth == AuthProtocol::Pap);
  CHECK(lcp.outcome().peer_mru == 1400);
  CHECK(lcp.outcome().peer_magic == 0x11223344u);
  CHECK(lcp.outcome().our_mru == 1500);
  CHECK(out.deadline == t0 + 10s);  // echo timer
}

TEST_CASE("ppp: lcp rejects ACCM, PFC, ACFC, callback and multilink, in request order") {
  Lcp lcp(config(5));
  lcp.open(t0);
  lcp.up(t0);
  auto out = lcp.receive(
      hex("01 09 00 1d 02 06 00 00 00 00 03 05 c2 23 81 07 02 08 02 0d 03 06 11 04 05 dc 13 03 01 aa"), t0);
  CHECK(out.frames.at(0) == hex("c0 21 04 09 00 18 02 06 00 00 00 00 07 02 08 02 0d 03 06 11 04 05 dc 13 03 01"));
}

TEST_CASE("ppp: lcp Naks a tiny MRU and a zero magic") {
  Lcp lcp(config(6));
  lcp.open(t0);
  lcp.up(t0);
  auto out = lcp.receive(hex("01 01 00 0e 01 04 00 40 05 06 00 00 00 00"), t0);
  const auto& f = out.frames.at(0);
  CHECK(wire::Bytes(f.begin(), f.begin() + 12) == hex("c0 21 03 01 00 0e 01 04 00 80 05 06"));
  CHECK(magic_in(f) != 0);
}

TEST_CASE("ppp: lcp detects a looped-back link from its own magic number") {
  Lcp lcp(config(7));
  lcp.open(t0);
  auto out = lcp.up(t0);
  std::vector<LayerEvent> events;
  for (int i = 0; i < 50 && !out.frames.empty(); ++i) {
    Output next;
    for (const auto& f : out.frames) {
      auto o = lcp.receive(packet_of(f), t0);
      next.frames.insert(next.frames.end(), o.frames.begin(), o.frames.end());
      events.insert(events.end(), o.events.begin(), o.events.end());
    }
    out = std::move(next);
    if (has_event(events, Kind::Failed)) break;
  }
  REQUIRE(has_event(events, Kind::Failed));
  CHECK(reason_of(events, Kind::Failed).find("looped back") != std::string::npos);
  CHECK(lcp.state() != State::Opened);
}

TEST_CASE("ppp: lcp answers echoes and sends its own; N missed echoes fail the link") {
  Lcp lcp(config(8));
  open_against_server(lcp, hex("05 06 11 22 33 44"));
  REQUIRE(lcp.state() == State::Opened);
  const auto magic = lcp.outcome().our_magic;
  wire::Writer our_magic;
  our_magic.u32(magic);

  // The peer's echo comes back with our magic and its data.
  auto out = lcp.receive(hex("09 07 00 0a 11 22 33 44 ab cd"), t0);
  wire::Writer expect;
  expect.bytes(hex("c0 21 0a 07 00 0a")).u32(magic).bytes(hex("ab cd"));
  CHECK(out.frames.at(0) == expect.view());

  auto now = t0 + 10s;
  out = lcp.timeout(now);
  REQUIRE(out.frames.size() == 1);
  CHECK(code_of(out.frames[0]) == code::EchoReq);
  CHECK(wire::Bytes(out.frames[0].begin() + 6, out.frames[0].end()) == our_magic.view());
  // A reply clears the count.
  lcp.receive(hex("0a 09 00 08 11 22 33 44"), now);
  for (int i = 0; i < 3; ++i) {
    now += 10s;
    out = lcp.timeout(now);
    CHECK(code_of(out.frames.at(0)) == code::EchoReq);
    CHECK_FALSE(out.has(Kind::Failed));
  }
  now += 10s;
  out = lcp.timeout(now);
  CHECK(out.has(Kind::Failed));
  CHECK(reason_of(out.events, Kind::Down) == "LCP: the peer did not answer 3 echo requests (the link is dead)");
  CHECK(code_of(out.frames.at(0)) == code::TermReq);
  CHECK(lcp.state() == State::Closing);
}

TEST_CASE("ppp: lcp builds Protocol-Rejects and reports the peer's") {
  Lcp lcp(config(9));
  CHECK(lcp.reject_protocol(proto::IPV6CP, hex("01 01 00 04"), t0).frames.empty());  // not open yet
  open_against_server(lcp, hex("05 06 11 22 33 44"));
  auto out = lcp.reject_protocol(proto::IPV6CP, hex("01 01 00 04"), t0);
  REQUIRE(out.frames.size() == 1);
  CHECK(wire::Bytes(out.frames[0].begin() + 4, out.frames[0].end()) == hex("00 0a 80 57 01 01 00 04"));
  CHECK(code_of(out.frames[0]) == code::ProtoRej);

  out = lcp.receive(hex("08 04 00 0a 80 fd 01 01 00 04"), t0);
  REQUIRE(out.has(Kind::ProtocolRejected));
  CHECK(out.events[0].protocol == proto::CCP);
  CHECK(lcp.state() == State::Opened);

  // The rejected information is cut to the peer's MRU.
  const wire::Bytes big(2000, 0xEE);
  CHECK(protocol_reject_data(proto::IPV6CP, big, 1500).size() == 1496);
}
