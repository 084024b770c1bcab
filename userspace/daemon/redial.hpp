#pragma once
// When to try again, as pppd's persist/holdoff/maxfail and macOS's
// redialcount/redialtimer do, with no clock and no I/O: the tunnel tells it
// what happened and gets back either "stop with this code" or "dial again
// after this long". Randomness comes in as a function, so tests pin it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <variant>

#include "daemon/exit_codes.hpp"

namespace pptpctl {

struct RedialSettings {
  bool enabled = true;
  std::chrono::seconds delay{1};       // the first wait
  std::chrono::seconds max_delay{60};  // the cap of the doubling
  std::uint32_t max_attempts = 0;      // consecutive failures allowed; 0: no limit
};

class RedialPolicy {
 public:
  using Duration = std::chrono::milliseconds;
  // Returns a number in [0, 1); the jitter spreads many clients of one
  // server (all dropped by its restart) over time.
  using Random = std::function<double()>;

  struct Stop {
    Exit code;
    bool operator==(const Stop&) const = default;
  };
  struct Retry {
    Duration wait;
    std::uint32_t failures;  // consecutive failures so far, this one included
    bool operator==(const Retry&) const = default;
  };
  using Decision = std::variant<Stop, Retry>;

  RedialPolicy(RedialSettings settings, Random random);

  // An attempt ended with `code`. `retry_allowed` is false while an
  // interactive `pptpctl up` waits for its first link: it wants the answer,
  // not a daemon that keeps trying behind its back.
  Decision after_failure(Exit code, bool retry_allowed);
  // The path to the server changed under a working link: dial again at once.
  Decision after_path_change();
  // A link came up: the next loss starts the backoff from the beginning.
  void on_up() { failures_ = 0; }

  std::uint32_t failures() const { return failures_; }
  // Consecutive failure n waits min(max, delay * 2^(n-1)) times a factor in
  // [0.8, 1.2), never more than max.
  Duration backoff(std::uint32_t n) const;

 private:
  RedialSettings settings_;
  Random random_;
  std::uint32_t failures_ = 0;
};

}  // namespace pptpctl
