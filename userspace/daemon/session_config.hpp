#pragma once
// The profile as the PPP session sees it. Pure (the randomness comes in as
// arguments), so the daemon and the negotiation fuzz target build the session
// the same way.
#include <array>
#include <cstdint>
#include <optional>

#include "config/profile.hpp"
#include "ppp/session.hpp"
#include "wire/ipv4.hpp"

namespace pptpctl {

// `seed` feeds LCP's magic numbers; `peer_challenge` is MS-CHAPv2's;
// `server` is the PPTP server's real address, which IPCP refuses to take as
// our address or a DNS server (issue 9).
ppp::SessionConfig session_config(const config::Profile& profile, std::uint64_t seed,
                                  const std::array<std::uint8_t, 16>& peer_challenge,
                                  std::optional<wire::Ipv4> server = std::nullopt);

}  // namespace pptpctl
