// The profile as the PPP session sees it (daemon/session_config.hpp): the
// daemon and fuzz_negotiation both build sessions with it.
#include <doctest/doctest.h>

#include "daemon/session_config.hpp"

using config::AuthMethod;
using ppp::AuthProtocol;

TEST_CASE("session config: auth methods keep the profile's order") {
  struct Row {
    std::vector<AuthMethod> profile;
    std::vector<AuthProtocol> session;
  };
  const Row rows[] = {
      {{AuthMethod::MsChapV2}, {AuthProtocol::MsChapV2}},
      {{AuthMethod::Pap, AuthMethod::ChapMd5, AuthMethod::MsChapV1, AuthMethod::MsChapV2},
       {AuthProtocol::Pap, AuthProtocol::ChapMd5, AuthProtocol::MsChapV1, AuthProtocol::MsChapV2}},
  };
  for (const auto& r : rows) {
    config::Profile p;
    p.auth = r.profile;
    CHECK(pptpctl::session_config(p, 1, {}).lcp.allowed_auth == r.session);
  }
}

TEST_CASE("session config: MPPE bits, policy and the randomness given") {
  struct Row {
    bool b40, b56, b128, stateful, required;
    std::uint32_t allowed;
  };
  const Row rows[] = {
      {false, false, true, false, true, ppp::mppe_bit::S},
      {true, false, true, true, false, ppp::mppe_bit::S | ppp::mppe_bit::L},
      // 56 bits is never offered: Linux cannot run it.
      {true, true, false, false, true, ppp::mppe_bit::L},
  };
  for (const auto& r : rows) {
    config::Profile p;
    p.username = "alice";
    (void)p.password.assign("pw");
    p.mppe.bits = {r.b40, r.b56, r.b128};
    p.mppe.stateful = r.stateful;
    p.mppe.required = r.required;
    p.lcp_echo = {7, 2};
    p.dns.use_peer = false;
    std::array<std::uint8_t, 16> pc{};
    pc[3] = 9;
    auto c = pptpctl::session_config(p, 77, pc);
    CHECK(c.ccp.allowed == r.allowed);
    CHECK(c.ccp.allow_stateful == r.stateful);
    CHECK(c.ccp.request_stateful == r.stateful);
    CHECK(c.ccp.required == r.required);
    CHECK(c.lcp.seed == 77);
    CHECK(c.credentials.peer_challenge == pc);
    CHECK(c.credentials.username == "alice");
    CHECK(c.credentials.password == "pw");
    CHECK(c.lcp.echo_interval == std::chrono::seconds(7));
    CHECK(c.lcp.echo_failures == 2);
    CHECK_FALSE(c.ipcp.want_dns);
  }
}
