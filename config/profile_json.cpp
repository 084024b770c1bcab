#include <nlohmann/json.hpp>

#include "config/profile.hpp"

namespace config {

// Every key with its effective value, so what the daemon will do can be read
// off one place. Written with the profile's own key names, it parses back to
// the same profile when the password comes from a file.
nlohmann::json to_json(const Profile& p) {
  using nlohmann::json;
  json auth = json::array();
  for (AuthMethod m : p.auth) auth.push_back(std::string(to_string(m)));
  json bits = json::array();
  if (p.mppe.bits.b40) bits.push_back(40);
  if (p.mppe.bits.b56) bits.push_back(56);
  if (p.mppe.bits.b128) bits.push_back(128);
  json routes = json::array();
  for (const wire::Ipv4Prefix& r : p.routes) routes.push_back(wire::to_string(r));

  json out = {
      {"server", p.server},
      {"username", p.username},
      {"auth", auth},
      {"mppe", {{"required", p.mppe.required}, {"bits", bits}, {"stateful", p.mppe.stateful}}},
      {"routes", routes},
      {"default_route", p.default_route},
      {"dns", {{"use_peer", p.dns.use_peer}, {"domains", p.dns.domains}}},
      {"mtu", p.mtu ? nlohmann::json(*p.mtu) : nlohmann::json("auto")},
      {"mru", p.mru},
      {"interface", p.interface},
      {"lcp_echo", {{"interval_s", p.lcp_echo.interval_s}, {"failures", p.lcp_echo.failures}}},
      {"connect_timeout_s", p.connect_timeout_s},
      {"reconnect",
       {{"enabled", p.reconnect.enabled},
        {"delay_s", p.reconnect.delay_s},
        {"max_delay_s", p.reconnect.max_delay_s},
        {"max_attempts", p.reconnect.max_attempts}}},
      {"block_while_down", p.block_while_down},
      {"ipv6", std::string(to_string(p.ipv6))},
      {"idle_timeout_s", p.idle_timeout_s},
      {"debug", p.debug},
      {"inject_guard", p.inject_guard},
      {"data_path", std::string(to_string(p.data_path))},
      {"clamp_mss", p.clamp_mss},
  };
  // The password itself never leaves the Secret; only where it lives.
  if (!p.password_file.empty()) out["password_file"] = p.password_file;
  return out;
}

}  // namespace config
