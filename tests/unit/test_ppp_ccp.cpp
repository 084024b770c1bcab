#include <doctest/doctest.h>

#include "ppp/ccp.hpp"
#include "ppp_test_util.hpp"

using namespace ppp;
using namespace ppp_test;
using Kind = LayerEvent::Kind;

namespace {

Output start(Ccp& ccp) {
  ccp.open(t0);
  return ccp.up(t0);
}

// Our first ConfReq is always id 1 with one MPPE option.
const wire::Bytes kOurAck = hex("02 01 00 0a 12 06 01 00 00 40");

void open_ccp(Ccp& ccp) {
  start(ccp);
  ccp.receive(hex("01 05 00 0a 12 06 01 00 00 40"), t0);
  ccp.receive(hex("02 01 00 0a 12 06 01 00 00 40"), t0);
}

}  // namespace

TEST_CASE("ppp: ccp asks for exactly one MPPE option, 128-bit stateless, nothing else") {
  Ccp ccp;
  auto out = start(ccp);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == hex("80 fd 01 01 00 0a 12 06 01 00 00 40"));

  CcpConfig weak;
  weak.allowed = mppe_bit::L | mppe_bit::M;
  Ccp ccp56(weak);
  CHECK(start(ccp56).frames.at(0) == hex("80 fd 01 01 00 0a 12 06 01 00 00 80"));
}

TEST_CASE("ppp: ccp the published Windows negotiation ends on 0x01000040 both ways") {
  Ccp ccp;
  start(ccp);
  // Server offers 128/40 stateless: we Nak with 128 stateless.
  auto out = ccp.receive(hex("01 01 00 0a 12 06 01 00 00 60"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 03 01 00 0a 12 06 01 00 00 40"));
  // Server acks ours.
  out = ccp.receive(kOurAck, t0);
  CHECK(ccp.state() == State::AckRcvd);
  // Server comes back with 128 stateless: Ack, and up.
  out = ccp.receive(hex("01 02 00 0a 12 06 01 00 00 40"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 02 02 00 0a 12 06 01 00 00 40"));
  REQUIRE(out.has(Kind::Up));
  const auto& o = ccp.outcome();
  REQUIRE(o.tx.has_value());
  REQUIRE(o.rx.has_value());
  CHECK(o.tx->bits == 0x01000040u);
  CHECK(o.rx->bits == 0x01000040u);
  CHECK(o.tx->stateless());
  CHECK(o.tx->key_bits() == 128);
  const std::array<std::uint8_t, 6> head{0x12, 0x06, 0x01, 0x00, 0x00, 0x40};
  CHECK(o.rx->option_bytes() == head);
}

TEST_CASE("ppp: ccp rejects Deflate, BSD, Predictor and MPPC offers") {
  Ccp ccp;
  start(ccp);
  auto out = ccp.receive(hex("01 03 00 15 1a 04 78 00 15 03 2f 01 02 02 02 12 06 01 00 00 40"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 04 03 00 0f 1a 04 78 00 15 03 2f 01 02 02 02"));
  // The C bit (MPPC) is Nak'd away.
  out = ccp.receive(hex("01 04 00 0a 12 06 01 00 00 41"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 03 04 00 0a 12 06 01 00 00 40"));
}

TEST_CASE("ppp: ccp the server rejecting MPPE is 'server refused MPPE'") {
  Ccp ccp;
  start(ccp);
  auto out = ccp.receive(hex("04 01 00 0a 12 06 01 00 00 40"), t0);
  REQUIRE(out.has(Kind::Failed));
  CHECK(reason_of(out.events, Kind::Failed) == "CCP: the server refused MPPE (it rejected our MPPE request)");
  REQUIRE(ccp.failure().has_value());
  CHECK(ccp.failure()->kind == CcpFailure::Kind::ServerRefused);
  CHECK(code_of(out.frames.at(0)) == code::TermReq);
}

TEST_CASE("ppp: ccp the server terminating or Protocol-Rejecting CCP is 'server refused MPPE'") {
  {
    Ccp ccp;
    start(ccp);
    auto out = ccp.receive(hex("05 09 00 04"), t0);
    CHECK(out.frames.at(0) == hex("80 fd 06 09 00 04"));
    CHECK(out.has(Kind::Failed));
    CHECK(ccp.failure()->kind == CcpFailure::Kind::ServerRefused);
    CHECK(ccp.failure()->reason.find("server refused MPPE") != std::string::npos);
  }
  {
    Ccp ccp;
    start(ccp);
    auto out = ccp.protocol_rejected(t0);
    CHECK(out.has(Kind::Finished));
    CHECK(ccp.failure()->kind == CcpFailure::Kind::ServerRefused);
  }
}

TEST_CASE("ppp: ccp refuses a stateful-only server unless the profile allows it") {
  Ccp ccp;
  start(ccp);
  Output out;
  for (std::uint8_t i = 1; i <= 5; ++i) {
    out = ccp.receive(encode_packet(code::ConfReq, i, hex("12 06 00 00 00 40")), t0);
    CHECK(out.frames.at(0) == encode_control_frame(proto::CCP, code::ConfNak, i, hex("12 06 01 00 00 40")));
  }
  out = ccp.receive(encode_packet(code::ConfReq, 6, hex("12 06 00 00 00 40")), t0);
  REQUIRE(out.has(Kind::Failed));
  REQUIRE(ccp.failure().has_value());
  CHECK(ccp.failure()->kind == CcpFailure::Kind::WeRefused);
  CHECK(ccp.failure()->reason ==
        "CCP: we refused the server's offer: it offers only stateful MPPE and this profile requires stateless "
        "(allow stateful MPPE in the profile to accept it)");

  CcpConfig stateful;
  stateful.allow_stateful = true;
  Ccp relaxed(stateful);
  start(relaxed);
  out = relaxed.receive(hex("01 01 00 0a 12 06 00 00 00 40"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 02 01 00 0a 12 06 00 00 00 40"));
}

TEST_CASE("ppp: ccp refuses a 40-bit-only server with a sentence saying how to allow it") {
  Ccp ccp;
  start(ccp);
  Output out;
  for (std::uint8_t i = 1; i <= 6; ++i) out = ccp.receive(encode_packet(code::ConfReq, i, hex("12 06 01 00 00 20")), t0);
  REQUIRE(ccp.failure().has_value());
  CHECK(ccp.failure()->kind == CcpFailure::Kind::WeRefused);
  CHECK(ccp.failure()->reason ==
        "CCP: we refused the server's offer: it offers 40-bit MPPE and this profile allows only 128-bit "
        "(allow 40-bit MPPE in the profile to accept it)");
  // And a Nak towards 40-bit for what we receive is refused at once.
  Ccp other;
  start(other);
  out = other.receive(hex("03 01 00 0a 12 06 01 00 00 20"), t0);
  CHECK(out.has(Kind::Failed));
  CHECK(other.failure()->kind == CcpFailure::Kind::WeRefused);
}

TEST_CASE("ppp: ccp takes a 40-bit Nak when 40-bit is allowed") {
  CcpConfig c;
  c.allowed = mppe_bit::S | mppe_bit::L;
  Ccp ccp(c);
  start(ccp);
  auto out = ccp.receive(hex("03 01 00 0a 12 06 01 00 00 20"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 01 02 00 0a 12 06 01 00 00 20"));
}

TEST_CASE("ppp: ccp a server request without MPPE gets an MPPE hint") {
  Ccp ccp;
  start(ccp);
  auto out = ccp.receive(hex("01 01 00 04"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 03 01 00 0a 12 06 01 00 00 40"));
}

TEST_CASE("ppp: ccp answers Reset-Request and retries its own until Reset-Ack") {
  Ccp ccp;
  open_ccp(ccp);
  REQUIRE(ccp.state() == State::Opened);
  auto out = ccp.receive(hex("0e 2a 00 04"), t0);
  CHECK(out.frames.at(0) == hex("80 fd 0f 2a 00 04"));

  out = ccp.request_reset(t0);
  REQUIRE(out.frames.size() == 1);
  CHECK(code_of(out.frames[0]) == code::ResetReq);
  const auto id = id_of(out.frames[0]);
  CHECK(out.deadline == t0 + 1s);
  CHECK(ccp.request_reset(t0).frames.empty());  // one at a time
  out = ccp.timeout(t0 + 1s);
  REQUIRE(out.frames.size() == 1);
  CHECK(id_of(out.frames[0]) == id);
  out = ccp.receive(encode_packet(code::ResetAck, id, {}), t0 + 1s);
  CHECK(out.discarded.empty());
  CHECK_FALSE(out.deadline.has_value());
  CHECK(ccp.timeout(t0 + 2s).frames.empty());
}

TEST_CASE("ppp ccp: a profile asking for stateful MPPE requests it for its receive direction") {
  ppp::CcpConfig c;
  c.allow_stateful = true;
  c.request_stateful = true;
  ppp::Ccp ccp(c);
  ppp::TimePoint t{};
  ccp.up(t);
  auto out = ccp.open(t);
  REQUIRE(out.frames.size() == 1);
  // 80 fd, ConfReq, id, length 10, MPPE option without H: 12 06 00 00 00 40.
  const auto& f = out.frames[0];
  REQUIRE(f.size() == 12);
  CHECK(f[6] == 0x12);
  CHECK(f[8] == 0x00);
  CHECK(f[11] == 0x40);
}
