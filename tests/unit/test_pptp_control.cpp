#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "pptp/control.hpp"

namespace {

using namespace std::chrono_literals;
using pptp::Control;
using pptp::Effects;
using pptp::FailureCategory;
using pptp::Message;
using pptp::TimePoint;

constexpr std::uint16_t kOurCall = 0x1234;
constexpr std::uint16_t kPeerCall = 0x5678;
const TimePoint t0 = TimePoint{} + 1000s;

pptp::Config config() {
  pptp::Config c;
  c.hostname = "laptop";
  c.vendor = "pptpctl";
  c.call_id = kOurCall;
  c.call_serial = 7;
  c.receive_window = 64;
  return c;
}

// Every sent buffer is exactly one message; decode them all.
std::vector<Message> sent(const Effects& fx) {
  std::vector<Message> out;
  for (const auto& b : fx.send) {
    auto m = pptp::decode(b);
    REQUIRE(m.ok());
    out.push_back(m.value());
  }
  return out;
}

template <typename T>
const T& only_sent(const Effects& fx, std::vector<Message>& keep) {
  keep = sent(fx);
  REQUIRE(keep.size() == 1);
  REQUIRE(std::holds_alternative<T>(keep[0]));
  return std::get<T>(keep[0]);
}

template <typename T>
T only_event(const Effects& fx) {
  REQUIRE(fx.events.size() == 1);
  REQUIRE(std::holds_alternative<T>(fx.events[0]));
  return std::get<T>(fx.events[0]);
}

Effects deliver(Control& c, const Message& m, TimePoint now) { return c.on_bytes(pptp::encode(m), now); }

pptp::Sccrp sccrp_ok() { return pptp::Sccrp{0x0100, 1, 0, 1, 1, 0, 0x0500, "server", "Microsoft"}; }
pptp::Ocrp ocrp_ok() { return pptp::Ocrp{kPeerCall, kOurCall, 1, 0, 0, 100000000, 16, 0, 0}; }

// Drives a fresh machine to Established at t0 + 2 s.
Control established() {
  Control c(config());
  c.start(t0);
  deliver(c, sccrp_ok(), t0 + 1s);
  deliver(c, ocrp_ok(), t0 + 2s);
  REQUIRE(c.state() == Control::State::Established);
  return c;
}

}  // namespace

TEST_CASE("pptp: scripted conversation up to CallEstablished") {
  Control c(config());
  std::vector<Message> keep;

  auto fx = c.start(t0);
  const auto& sccrq = only_sent<pptp::Sccrq>(fx, keep);
  CHECK(sccrq == pptp::Sccrq{0x0100, 3, 3, 65535, 1, "laptop", "pptpctl"});
  CHECK(fx.send[0].size() == 156);
  CHECK(fx.events.empty());
  CHECK(fx.deadline == t0 + 30s);
  CHECK(c.state() == Control::State::WaitSccrp);

  fx = deliver(c, sccrp_ok(), t0 + 1s);
  CHECK(only_event<pptp::ControlEstablished>(fx) ==
        pptp::ControlEstablished{0x0100, 0x0500, "server", "Microsoft"});
  const auto& ocrq = only_sent<pptp::Ocrq>(fx, keep);
  CHECK(ocrq == pptp::Ocrq{kOurCall, 7, 2400, 1000000000, 3, 3, 64, 0, "", ""});
  CHECK(fx.deadline == t0 + 1s + 30s);
  CHECK(c.state() == Control::State::WaitOcrp);
  REQUIRE(fx.trace.size() == 2);
  CHECK(fx.trace[0].direction == pptp::Direction::Received);
  CHECK(fx.trace[1].direction == pptp::Direction::Sent);

  fx = deliver(c, ocrp_ok(), t0 + 2s);
  CHECK(fx.send.empty());
  CHECK(only_event<pptp::CallEstablished>(fx) == pptp::CallEstablished{kOurCall, kPeerCall, 100000000, 16, 0});
  CHECK(c.state() == Control::State::Established);
  CHECK(c.peer_call_id() == kPeerCall);
  CHECK(fx.deadline == t0 + 2s + 60s);  // the idle echo
}

TEST_CASE("pptp: server replies arriving a byte at a time drive the machine the same way") {
  Control c(config());
  c.start(t0);
  auto bytes = pptp::encode(sccrp_ok());
  const auto ocrp = pptp::encode(ocrp_ok());
  bytes.insert(bytes.end(), ocrp.begin(), ocrp.end());
  std::vector<pptp::Event> events;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto fx = c.on_bytes(wire::ByteView(bytes).subspan(i, 1), t0 + 1s);
    events.insert(events.end(), fx.events.begin(), fx.events.end());
  }
  REQUIRE(events.size() == 2);
  CHECK(std::holds_alternative<pptp::ControlEstablished>(events[0]));
  CHECK(std::get<pptp::CallEstablished>(events[1]).peer_call_id == kPeerCall);
}

TEST_CASE("pptp: SCCRP result 0 is accepted as success") {
  Control c(config());
  c.start(t0);
  auto reply = sccrp_ok();
  reply.result = 0;
  auto fx = deliver(c, reply, t0 + 1s);
  CHECK(c.state() == Control::State::WaitOcrp);
  std::vector<Message> keep;
  only_sent<pptp::Ocrq>(fx, keep);
}

TEST_CASE("pptp: SCCRP refusal fails with the code's sentence") {
  Control c(config());
  c.start(t0);
  auto reply = sccrp_ok();
  reply.result = 5;
  auto fx = deliver(c, reply, t0 + 1s);
  CHECK(only_event<pptp::Failed>(fx) ==
        pptp::Failed{"server refused the control connection: bad protocol version", FailureCategory::ControlRefused});
  CHECK(fx.send.empty());
  CHECK(c.done());
  CHECK_FALSE(fx.deadline.has_value());
}

TEST_CASE("pptp: OCRP busy fails with CallRefused and stops the control connection") {
  Control c(config());
  c.start(t0);
  deliver(c, sccrp_ok(), t0 + 1s);
  auto reply = ocrp_ok();
  reply.result = 4;
  auto fx = deliver(c, reply, t0 + 2s);
  CHECK(only_event<pptp::Failed>(fx) ==
        pptp::Failed{"server refused the call: line busy", FailureCategory::CallRefused});
  std::vector<Message> keep;
  CHECK(only_sent<pptp::StopCcrq>(fx, keep).reason == 1);
  CHECK(c.done());
}

TEST_CASE("pptp: OCRP for another call is a protocol error") {
  Control c(config());
  c.start(t0);
  deliver(c, sccrp_ok(), t0 + 1s);
  auto reply = ocrp_ok();
  reply.peer_call_id = 0x9999;
  auto fx = deliver(c, reply, t0 + 2s);
  auto failed = only_event<pptp::Failed>(fx);
  CHECK(failed.category == FailureCategory::ProtocolError);
  CHECK(failed.reason == "server answered a call we did not place (its OCRP names call 0x9999, ours is 0x1234)");
}

TEST_CASE("pptp: connect and call timeouts") {
  Control c(config());
  c.start(t0);
  SUBCASE("no SCCRP") {
    CHECK(c.on_timer(t0 + 29s).events.empty());  // early wake-ups are harmless
    auto fx = c.on_timer(t0 + 30s);
    CHECK(only_event<pptp::Failed>(fx) ==
          pptp::Failed{"server did not answer the control connection request within 30 s", FailureCategory::Timeout});
    CHECK(fx.send.empty());
  }
  SUBCASE("no OCRP") {
    deliver(c, sccrp_ok(), t0 + 1s);
    auto fx = c.on_timer(t0 + 31s);
    CHECK(only_event<pptp::Failed>(fx) ==
          pptp::Failed{"server did not answer the call request within 30 s", FailureCategory::Timeout});
    std::vector<Message> keep;
    only_sent<pptp::StopCcrq>(fx, keep);
  }
  CHECK(c.done());
}

TEST_CASE("pptp: peer Echo-Request is answered with the same identifier") {
  Control c = established();
  auto fx = deliver(c, pptp::EchoRequest{0xDEADBEEF}, t0 + 10s);
  REQUIRE(fx.send.size() == 1);
  const std::vector<std::uint8_t> want = {0x00, 0x14, 0x00, 0x01, 0x1A, 0x2B, 0x3C, 0x4D, 0x00, 0x06,
                                          0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x00, 0x00, 0x00};
  CHECK(fx.send[0] == want);
  CHECK(fx.events.empty());
  CHECK(fx.deadline == t0 + 10s + 60s);  // the server's traffic postpones our echo
}

TEST_CASE("pptp: idle echo is sent and its timeout fails the connection") {
  Control c = established();
  const TimePoint up = t0 + 2s;
  CHECK(c.on_timer(up + 59s).send.empty());
  auto fx = c.on_timer(up + 60s);
  std::vector<Message> keep;
  const auto id = only_sent<pptp::EchoRequest>(fx, keep).identifier;
  CHECK(fx.deadline == up + 120s);

  SUBCASE("no reply") {
    CHECK(c.on_timer(up + 119s).events.empty());
    fx = c.on_timer(up + 120s);
    CHECK(only_event<pptp::Failed>(fx) ==
          pptp::Failed{"server stopped answering keepalives", FailureCategory::Timeout});
    CHECK(c.done());
  }
  SUBCASE("reply rearms the idle timer") {
    fx = deliver(c, pptp::EchoReply{id, 1, 0}, up + 70s);
    CHECK(fx.events.empty());
    CHECK(fx.deadline == up + 130s);
    fx = c.on_timer(up + 130s);
    CHECK(only_sent<pptp::EchoRequest>(fx, keep).identifier != id);
  }
}

TEST_CASE("pptp: echo timings follow the config") {
  auto cfg = config();
  cfg.echo_idle = 5s;
  cfg.echo_wait = 3s;
  Control c(cfg);
  c.start(t0);
  deliver(c, sccrp_ok(), t0);
  auto fx = deliver(c, ocrp_ok(), t0);
  CHECK(fx.deadline == t0 + 5s);
  fx = c.on_timer(t0 + 5s);
  CHECK(fx.deadline == t0 + 8s);
  CHECK(only_event<pptp::Failed>(c.on_timer(t0 + 8s)).category == FailureCategory::Timeout);
}

TEST_CASE("pptp: SLI and WEN are ignored") {
  Control c = established();
  auto fx = deliver(c, pptp::Sli{kOurCall, 0xFFFFFFFF, 0xFFFFFFFF}, t0 + 30s);
  CHECK(fx.send.empty());
  CHECK(fx.events.empty());
  CHECK(fx.deadline == t0 + 90s);
  fx = deliver(c, pptp::Wen{kOurCall, 1, 2, 3, 4, 5, 6}, t0 + 31s);
  CHECK(fx.send.empty());
  CHECK(fx.events.empty());
  CHECK(c.state() == Control::State::Established);
}

TEST_CASE("pptp: peer CDN disconnects the call, then the control connection stops") {
  Control c = established();
  pptp::Cdn cdn{kPeerCall, 3, 0, 0, ""};
  SUBCASE("CDN carries the server's call ID (RFC 2637)") {}
  SUBCASE("CDN carries our call ID (accel-ppp)") { cdn.call_id = kOurCall; }
  auto fx = deliver(c, cdn, t0 + 10s);
  CHECK(only_event<pptp::CallDisconnected>(fx) ==
        pptp::CallDisconnected{"server disconnected the call: administrative shutdown"});
  std::vector<Message> keep;
  CHECK(only_sent<pptp::StopCcrq>(fx, keep).reason == 1);
  CHECK(fx.deadline == t0 + 20s);
  CHECK(c.state() == Control::State::WaitStopCcrp);

  fx = deliver(c, pptp::StopCcrp{1, 0}, t0 + 11s);
  CHECK(only_event<pptp::Closed>(fx) == pptp::Closed{"server disconnected the call: administrative shutdown", true});
  CHECK(c.done());
  CHECK_FALSE(fx.deadline.has_value());
}

TEST_CASE("pptp: a server whose call ID is 0 (PoPToP) can disconnect the call") {
  Control c(config());
  c.start(t0);
  deliver(c, sccrp_ok(), t0 + 1s);
  auto ocrp = ocrp_ok();
  ocrp.call_id = 0;
  deliver(c, ocrp, t0 + 2s);
  REQUIRE(c.state() == Control::State::Established);
  auto fx = deliver(c, pptp::Cdn{0, 3, 0, 0, ""}, t0 + 10s);
  CHECK(only_event<pptp::CallDisconnected>(fx) ==
        pptp::CallDisconnected{"server disconnected the call: administrative shutdown"});
}

TEST_CASE("pptp: before the server names its call, a CDN for call 0 is not ours") {
  Control c(config());
  c.start(t0);
  deliver(c, sccrp_ok(), t0 + 1s);
  auto fx = deliver(c, pptp::Cdn{0, 3, 0, 0, ""}, t0 + 2s);
  CHECK(fx.events.empty());
  CHECK(c.state() == Control::State::WaitOcrp);
}

TEST_CASE("pptp: CDN for some other call is ignored") {
  Control c = established();
  auto fx = deliver(c, pptp::Cdn{0x0BAD, 1, 0, 0, ""}, t0 + 10s);
  CHECK(fx.events.empty());
  CHECK(fx.send.empty());
  REQUIRE(fx.notes.size() == 1);
  CHECK(c.state() == Control::State::Established);
}

TEST_CASE("pptp: peer StopCCRQ is answered and closes") {
  Control c = established();
  auto fx = deliver(c, pptp::StopCcrq{3}, t0 + 10s);
  REQUIRE(fx.send.size() == 1);
  const std::vector<std::uint8_t> want = {0x00, 0x10, 0x00, 0x01, 0x1A, 0x2B, 0x3C, 0x4D,
                                          0x00, 0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
  CHECK(fx.send[0] == want);
  REQUIRE(fx.events.size() == 2);
  CHECK(std::get<pptp::CallDisconnected>(fx.events[0]).reason ==
        "server closed the control connection: local shutdown");
  CHECK(std::get<pptp::Closed>(fx.events[1]) ==
        pptp::Closed{"server closed the control connection: local shutdown", true});
  CHECK(c.done());
  // Done means done: later input changes nothing.
  auto after = deliver(c, pptp::EchoRequest{1}, t0 + 11s);
  CHECK(after.send.empty());
  CHECK(after.events.empty());
}

TEST_CASE("pptp: peer StopCCRQ before the call is up is a failure") {
  Control c(config());
  c.start(t0);
  auto fx = deliver(c, pptp::StopCcrq{2}, t0 + 1s);
  std::vector<Message> keep;
  only_sent<pptp::StopCcrp>(fx, keep);
  CHECK(only_event<pptp::Failed>(fx) ==
        pptp::Failed{"server closed the control connection: protocol version not supported",
                     FailureCategory::PeerClosed});
}

TEST_CASE("pptp: incoming calls are refused") {
  Control c = established();
  auto fx = deliver(c, pptp::Icrq{0x4444, 1, 3, 0, "", "", ""}, t0 + 10s);
  std::vector<Message> keep;
  CHECK(only_sent<pptp::Icrp>(fx, keep) == pptp::Icrp{0, 0x4444, 3, 0, 0, 0});
  CHECK(fx.events.empty());
  CHECK(c.state() == Control::State::Established);
}

TEST_CASE("pptp: a message unexpected in the state is a protocol error naming it") {
  Control c = established();
  auto fx = deliver(c, sccrp_ok(), t0 + 10s);
  CHECK(only_event<pptp::Failed>(fx) ==
        pptp::Failed{"server sent an unexpected SCCRP during the call", FailureCategory::ProtocolError});
  std::vector<Message> keep;
  only_sent<pptp::StopCcrq>(fx, keep);

  Control d(config());
  d.start(t0);
  fx = deliver(d, ocrp_ok(), t0 + 1s);
  CHECK(only_event<pptp::Failed>(fx).reason ==
        "server sent an unexpected OCRP while we waited for the control connection reply (SCCRP)");
  CHECK(fx.send.empty());  // no control connection yet, so no StopCCRQ
}

TEST_CASE("pptp: garbage from the server is a protocol error") {
  Control c(config());
  c.start(t0);
  const std::string http = "HTTP/1.1 400 Bad Request\r\n\r\n";
  auto fx = c.on_bytes(wire::ByteView(reinterpret_cast<const std::uint8_t*>(http.data()), http.size()), t0 + 1s);
  auto failed = only_event<pptp::Failed>(fx);
  CHECK(failed.category == FailureCategory::ProtocolError);
  CHECK(failed.reason.find("length") != std::string::npos);
  CHECK(c.done());
}

TEST_CASE("pptp: unknown control types are skipped with a note") {
  Control c = established();
  auto odd = pptp::encode(pptp::EchoRequest{1});
  odd[9] = 42;
  auto fx = c.on_bytes(odd, t0 + 10s);
  CHECK(fx.events.empty());
  REQUIRE(fx.notes.size() == 1);
  CHECK(fx.notes[0] == "skipped a PPTP control message of unknown type 42");
  CHECK(c.state() == Control::State::Established);
}

TEST_CASE("pptp: orderly hangup") {
  Control c = established();
  std::vector<Message> keep;
  auto fx = c.hangup(t0 + 100s);
  CHECK(only_sent<pptp::Ccrq>(fx, keep).call_id == kOurCall);
  CHECK(fx.deadline == t0 + 110s);
  CHECK(c.state() == Control::State::WaitCdn);
  CHECK(c.hangup(t0 + 101s).send.empty());  // a second hangup changes nothing

  // The server keeps talking meanwhile; echoes are still answered.
  fx = deliver(c, pptp::EchoRequest{5}, t0 + 101s);
  CHECK(only_sent<pptp::EchoReply>(fx, keep).identifier == 5);

  fx = deliver(c, pptp::Cdn{kPeerCall, 4, 0, 0, ""}, t0 + 102s);
  CHECK(only_event<pptp::CallDisconnected>(fx).reason == "call cleared at our request");
  only_sent<pptp::StopCcrq>(fx, keep);
  CHECK(fx.deadline == t0 + 112s);

  fx = deliver(c, pptp::StopCcrp{1, 0}, t0 + 103s);
  CHECK(only_event<pptp::Closed>(fx) == pptp::Closed{"hung up", true});
  CHECK(fx.send.empty());
  CHECK(c.done());
}

TEST_CASE("pptp: hangup when the server never answers") {
  Control c = established();
  std::vector<Message> keep;
  c.hangup(t0 + 100s);
  CHECK(c.on_timer(t0 + 109s).send.empty());
  auto fx = c.on_timer(t0 + 110s);
  CHECK(only_event<pptp::CallDisconnected>(fx).reason ==
        "call cleared; the server did not confirm within 10 s");
  only_sent<pptp::StopCcrq>(fx, keep);
  CHECK(fx.deadline == t0 + 120s);
  fx = c.on_timer(t0 + 120s);
  CHECK(only_event<pptp::Closed>(fx) ==
        pptp::Closed{"hung up; the server did not answer the stop request within 10 s", false});
  CHECK(c.done());
}

TEST_CASE("pptp: server closing TCP after our StopCCRQ counts as a clean close") {
  Control c = established();
  c.hangup(t0 + 100s);
  deliver(c, pptp::Cdn{kPeerCall, 4, 0, 0, ""}, t0 + 101s);
  auto fx = c.on_eof(t0 + 102s);
  CHECK(only_event<pptp::Closed>(fx) == pptp::Closed{"hung up", true});
}

TEST_CASE("pptp: both sides stopping at once completes the close") {
  Control c = established();
  c.hangup(t0 + 100s);
  deliver(c, pptp::Cdn{kPeerCall, 4, 0, 0, ""}, t0 + 101s);
  auto fx = deliver(c, pptp::StopCcrq{1}, t0 + 102s);
  std::vector<Message> keep;
  only_sent<pptp::StopCcrp>(fx, keep);
  CHECK(only_event<pptp::Closed>(fx) == pptp::Closed{"hung up", true});
}

TEST_CASE("pptp: hangup while the call is being placed") {
  Control c(config());
  c.start(t0);
  deliver(c, sccrp_ok(), t0 + 1s);
  std::vector<Message> keep;
  auto fx = c.hangup(t0 + 2s);
  only_sent<pptp::Ccrq>(fx, keep);
  fx = deliver(c, ocrp_ok(), t0 + 3s);  // the late answer is ignored
  CHECK(fx.events.empty());
  CHECK(fx.send.empty());
  fx = deliver(c, pptp::Cdn{kPeerCall, 4, 0, 0, ""}, t0 + 4s);
  CHECK(fx.events.empty());  // no call was ever reported up, so none goes down
  only_sent<pptp::StopCcrq>(fx, keep);
}

TEST_CASE("pptp: hangup before the control connection is up") {
  Control idle(config());
  CHECK(only_event<pptp::Closed>(idle.hangup(t0)).was_clean);
  Control c(config());
  c.start(t0);
  auto fx = c.hangup(t0 + 1s);
  CHECK(fx.send.empty());
  CHECK(only_event<pptp::Closed>(fx) == pptp::Closed{"hung up before the control connection was up", false});
}

TEST_CASE("pptp: EOF from the server") {
  Control c = established();
  SUBCASE("between messages") {
    auto fx = c.on_eof(t0 + 10s);
    CHECK(only_event<pptp::Failed>(fx) ==
          pptp::Failed{"server closed the TCP connection during the call", FailureCategory::PeerClosed});
  }
  SUBCASE("in the middle of a message") {
    const auto echo = pptp::encode(pptp::EchoRequest{1});
    c.on_bytes(wire::ByteView(echo).first(5), t0 + 10s);
    auto fx = c.on_eof(t0 + 10s);
    CHECK(only_event<pptp::Failed>(fx).reason ==
          "server closed the TCP connection during the call (in the middle of a message, 5 bytes received)");
  }
  CHECK(c.done());
  CHECK(c.on_eof(t0 + 11s).events.empty());
}

TEST_CASE("pptp: a CDN instead of an OCRP refuses the call") {
  Control c(config());
  c.start(t0);
  deliver(c, sccrp_ok(), t0 + 1s);
  auto fx = deliver(c, pptp::Cdn{kOurCall, 2, 4, 0, ""}, t0 + 2s);
  CHECK(only_event<pptp::Failed>(fx) ==
        pptp::Failed{"server disconnected the call: general error (no resources)", FailureCategory::CallRefused});
  std::vector<Message> keep;
  only_sent<pptp::StopCcrq>(fx, keep);
}

TEST_CASE("pptp: failure categories have stable names for the CLI") {
  CHECK(pptp::name(FailureCategory::ControlRefused) == "control-refused");
  CHECK(pptp::name(FailureCategory::CallRefused) == "call-refused");
  CHECK(pptp::name(FailureCategory::Timeout) == "timeout");
  CHECK(pptp::name(FailureCategory::ProtocolError) == "protocol-error");
  CHECK(pptp::name(FailureCategory::PeerClosed) == "peer-closed");
}
