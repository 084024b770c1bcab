// The black-hole check (pptp/mtu_probe.hpp) against simulated paths, and the
// ICMP echo codec it uses (pptp/icmp_echo.hpp).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "pptp/icmp_echo.hpp"
#include "pptp/mtu_probe.hpp"

using pptp::MtuProbe;

namespace {

struct Path {
  unsigned passes_up_to;  // the largest packet that arrives; 0: nothing does
  int lose_first = 0;     // the first N probes are lost whatever their size
};

struct Run {
  MtuProbe::Verdict verdict;
  int probes = 0;
  double seconds = 0;
};

// Drives the probe to its verdict: every probe that fits the path is
// answered at once, the rest never.
Run drive(unsigned mtu, Path path) {
  MtuProbe p(mtu);
  auto now = MtuProbe::Clock::time_point{};
  const auto t0 = now;
  Run run{};
  auto out = p.start(now);
  for (int guard = 0; guard < 1000; ++guard) {
    if (out.verdict) {
      run.verdict = *out.verdict;
      run.seconds = std::chrono::duration<double>(now - t0).count();
      return run;
    }
    std::vector<std::uint16_t> replies;
    for (const auto& s : out.send) {
      ++run.probes;
      if (path.lose_first > 0) {
        --path.lose_first;
        continue;
      }
      if (s.size <= path.passes_up_to) replies.push_back(s.seq);
    }
    out = {};
    for (auto seq : replies) {
      auto o = p.answered(seq, now);
      if (o.verdict || !o.send.empty()) out = o;
    }
    if (out.verdict || !out.send.empty()) continue;
    REQUIRE(p.deadline().has_value());
    now = *p.deadline();
    out = p.on_time(now);
  }
  FAIL("the probe never ended");
  return run;
}

}  // namespace

TEST_CASE("mtu probe: verdicts for paths, rows") {
  struct Row {
    unsigned mtu;
    Path path;
    MtuProbe::Result result;
    unsigned want_min, want_max;  // the MTU in the verdict
  };
  const Row rows[] = {
      // The path carries the full size: nothing changes.
      {1456, {1500}, MtuProbe::Result::Fits, 1456, 1456},
      {1456, {1456}, MtuProbe::Result::Fits, 1456, 1456},
      // Loss of the first two probes: retried, still fits.
      {1456, {1500, 2}, MtuProbe::Result::Fits, 1456, 1456},
      // A 1300-byte link beyond: 1300 - 44 = 1256 passes; found within the step.
      // The verdict keeps 4 bytes for the GRE ack field an echo may lack.
      {1456, {1256}, MtuProbe::Result::Lowered, 1256 - MtuProbe::kStep - 4, 1256 - 4},
      {1456, {1000}, MtuProbe::Result::Lowered, 1000 - MtuProbe::kStep - 4, 1000 - 4},
      {1456, {1450}, MtuProbe::Result::Lowered, 1450 - MtuProbe::kStep - 4, 1450 - 4},
      // Just under the small probe: no verdict, the MTU stays.
      {1456, {500}, MtuProbe::Result::NoAnswer, 1456, 1456},
      // A peer that never answers ICMP.
      {1456, {0}, MtuProbe::Result::NoAnswer, 1456, 1456},
      // An MTU at the floor is one probe.
      {576, {1500}, MtuProbe::Result::Fits, 576, 576},
      {576, {0}, MtuProbe::Result::NoAnswer, 576, 576},
  };
  for (const auto& r : rows) {
    CAPTURE(r.mtu);
    CAPTURE(r.path.passes_up_to);
    const Run run = drive(r.mtu, r.path);
    CHECK(run.verdict.result == r.result);
    CHECK(run.verdict.mtu >= r.want_min);
    CHECK(run.verdict.mtu <= r.want_max);
    if (r.result == MtuProbe::Result::Lowered) {
      CHECK(run.verdict.passed == run.verdict.mtu + MtuProbe::kAckAllowance);
      CHECK(run.verdict.failed > run.verdict.passed);
      CHECK(run.verdict.failed - run.verdict.passed <= MtuProbe::kStep);
      CHECK(run.verdict.passed <= r.path.passes_up_to);
    }
    // Bounded: the search halves at most a dozen times.
    CHECK(run.probes <= 2 * MtuProbe::kTries + 12 * MtuProbe::kTries);
    CHECK(run.seconds <= 14 * MtuProbe::kTries * 0.7 + 0.01);
  }
}

TEST_CASE("mtu probe: a late reply from an earlier round is ignored, nothing after the verdict") {
  MtuProbe p(1456);
  const auto now = MtuProbe::Clock::time_point{};
  auto out = p.start(now);
  REQUIRE(out.send.size() == 2);
  CHECK(out.send[0].size == 576);
  CHECK(out.send[1].size == 1456);
  CHECK(p.answered(999, now).send.empty());  // never sent
  auto o = p.answered(out.send[1].seq, now);
  CHECK_FALSE(o.verdict);  // the small one is still out
  o = p.answered(out.send[0].seq, now);
  REQUIRE(o.verdict);
  CHECK(o.verdict->result == MtuProbe::Result::Fits);
  CHECK(p.done());
  CHECK_FALSE(p.deadline());
  CHECK(p.on_time(now + std::chrono::seconds(5)).send.empty());
}

TEST_CASE("icmp echo: a request, answered as a peer would, parses back") {
  for (unsigned size : {28u, 84u, 576u, 1456u, 1500u}) {
    CAPTURE(size);
    const auto req = pptp::echo_request(0xBEEF, 7, size);
    CHECK(req.size() == size - 20);
    CHECK(pptp::internet_checksum(req) == 0);
    // The reply: an IP header, then the same message with type 0 and the
    // checksum adjusted.
    wire::Bytes reply = {0x45, 0, static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size), 0, 0, 0, 0,
                         64,   1, 0, 0, 198, 51, 100, 1, 198, 51, 100, 10};
    wire::Bytes icmp = req;
    icmp[0] = 0;
    icmp[2] = icmp[3] = 0;
    const auto sum = pptp::internet_checksum(icmp);
    icmp[2] = static_cast<std::uint8_t>(sum >> 8);
    icmp[3] = static_cast<std::uint8_t>(sum);
    reply.insert(reply.end(), icmp.begin(), icmp.end());
    CHECK(pptp::echo_reply_seq(reply, 0xBEEF) == std::optional<std::uint16_t>(7));
    CHECK_FALSE(pptp::echo_reply_seq(reply, 0xBEEE));  // someone else's ping
    // Each way of being wrong, one row each.
    struct Bad {
      std::size_t at;
      std::uint8_t value;
    };
    for (const Bad b : {Bad{0, 0x65}, Bad{0, 0x44}, Bad{9, 6}, Bad{20, 8}, Bad{21, 1}, Bad{24, 0xFF}}) {
      CAPTURE(b.at);
      wire::Bytes bad = reply;
      bad[b.at] ^= b.value;
      CHECK_FALSE(pptp::echo_reply_seq(bad, 0xBEEF));
    }
    // Truncated anywhere.
    for (std::size_t cut : {std::size_t{0}, std::size_t{19}, std::size_t{27}, reply.size() - 1}) {
      CHECK_FALSE(pptp::echo_reply_seq(wire::ByteView(reply).first(cut), 0xBEEF));
    }
  }
}
