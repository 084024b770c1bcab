// parse_profile on arbitrary text: must never crash or throw, an accepted
// profile must satisfy every documented limit, and to_json of it must parse
// back to the same JSON (when the password lives in a file, since to_json
// never writes the password itself).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/profile.hpp"

namespace {

void check_limits(const config::Profile& p) {
  if (p.server.empty() || p.username.empty() || p.username.size() > config::kMaxUsernameBytes)
    std::abort();
  if (p.password_file.empty() == p.password.empty()) std::abort();
  if (p.auth.empty()) std::abort();
  if (!p.mppe.bits.b40 && !p.mppe.bits.b56 && !p.mppe.bits.b128) std::abort();
  if ((p.mtu && (*p.mtu < 576 || *p.mtu > 1500)) || p.mru < 576 || p.mru > 1500) std::abort();
  if (p.interface.empty() || p.interface.size() > config::kMaxInterfaceChars) std::abort();
  if (p.lcp_echo.interval_s > 3600 || p.lcp_echo.failures < 1 || p.lcp_echo.failures > 100)
    std::abort();
  if (p.connect_timeout_s < 5 || p.connect_timeout_s > 300) std::abort();
  const config::Reconnect& rc = p.reconnect;
  if (rc.delay_s < 1 || rc.delay_s > config::kMaxReconnectDelaySeconds) std::abort();
  if (rc.max_delay_s < rc.delay_s || rc.max_delay_s > config::kMaxReconnectMaxDelaySeconds)
    std::abort();
  if (rc.max_attempts > config::kMaxReconnectAttempts) std::abort();
  if (p.idle_timeout_s > config::kMaxIdleTimeoutSeconds) std::abort();
  for (const wire::Ipv4Prefix& r : p.routes) {
    if (r.len > 32) std::abort();
    const std::uint32_t host = r.len == 32 ? 0 : (~std::uint32_t{0} >> r.len);
    if ((r.addr.to_u32() & host) != 0) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = config::parse_profile(text, "/etc/pptpctl/fuzz.json", "fuzz");
  if (!parsed) {
    if (parsed.error().reason.empty()) std::abort();
    return 0;
  }
  check_limits(*parsed);
  if (parsed->password_file.empty()) return 0;
  const nlohmann::json once = config::to_json(*parsed);
  auto again = config::parse_profile(once.dump(), "/etc/pptpctl/fuzz.json", "fuzz");
  if (!again || config::to_json(*again) != once) std::abort();
  return 0;
}
