// Fuzzes the PPTP control codec, the stream framer and the client state
// machine with bytes as a hostile server would send them.
//
// Checks: a message that decodes re-encodes to its exact type size and
// decodes back to the same value (and encoding is then stable); the framer
// never hands out a message that fails the same check; the state machine
// ends in at most one Closed/Failed, stays silent once done, and always
// has a deadline while it is waiting for something.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>

#include "pptp/control.hpp"
#include "pptp/describe.hpp"
#include "pptp/framer.hpp"
#include "pptp/messages.hpp"

namespace {

using namespace std::chrono_literals;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_pptp_control: invariant broken: %s\n", what);
    std::abort();
  }
}

void round_trip(const pptp::Message& m) {
  const wire::Bytes once = pptp::encode(m);
  check(once.size() == pptp::wire_size(pptp::control_type(m)), "encoded size matches the type");
  auto back = pptp::decode(once);
  check(back.ok(), "re-encoded message decodes");
  check(back.value() == m, "decode(encode(m)) == m");
  check(pptp::encode(back.value()) == once, "encoding is stable");
  check(!pptp::describe(m).empty(), "describe says something");
}

struct Watch {
  int terminal = 0;

  void saw(const pptp::Control& c, const pptp::Effects& fx, bool was_done) {
    if (was_done) check(fx.events.empty() && fx.send.empty(), "silent once done");
    for (const auto& e : fx.events) {
      if (std::holds_alternative<pptp::Closed>(e) || std::holds_alternative<pptp::Failed>(e)) ++terminal;
    }
    check(terminal <= 1, "at most one Closed/Failed");
    check(c.done() == (terminal == 1), "done exactly after Closed/Failed");
    const bool waiting = c.state() != pptp::Control::State::Idle && !c.done();
    check(fx.deadline.has_value() == waiting, "a deadline exactly while waiting");
    for (const auto& b : fx.send) check(pptp::decode(b).ok(), "we only send valid messages");
  }
};

pptp::Config config() {
  pptp::Config c;
  c.hostname = "fuzz";
  c.call_id = 0x1234;
  return c;
}

const pptp::TimePoint t0 = pptp::TimePoint{} + 1000s;

// The data as the server's stream, from just after SCCRQ or from an
// established call. The user hangs up part way through (the last input byte
// picks where, so the fuzzer reaches the hangup states with input still to
// come), then timers run out and TCP closes.
void drive(pptp::Control& c, wire::ByteView data, pptp::TimePoint now) {
  Watch w;
  auto step = [&](auto&& fn) {
    const bool was_done = c.done();
    auto fx = fn();
    w.saw(c, fx, was_done);
    return fx;
  };
  const std::size_t split = data.empty() ? 0 : data.size() * data.back() / 255;
  step([&] { return c.on_bytes(data.first(split), now); });
  step([&] { return c.hangup(now + 1s); });
  step([&] { return c.on_bytes(data.subspan(split), now + 2s); });
  if (auto d = c.deadline()) step([&] { return c.on_timer(*d); });
  if (auto d = c.deadline()) step([&] { return c.on_timer(*d); });
  if (auto d = c.deadline()) step([&] { return c.on_timer(*d); });
  step([&] { return c.on_eof(now + 1000s); });
  check(c.done(), "hangup, timers and EOF always end the session");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const wire::ByteView input(data, size);

  if (auto m = pptp::decode(input)) round_trip(m.value());

  // The framer in odd-sized chunks.
  pptp::Framer framer;
  const std::size_t chunk = size == 0 ? 1 : 1 + data[0] % 13;
  for (std::size_t at = 0; at < size; at += chunk) {
    framer.feed(input.subspan(at, std::min(chunk, size - at)));
    for (;;) {
      auto next = framer.next();
      if (!next) {
        if (next.error().kind == wire::ErrorKind::Fatal) break;
        continue;
      }
      if (!next.value()) break;
      round_trip(*next.value());
    }
    if (framer.failed()) break;
  }

  // A session waiting for SCCRP.
  {
    pptp::Control c(config());
    c.start(t0);
    drive(c, input, t0 + 1s);
  }
  // A session with a call up.
  {
    pptp::Control c(config());
    c.start(t0);
    c.on_bytes(pptp::encode(pptp::Sccrp{0x0100, 1, 0, 3, 3, 1, 1, "s", "v"}), t0);
    c.on_bytes(pptp::encode(pptp::Ocrp{0x5678, 0x1234, 1, 0, 0, 1000, 64, 0, 0}), t0);
    check(c.state() == pptp::Control::State::Established, "scripted setup reaches Established");
    drive(c, input, t0 + 1s);
  }
  return 0;
}
