#include "daemon/session_config.hpp"

namespace pptpctl {

ppp::SessionConfig session_config(const config::Profile& profile, std::uint64_t seed,
                                  const std::array<std::uint8_t, 16>& peer_challenge,
                                  std::optional<wire::Ipv4> server) {
  ppp::SessionConfig c;
  c.lcp.mru = profile.mru;
  c.lcp.allowed_auth.clear();
  for (auto m : profile.auth) {
    switch (m) {
      case config::AuthMethod::MsChapV2: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::MsChapV2); break;
      case config::AuthMethod::MsChapV1: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::MsChapV1); break;
      case config::AuthMethod::ChapMd5: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::ChapMd5); break;
      case config::AuthMethod::Pap: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::Pap); break;
    }
  }
  c.lcp.seed = seed;
  c.lcp.echo_interval = std::chrono::seconds(profile.lcp_echo.interval_s);
  c.lcp.echo_failures = profile.lcp_echo.failures;
  c.credentials.username = profile.username;
  // Straight into the session's copy: no temporary left unwiped.
  c.credentials.password.assign(profile.password.reveal());
  c.credentials.peer_challenge = peer_challenge;
  // Linux's MPPE does 40 and 128 bits only: a 56-bit ConfAck would leave the
  // kernel without a running compressor, so 56 is never offered or accepted.
  c.ccp.allowed = (profile.mppe.bits.b128 ? ppp::mppe_bit::S : 0u) | (profile.mppe.bits.b40 ? ppp::mppe_bit::L : 0u);
  c.ccp.allow_stateful = profile.mppe.stateful;
  c.ccp.request_stateful = profile.mppe.stateful;
  c.ccp.required = profile.mppe.required;
  c.ipcp.want_dns = profile.dns.use_peer;
  c.ipcp.server = server;
  return c;
}

}  // namespace pptpctl
