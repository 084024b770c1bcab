// The session against a scripted server replaying a real PoPToP exchange
// (pptpd 1.4 + pppd 2.4.9, captured in the lab's reference scenario with
// pppd's `debug`). The peer challenge is pppd's, so our MS-CHAPv2 response
// must equal pppd's byte for byte and the server's real S= must verify.
#include <doctest/doctest.h>

#include <algorithm>

#include "ppp/describe.hpp"
#include "ppp/session.hpp"

using namespace ppp;
namespace ev = ppp::session_event;

namespace {

TimePoint t0{};

wire::Bytes hex(std::string_view h) {
  wire::Bytes out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

SessionConfig lab_config() {
  SessionConfig c;
  c.lcp.seed = 42;
  c.credentials.username = "alice";
  c.credentials.password = "lab-secret-1";
  auto pc = hex("af1fe081cba77581cef6cf443838cf36");
  std::copy(pc.begin(), pc.end(), c.credentials.peer_challenge.begin());
  return c;
}

// The frames of one protocol in an output, decoded.
std::vector<Packet> packets(const SessionOutput& out, std::uint16_t protocol, std::vector<wire::Bytes>& keep) {
  std::vector<Packet> found;
  for (const auto& f : out.frames) {
    auto fr = decode_frame(f);
    REQUIRE(fr);
    if (fr->protocol != protocol) continue;
    keep.emplace_back(fr->payload.begin(), fr->payload.end());
    auto p = decode_packet(keep.back());
    REQUIRE(p);
    found.push_back(*p);
  }
  return found;
}

wire::Bytes bytes(wire::ByteView v) { return {v.begin(), v.end()}; }

// What a server does with our Configure-Request it likes: acknowledge it.
wire::Bytes ack(std::uint16_t protocol, const Packet& req) {
  return encode_control_frame(protocol, code::ConfAck, req.id, req.data);
}

template <typename E>
const E* find_event(const SessionOutput& out) {
  for (const auto& e : out.events)
    if (auto* p = std::get_if<E>(&e)) return p;
  return nullptr;
}

struct Run {
  Session s{lab_config()};
  std::vector<wire::Bytes> keep;
  SessionOutput last;

  SessionOutput feed(const wire::Bytes& frame) { return last = s.receive(frame, t0); }

  // LCP to Opened the way PoPToP does it: its first request carries options we
  // reject, the second only auth and magic.
  void establish(std::string_view auth_option = "0305c22381") {
    auto out = s.start(t0);
    auto ours = packets(out, proto::LCP, keep);
    REQUIRE(ours.size() == 1);
    CHECK(ours[0].code == code::ConfReq);
    feed(ack(proto::LCP, ours[0]));
    auto first = feed(encode_control_frame(proto::LCP, code::ConfReq, 1,
                                           hex("020600000000" + std::string(auth_option) + "050633d0080007020802")));
    auto rej = packets(first, proto::LCP, keep);
    REQUIRE(rej.size() == 1);
    CHECK(rej[0].code == code::ConfRej);
    CHECK(bytes(rej[0].data) == (hex("02060000000007020802")));
    last = feed(encode_control_frame(proto::LCP, code::ConfReq, 2, hex(std::string(auth_option) + "050633d00800")));
  }
};

}  // namespace

TEST_CASE("ppp session: replays a real PoPToP exchange to a running, MPPE-128 link") {
  Run r;
  r.establish();
  REQUIRE(find_event<ev::LinkEstablished>(r.last));
  CHECK(find_event<ev::LinkEstablished>(r.last)->lcp.auth == AuthProtocol::MsChapV2);
  CHECK(r.s.phase() == Session::Phase::Authenticate);

  auto resp = r.feed(encode_control_frame(proto::CHAP, 1, 0x9c, hex("10cab377e1e27533acf78f894190e89fb1" "707074706400")));
  // The challenge's name field is everything after the value; pptpd sends "pptpd".
  std::vector<wire::Bytes> keep;
  auto chap = packets(resp, proto::CHAP, keep);
  if (chap.empty()) {
    // Without a trailing NUL in the name, as pptpd really sends it.
    resp = r.feed(encode_control_frame(proto::CHAP, 1, 0x9c, hex("10cab377e1e27533acf78f894190e89fb1" "7070747064")));
    chap = packets(resp, proto::CHAP, keep);
  }
  REQUIRE(chap.size() == 1);
  CHECK(chap[0].code == 2);
  CHECK(chap[0].id == 0x9c);
  CHECK(bytes(chap[0].data) == (hex("31af1fe081cba77581cef6cf443838cf3600000000000000008cb1f16193f0d4a8a207bf4b1bb6f8"
                                           "25b4380efde79e988a00616c696365")));

  const std::string success = "S=4944C3994C8014F4AC0DCA48795451A66B9C0971 M=Access granted";
  auto ok = r.feed(encode_control_frame(proto::CHAP, 3, 0x9c, wire::Bytes(success.begin(), success.end())));
  REQUIRE(find_event<ev::Authenticated>(ok));
  REQUIRE(find_event<ev::NetworkPhase>(ok));
  REQUIRE(find_event<ev::NetworkPhase>(ok)->keys);
  CHECK(find_event<ev::NetworkPhase>(ok)->mppe_hint->bits == (mppe_bit::H | mppe_bit::S));
  CHECK(r.s.phase() == Session::Phase::WaitUnit);

  auto net = r.s.network_ready(t0);
  auto ccp = packets(net, proto::CCP, keep);
  REQUIRE(ccp.size() == 1);
  CHECK(bytes(ccp[0].data) == (hex("120601000040")));
  // IPCP waits for MPPE: sent before, the server would TermAck it.
  CHECK(packets(net, proto::IPCP, keep).empty());

  // CCP both ways, as in the log.
  auto c1 = r.feed(encode_control_frame(proto::CCP, code::ConfReq, 1, hex("120601000040")));
  auto cack = packets(c1, proto::CCP, keep);
  REQUIRE(cack.size() == 1);
  CHECK(cack[0].code == code::ConfAck);
  // The server's IPCP can overtake our CCP Up: it is held, then answered.
  auto early = r.feed(encode_control_frame(proto::IPCP, code::ConfReq, 1, hex("0206002d0f01" "0306c6336401")));
  CHECK(packets(early, proto::IPCP, keep).empty());
  auto cup = r.feed(ack(proto::CCP, ccp[0]));
  CHECK(r.s.ccp().state() == State::Opened);
  // Reported at once: the kernel starves IPCP until it is told CCP is up.
  REQUIRE(find_event<ev::MppeUp>(cup));
  CHECK_FALSE(find_event<ev::Up>(cup));
  auto started = packets(cup, proto::IPCP, keep);
  REQUIRE(started.size() == 2);
  CHECK(started[0].code == code::ConfReq);
  CHECK(started[1].code == code::ConfRej);
  CHECK(bytes(started[1].data) == (hex("0206002d0f01")));
  const auto& ipcp = std::vector<Packet>{started[0]};

  // IPCP: VJ was rejected above; our 0.0.0.0 Nak'd to the pool address and DNS.
  auto i2 = r.feed(encode_control_frame(proto::IPCP, code::ConfNak, ipcp[0].id,
                                        hex("0306c633640a" "8106c0000235" "8306c0000236")));
  auto ireq2 = packets(i2, proto::IPCP, keep);
  REQUIRE(ireq2.size() == 1);
  CHECK(ireq2[0].code == code::ConfReq);
  r.feed(encode_control_frame(proto::IPCP, code::ConfReq, 2, hex("0306c6336401")));
  auto up = r.feed(ack(proto::IPCP, ireq2[0]));
  auto* u = find_event<ev::Up>(up);
  REQUIRE(u);
  CHECK(to_string(u->ip.local) == "198.51.100.10");
  CHECK(to_string(u->ip.peer) == "198.51.100.1");
  REQUIRE(u->ip.dns1);
  CHECK(to_string(*u->ip.dns1) == "192.0.2.53");
  REQUIRE(u->mppe);
  CHECK(u->mppe->tx->bits == (mppe_bit::H | mppe_bit::S));
  CHECK(u->mppe->rx->bits == (mppe_bit::H | mppe_bit::S));
  CHECK(r.s.phase() == Session::Phase::Running);

  // A CCP renegotiation would switch the kernel's encryption off: close.
  auto reneg = r.feed(encode_control_frame(proto::CCP, code::ConfReq, 7, hex("120601000040")));
  auto* f = find_event<ev::Failed>(reneg);
  REQUIRE(f);
  CHECK(f->kind == FailureKind::MppeServerRefused);
}

TEST_CASE("ppp session: a forged S= fails closed as an impostor") {
  Run r;
  r.establish();
  r.feed(encode_control_frame(proto::CHAP, 1, 0x9c, hex("10cab377e1e27533acf78f894190e89fb1" "7070747064")));
  const std::string forged = "S=0000C3994C8014F4AC0DCA48795451A66B9C0971 M=Access granted";
  auto out = r.feed(encode_control_frame(proto::CHAP, 3, 0x9c, wire::Bytes(forged.begin(), forged.end())));
  auto* f = find_event<ev::Failed>(out);
  REQUIRE(f);
  CHECK(f->kind == FailureKind::Impostor);
  CHECK_FALSE(find_event<ev::NetworkPhase>(out));
  std::vector<wire::Bytes> keep;
  auto lcp = packets(out, proto::LCP, keep);
  REQUIRE(lcp.size() == 1);
  CHECK(lcp[0].code == code::TermReq);
}

TEST_CASE("ppp session: E=691 is a wrong password, said once, with no retry") {
  Run r;
  r.establish();
  r.feed(encode_control_frame(proto::CHAP, 1, 0x9c, hex("10cab377e1e27533acf78f894190e89fb1" "7070747064")));
  const std::string failure = "E=691 R=0 C=0123456789ABCDEF0123456789ABCDEF V=3 M=Authentication failed";
  auto out = r.feed(encode_control_frame(proto::CHAP, 4, 0x9c, wire::Bytes(failure.begin(), failure.end())));
  auto* f = find_event<ev::Failed>(out);
  REQUIRE(f);
  CHECK(f->kind == FailureKind::WrongPassword);
  CHECK(f->reason.find("wrong user name or password") != std::string::npos);
  std::vector<wire::Bytes> keep;
  CHECK(packets(out, proto::CHAP, keep).empty());
}

TEST_CASE("ppp session: silence from the server is reported as GRE blocked") {
  Session s{lab_config()};
  auto out = s.start(t0);
  const ev::Failed* f = nullptr;
  for (int i = 0; i < 40 && out.deadline && !f; ++i) {
    out = s.timeout(*out.deadline);
    f = find_event<ev::Failed>(out);
  }
  REQUIRE(f);
  CHECK(f->kind == FailureKind::NoAnswer);
  CHECK(f->reason.find("GRE") != std::string::npos);
}

TEST_CASE("ppp session: the server's requests arriving without any answer to ours is GRE blocked one way") {
  Session s{lab_config()};
  auto out = s.start(t0);
  const ev::Failed* f = nullptr;
  SessionOutput last;
  for (std::uint8_t id = 1; id < 40 && out.deadline && !f; ++id) {
    s.receive(encode_control_frame(proto::LCP, code::ConfReq, id, hex("0305c22381" "050633d00800")), t0);
    last = s.timeout(*out.deadline);
    out = last;
    f = find_event<ev::Failed>(last);
  }
  REQUIRE(f);
  CHECK(f->kind == FailureKind::NoAnswer);
  CHECK(f->reason.find("ours never reach it") != std::string::npos);
}

TEST_CASE("ppp session: the server rejecting MPPE is told apart from us refusing its offer") {
  SUBCASE("server rejects our MPPE option") {
    Run r;
    r.establish();
    r.feed(encode_control_frame(proto::CHAP, 1, 0x9c, hex("10cab377e1e27533acf78f894190e89fb1" "7070747064")));
    const std::string success = "S=4944C3994C8014F4AC0DCA48795451A66B9C0971 M=Access granted";
    r.feed(encode_control_frame(proto::CHAP, 3, 0x9c, wire::Bytes(success.begin(), success.end())));
    auto net = r.s.network_ready(t0);
    std::vector<wire::Bytes> keep;
    auto ccp = packets(net, proto::CCP, keep);
    REQUIRE(ccp.size() == 1);
    auto out = r.feed(encode_control_frame(proto::CCP, code::ConfRej, ccp[0].id, ccp[0].data));
    auto* f = find_event<ev::Failed>(out);
    REQUIRE(f);
    CHECK(f->kind == FailureKind::MppeServerRefused);
  }
  SUBCASE("server offers only stateful MPPE, which the profile does not allow") {
    Run r;
    r.establish();
    r.feed(encode_control_frame(proto::CHAP, 1, 0x9c, hex("10cab377e1e27533acf78f894190e89fb1" "7070747064")));
    const std::string success = "S=4944C3994C8014F4AC0DCA48795451A66B9C0971 M=Access granted";
    r.feed(encode_control_frame(proto::CHAP, 3, 0x9c, wire::Bytes(success.begin(), success.end())));
    r.s.network_ready(t0);
    const ev::Failed* f = nullptr;
    // The server insists: every Nak of ours is answered with the same offer.
    for (std::uint8_t id = 1; id < 30 && !f; ++id) {
      r.feed(encode_control_frame(proto::CCP, code::ConfReq, id, hex("120600000040")));
      f = find_event<ev::Failed>(r.last);
    }
    REQUIRE(f);
    CHECK(f->kind == FailureKind::MppeWeRefused);
  }
}

TEST_CASE("ppp session: a server asking for PAP is refused before the password leaves, when MPPE is required") {
  auto cfg = lab_config();
  cfg.lcp.allowed_auth = {AuthProtocol::MsChapV2, AuthProtocol::Pap};
  Session s{cfg};
  std::vector<wire::Bytes> keep;
  auto out = s.start(t0);
  s.receive(ack(proto::LCP, packets(out, proto::LCP, keep)[0]), t0);
  auto o2 = s.receive(encode_control_frame(proto::LCP, code::ConfReq, 1, hex("0304c023" "050633d00800")), t0);
  auto* f = find_event<ev::Failed>(o2);
  REQUIRE(f);
  CHECK(f->kind == FailureKind::AuthProtocol);
  CHECK(packets(o2, proto::PAP, keep).empty());
}
