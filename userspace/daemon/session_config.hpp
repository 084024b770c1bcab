#pragma once
// The profile as the PPP session sees it. Pure (the randomness comes in as
// arguments), so the daemon and the negotiation fuzz target build the session
// the same way.
#include <array>
#include <cstdint>

#include "config/profile.hpp"
#include "ppp/session.hpp"

namespace pptpctl {

// `seed` feeds LCP's magic numbers; `peer_challenge` is MS-CHAPv2's.
ppp::SessionConfig session_config(const config::Profile& profile, std::uint64_t seed,
                                  const std::array<std::uint8_t, 16>& peer_challenge);

}  // namespace pptpctl
