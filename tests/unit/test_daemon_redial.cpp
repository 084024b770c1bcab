// The redial policy, the backoff and the exit-code mapping, with no kernel and
// no clock: time is the sum of the waits the policy hands out.
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "daemon/failure.hpp"
#include "daemon/redial.hpp"

using namespace pptpctl;
using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

namespace {

RedialPolicy policy(RedialSettings s = {}, double random = 0.5) {
  return RedialPolicy(s, [random] { return random; });
}

Ms wait_of(const RedialPolicy::Decision& d) {
  REQUIRE(std::holds_alternative<RedialPolicy::Retry>(d));
  return std::get<RedialPolicy::Retry>(d).wait;
}

}  // namespace

TEST_CASE("redial: every exit code is either permanent or worth another try") {
  struct Row {
    Exit code;
    bool permanent;
  };
  const Row rows[] = {
      {Exit::Failure, false},          {Exit::BadProfile, true},     {Exit::KernelMissing, true},
      {Exit::MppeMissing, true},       {Exit::Unreachable, false},   {Exit::ServerRefused, false},
      {Exit::GreBlocked, false},       {Exit::WrongPassword, true},  {Exit::AuthFailed, true},
      {Exit::Impostor, true},          {Exit::MppeRefusedByPeer, true}, {Exit::MppeRefusedByUs, true},
      {Exit::NoAddress, false},        {Exit::NetworkSetup, false},  {Exit::LinkLost, false},
      {Exit::Timeout, false},
  };
  for (const auto& r : rows) {
    CAPTURE(exit_name(r.code));
    CHECK(is_permanent(r.code) == r.permanent);
  }
}

TEST_CASE("redial: protocol failures map to the exit codes the README lists") {
  struct Row {
    ppp::FailureKind kind;
    Exit code;
  };
  const Row rows[] = {
      {ppp::FailureKind::NoAnswer, Exit::GreBlocked},
      {ppp::FailureKind::WrongPassword, Exit::WrongPassword},
      {ppp::FailureKind::Impostor, Exit::Impostor},
      {ppp::FailureKind::MppeServerRefused, Exit::MppeRefusedByPeer},
      {ppp::FailureKind::MppeWeRefused, Exit::MppeRefusedByUs},
      {ppp::FailureKind::IpcpFailed, Exit::NoAddress},
      {ppp::FailureKind::PeerTerminated, Exit::LinkLost},
      {ppp::FailureKind::LinkDead, Exit::LinkLost},
      {ppp::FailureKind::MppeLostSync, Exit::LinkLost},
  };
  for (const auto& r : rows) CHECK(exit_for(r.kind) == r.code);
  // The same control failure is a lost link once the link was up.
  CHECK(exit_for(pptp::FailureCategory::PeerClosed, false) == Exit::ServerRefused);
  CHECK(exit_for(pptp::FailureCategory::PeerClosed, true) == Exit::LinkLost);
  CHECK(exit_for(pptp::FailureCategory::Timeout, false) == Exit::Timeout);
  CHECK(exit_for(pptp::FailureCategory::Timeout, true) == Exit::LinkLost);
  CHECK(exit_for(pptp::FailureCategory::CallRefused, true) == Exit::ServerRefused);
}

TEST_CASE("redial: the backoff doubles from delay_s up to max_delay_s") {
  // random 0.5 is the jitter factor 1.0 exactly.
  auto p = policy({true, 1s, 60s, 0});
  const Ms expected[] = {1s, 2s, 4s, 8s, 16s, 32s, 60s, 60s, 60s};
  for (std::uint32_t n = 1; n <= 9; ++n) {
    CAPTURE(n);
    CHECK(p.backoff(n) == expected[n - 1]);
  }
  // Far past any shift width, still the cap.
  CHECK(p.backoff(1000) == Ms(60s));
}

TEST_CASE("redial: jitter stays within 0.8x to 1.2x and never above the cap") {
  struct Row {
    double random;
    std::uint32_t n;
    Ms wait;
  };
  const Row rows[] = {
      {0.0, 1, 8000ms},  // 10 s * 0.8
      {0.5, 1, 10000ms},
      {0.999, 1, 11996ms},  // just under 1.2
      {0.0, 4, 48000ms},    // 60 s cap * 0.8
      {0.999, 4, 60000ms},  // 80 s * 1.2 capped
  };
  for (const auto& r : rows) {
    CAPTURE(r.random);
    CAPTURE(r.n);
    CHECK(policy({true, 10s, 60s, 0}, r.random).backoff(r.n) == r.wait);
  }
}

TEST_CASE("redial: decisions") {
  SUBCASE("a transient failure is retried, a permanent one stops with its code") {
    auto p = policy();
    CHECK(wait_of(p.after_failure(Exit::LinkLost, true)) == Ms(1s));
    CHECK(p.after_failure(Exit::WrongPassword, true) == RedialPolicy::Decision{RedialPolicy::Stop{Exit::WrongPassword}});
  }
  SUBCASE("while an interactive up waits for its first link, nothing is retried") {
    auto p = policy();
    CHECK(p.after_failure(Exit::GreBlocked, false) == RedialPolicy::Decision{RedialPolicy::Stop{Exit::GreBlocked}});
  }
  SUBCASE("reconnect.enabled false stops at the first failure") {
    auto p = policy({false, 1s, 60s, 0});
    CHECK(p.after_failure(Exit::LinkLost, true) == RedialPolicy::Decision{RedialPolicy::Stop{Exit::LinkLost}});
    CHECK(p.after_path_change() == RedialPolicy::Decision{RedialPolicy::Stop{Exit::LinkLost}});
  }
  SUBCASE("max_attempts counts consecutive failures, and a link resets the count") {
    auto p = policy({true, 1s, 60s, 3});
    CHECK(wait_of(p.after_failure(Exit::Unreachable, true)) == Ms(1s));
    CHECK(wait_of(p.after_failure(Exit::Unreachable, true)) == Ms(2s));
    CHECK(p.after_failure(Exit::Unreachable, true) == RedialPolicy::Decision{RedialPolicy::Stop{Exit::Unreachable}});
    p.on_up();
    CHECK(p.failures() == 0);
    CHECK(wait_of(p.after_failure(Exit::LinkLost, true)) == Ms(1s));
  }
  SUBCASE("a changed path redials at once and does not grow the backoff") {
    auto p = policy();
    CHECK(wait_of(p.after_path_change()) == Ms(0));
    CHECK(wait_of(p.after_failure(Exit::LinkLost, true)) == Ms(1s));
  }
}

TEST_CASE("redial: a server that is gone for five minutes, on a fake clock") {
  // Each attempt at a dead server fails after 2 s (TCP refused and retries);
  // the server is back at t = 300 s. The tunnel must be trying again within
  // max_delay_s of its return, and must not hammer it meanwhile.
  auto p = policy({true, 1s, 60s, 0});
  Ms now{0};
  int attempts = 0;
  const Ms back_at = 300s;
  while (now < back_at) {
    now += 2s;  // the attempt itself
    ++attempts;
    if (now >= back_at) break;
    now += wait_of(p.after_failure(Exit::Unreachable, true));
  }
  CHECK(attempts <= 14);                  // 1+2+4+...+32, then one a minute
  CHECK(now - back_at <= Ms(60s + 2s));  // the next attempt after the return succeeds
}
