#pragma once
// Unpredictable values for call IDs, serials, LCP magic numbers and the
// redial jitter.
#include <sys/random.h>

#include <cstdlib>

namespace pptpctl {

template <typename T>
T random_value() {
  T v{};
  // getrandom() blocks until the pool is ready and does not return short
  // for buffers this small; a failure here means no randomness at all.
  if (::getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) std::abort();
  return v;
}

// Uniform in [0, 1).
inline double random_unit() { return static_cast<double>(random_value<std::uint32_t>()) / 4294967296.0; }

}  // namespace pptpctl
