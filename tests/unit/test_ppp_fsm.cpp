#include <doctest/doctest.h>

#include <functional>

#include "ppp/fsm.hpp"
#include "ppp_test_util.hpp"

using namespace ppp;
using namespace ppp_test;
using Kind = LayerEvent::Kind;

namespace {

// A policy whose behaviour each test scripts: our request is fixed, and
// option type 1 is acked, type 2 is Nak'd (suggesting 0x42), anything else
// rejected.
struct ScriptedPolicy : OptionsPolicy {
  wire::Bytes request = hex("01 03 11");
  int resets = 0;
  std::function<wire::Result<wire::Unit>()> on_opened = [] { return wire::Result<wire::Unit>(wire::Unit{}); };

  void reset() override { ++resets; }
  void write_request(wire::Writer& w) override { w.bytes(request); }
  wire::Result<wire::Unit> review(std::span<const Option> options, bool, Review& review) override {
    for (const auto& o : options) {
      if (o.type == 1) continue;
      if (o.type == 2) {
        const std::uint8_t v[] = {0x42};
        review.nak(o, v);
      } else {
        review.reject(o);
      }
    }
    return wire::Unit{};
  }
  wire::Result<wire::Unit> apply_nak(std::span<const Option>) override { return wire::Unit{}; }
  wire::Result<wire::Unit> apply_reject(std::span<const Option>) override { return wire::Unit{}; }
  wire::Result<wire::Unit> check_opened() override { return on_opened(); }
};

constexpr std::uint16_t kProto = 0x8021;

// open + up: Req-Sent with our ConfReq id 1 out.
Output start(Fsm& fsm) {
  auto o = fsm.open(t0);
  CHECK(o.has(Kind::Started));
  auto out = fsm.up(t0);
  CHECK(fsm.state() == State::ReqSent);
  return out;
}

}  // namespace

TEST_CASE("ppp: fsm starts in Req-Sent with a ConfReq and a restart deadline") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  auto out = start(fsm);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == hex("80 21 01 01 00 07 01 03 11"));
  CHECK(out.deadline == t0 + 3s);
  CHECK(policy.resets == 1);
}

TEST_CASE("ppp: fsm RCR+ in Req-Sent acks and goes to Ack-Sent, RCA then opens") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  auto out = fsm.receive(hex("01 07 00 07 01 03 99"), t0);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == hex("80 21 02 07 00 07 01 03 99"));
  CHECK(fsm.state() == State::AckSent);

  // An Ack that does not repeat our options exactly is dropped.
  out = fsm.receive(hex("02 01 00 07 01 03 12"), t0);
  CHECK_FALSE(out.discarded.empty());
  CHECK(fsm.state() == State::AckSent);
  // So is one with the wrong id.
  out = fsm.receive(hex("02 09 00 07 01 03 11"), t0);
  CHECK_FALSE(out.discarded.empty());

  out = fsm.receive(hex("02 01 00 07 01 03 11"), t0);
  CHECK(fsm.state() == State::Opened);
  CHECK(out.has(Kind::Up));
  CHECK_FALSE(out.deadline.has_value());
}

TEST_CASE("ppp: fsm RCA then RCR+ opens from Ack-Rcvd; RCR- stays") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  fsm.receive(hex("02 01 00 07 01 03 11"), t0);
  CHECK(fsm.state() == State::AckRcvd);
  auto out = fsm.receive(hex("01 05 00 07 02 03 01"), t0);  // option 2 gets a Nak
  CHECK(out.frames.at(0) == hex("80 21 03 05 00 07 02 03 42"));
  CHECK(fsm.state() == State::AckRcvd);
  out = fsm.receive(hex("01 06 00 04"), t0);
  CHECK(out.frames.at(0) == hex("80 21 02 06 00 04"));
  CHECK(fsm.state() == State::Opened);
  CHECK(out.has(Kind::Up));
}

TEST_CASE("ppp: fsm rejects take priority over naks and duplicates are rejected") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  auto out = fsm.receive(hex("01 05 00 0f 02 03 01 09 02 01 03 01 01 03 05"), t0);
  CHECK(out.frames.at(0) == hex("80 21 04 05 00 09 09 02 01 03 05"));
  out = fsm.receive(hex("01 06 00 0a 01 03 01 02 03 07"), t0);  // a Nak lists only what it Naks
  CHECK(out.frames.at(0) == hex("80 21 03 06 00 07 02 03 42"));
  CHECK(fsm.state() == State::ReqSent);
}

TEST_CASE("ppp: fsm retransmits up to max-configure, then finishes: the peer did not answer") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  auto out = start(fsm);
  int sent = static_cast<int>(out.frames.size());
  auto now = t0;
  // Early timeouts are ignored.
  CHECK(fsm.timeout(now + 1s).frames.empty());
  for (int i = 0; i < 9; ++i) {
    now += 3s;
    out = fsm.timeout(now);
    REQUIRE(out.frames.size() == 1);
    CHECK(id_of(out.frames[0]) == 1);  // a retransmission keeps its id
    CHECK(out.deadline == now + 3s);
    sent += 1;
  }
  CHECK(sent == 10);
  now += 3s;
  out = fsm.timeout(now);
  CHECK(out.frames.empty());
  CHECK(fsm.state() == State::Stopped);
  REQUIRE(out.has(Kind::Finished));
  CHECK(reason_of(out.events, Kind::Finished) == "TEST: the peer did not answer 10 Configure-Requests");
  CHECK_FALSE(out.deadline.has_value());
}

TEST_CASE("ppp: fsm turns Naks into Rejects after max-failure") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  for (std::uint8_t i = 0; i < 5; ++i) {
    auto out = fsm.receive(encode_packet(code::ConfReq, i, hex("02 03 01")), t0);
    CHECK(code_of(out.frames.at(0)) == code::ConfNak);
  }
  auto out = fsm.receive(encode_packet(code::ConfReq, 9, hex("02 03 01")), t0);
  CHECK(out.frames.at(0) == hex("80 21 04 09 00 07 02 03 01"));
  // An Ack resets the count.
  out = fsm.receive(encode_packet(code::ConfReq, 10, hex("01 03 01")), t0);
  CHECK(code_of(out.frames.at(0)) == code::ConfAck);
  out = fsm.receive(encode_packet(code::ConfReq, 11, hex("02 03 01")), t0);
  CHECK(code_of(out.frames.at(0)) == code::ConfNak);
}

TEST_CASE("ppp: fsm Code-Rejects unknown codes and discards malformed packets") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  auto out = fsm.receive(hex("20 04 00 06 ab cd ee"), t0);  // padding after the length is not echoed
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == hex("80 21 07 02 00 0a 20 04 00 06 ab cd"));

  for (auto text : {"01 04 00 09 01 03 11", "01 04 00 03", "01 04 00 06 01 01", "01 04 00 06 01 00",
                    "01 04 00 07 01 04 11"}) {
    out = fsm.receive(hex(text), t0);
    CHECK(out.frames.empty());
    CHECK_FALSE(out.discarded.empty());
    CHECK(fsm.state() == State::ReqSent);
  }
}

TEST_CASE("ppp: fsm Terminate-Request text from the peer is escaped and bounded in the reason") {
  // Issue 9 item 6: the data is the peer's free text (RFC 1661 5.5).
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  fsm.receive(hex("01 07 00 04"), t0);
  fsm.receive(hex("02 01 00 07 01 03 11"), t0);
  REQUIRE(fsm.state() == State::Opened);
  // ESC ] 0 ; o w n e d BEL CR LF, then 0xC2 0x9B (U+009B), then 100 'A'.
  auto packet = hex("05 34 00 00 1b 5d 30 3b 6f 77 6e 65 64 07 0d 0a c2 9b");
  packet.insert(packet.end(), 100, 'A');
  packet[3] = static_cast<std::uint8_t>(packet.size());
  auto out = fsm.receive(packet, t0);
  const std::string reason = reason_of(out.events, Kind::Down);
  CHECK(reason == "TEST: the peer terminated the link (\"\\x1b]0;owned\\x07\\x0d\\x0a\\xc2\\x9b" +
                      std::string(50, 'A') + "...\")");
  for (unsigned char c : reason) CHECK((c >= 0x20 && c < 0x7f));
}

TEST_CASE("ppp: fsm peer terminate in Opened: Down, Terminate-Ack, then Finished after the timer") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  fsm.receive(hex("01 07 00 04"), t0);
  fsm.receive(hex("02 01 00 07 01 03 11"), t0);
  REQUIRE(fsm.state() == State::Opened);
  auto out = fsm.receive(hex("05 33 00 08 62 79 65 21"), t0);
  CHECK(out.frames.at(0) == hex("80 21 06 33 00 04"));
  CHECK(reason_of(out.events, Kind::Down) == "TEST: the peer terminated the link (\"bye!\")");
  CHECK(fsm.state() == State::Stopping);
  out = fsm.timeout(t0 + 3s);
  CHECK(out.frames.empty());
  CHECK(out.has(Kind::Finished));
  CHECK(fsm.state() == State::Stopped);
}

TEST_CASE("ppp: fsm close in Opened sends Terminate-Request; Terminate-Ack finishes with our reason") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  fsm.receive(hex("01 07 00 04"), t0);
  fsm.receive(hex("02 01 00 07 01 03 11"), t0);
  auto out = fsm.close(t0, "user request");
  CHECK(reason_of(out.events, Kind::Down) == "user request");
  REQUIRE(out.frames.size() == 1);
  CHECK(code_of(out.frames[0]) == code::TermReq);
  CHECK(fsm.state() == State::Closing);
  // One retransmission, then give up (max-terminate 2).
  CHECK(fsm.timeout(t0 + 3s).frames.size() == 1);
  out = fsm.timeout(t0 + 6s);
  CHECK(out.frames.empty());
  CHECK(reason_of(out.events, Kind::Finished) == "user request");
  CHECK(fsm.state() == State::Closed);
  // In Closed, a ConfReq gets a Terminate-Ack.
  out = fsm.receive(hex("01 08 00 04"), t0);
  CHECK(out.frames.at(0) == hex("80 21 06 08 00 04"));
}

TEST_CASE("ppp: fsm Code-Reject of a code we need is catastrophic (RXJ-)") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  auto out = fsm.receive(hex("07 02 00 08 01 01 00 04"), t0);
  CHECK(out.has(Kind::Failed));
  CHECK(out.has(Kind::Finished));
  CHECK(fsm.state() == State::Stopped);
}

TEST_CASE("ppp: fsm policy objecting at open closes the layer instead of going up") {
  ScriptedPolicy policy;
  policy.on_opened = [] { return wire::Result<wire::Unit>(wire::Error::fatal("TEST: no good")); };
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  fsm.receive(hex("01 07 00 04"), t0);
  auto out = fsm.receive(hex("02 01 00 07 01 03 11"), t0);
  CHECK_FALSE(out.has(Kind::Up));
  CHECK(reason_of(out.events, Kind::Failed) == "TEST: no good");
  CHECK(fsm.state() == State::Closing);
  CHECK(code_of(out.frames.at(0)) == code::TermReq);
  out = fsm.receive(hex("06 02 00 04"), t0);
  CHECK(reason_of(out.events, Kind::Finished) == "TEST: no good");
}

TEST_CASE("ppp: fsm lower layer down and up again renegotiates from scratch") {
  ScriptedPolicy policy;
  Fsm fsm(kProto, "TEST", policy);
  start(fsm);
  fsm.receive(hex("01 07 00 04"), t0);
  fsm.receive(hex("02 01 00 07 01 03 11"), t0);
  auto out = fsm.down(t0);
  CHECK(out.has(Kind::Down));
  CHECK(fsm.state() == State::Starting);
  out = fsm.up(t0);
  CHECK(fsm.state() == State::ReqSent);
  CHECK(id_of(out.frames.at(0)) == 2);
  CHECK(policy.resets == 2);
}

TEST_CASE("ppp: fsm two automata back to back reach Opened") {
  ScriptedPolicy pa, pb;
  Fsm a(kProto, "A", pa), b(kProto, "B", pb);
  a.open(t0);
  b.open(t0);
  Wire<Fsm, Fsm> w{a, b, {}, {}, {}, {}};
  w.pump(a.up(t0), b.up(t0));
  CHECK(a.state() == State::Opened);
  CHECK(b.state() == State::Opened);
  CHECK(has_event(w.a_events, Kind::Up));
  CHECK(has_event(w.b_events, Kind::Up));
}
