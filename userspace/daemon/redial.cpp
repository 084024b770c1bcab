#include "daemon/redial.hpp"

#include <algorithm>

#include "daemon/failure.hpp"

namespace pptpctl {

RedialPolicy::RedialPolicy(RedialSettings settings, Random random)
    : settings_(settings), random_(std::move(random)) {}

RedialPolicy::Duration RedialPolicy::backoff(std::uint32_t n) const {
  using std::chrono::duration_cast;
  const Duration cap = duration_cast<Duration>(settings_.max_delay);
  Duration base = duration_cast<Duration>(settings_.delay);
  // Doubling stops at the cap, so no shift can overflow.
  for (std::uint32_t i = 1; i < n && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  const double factor = 0.8 + 0.4 * std::clamp(random_(), 0.0, 1.0);
  const auto jittered = Duration(static_cast<Duration::rep>(static_cast<double>(base.count()) * factor));
  return std::min(jittered, cap);
}

RedialPolicy::Decision RedialPolicy::after_failure(Exit code, bool retry_allowed) {
  if (!settings_.enabled || !retry_allowed || is_permanent(code)) return Stop{code};
  ++failures_;
  if (settings_.max_attempts != 0 && failures_ >= settings_.max_attempts) return Stop{code};
  return Retry{backoff(failures_), failures_};
}

RedialPolicy::Decision RedialPolicy::after_path_change() {
  if (!settings_.enabled) return Stop{Exit::LinkLost};
  return Retry{Duration::zero(), failures_};
}

}  // namespace pptpctl
