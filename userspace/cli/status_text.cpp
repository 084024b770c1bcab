// `pptpctl status` in words, from the daemon's status JSON.
#include "cli/status_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "wire/text.hpp"

namespace pptpctl {

namespace {

constexpr std::size_t kMaxFieldChars = 1024;

// The daemon's status JSON is read field by field and every field may be
// absent or of another type: an older daemon has no "reconnects", a tunnel
// between attempts has no addresses. Nothing here may throw.
const nlohmann::json* field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string text_or(const nlohmann::json& j, const char* key, const char* fallback = "-") {
  const nlohmann::json* v = field(j, key);
  // The daemon escapes what the server said; a terminal gets no control byte
  // even from a daemon that did not.
  return v != nullptr && v->is_string() ? wire::one_line(v->get<std::string>(), kMaxFieldChars) : fallback;
}

std::optional<double> number(const nlohmann::json& j, const char* key) {
  const nlohmann::json* v = field(j, key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const double d = v->get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::optional<std::uint64_t> count(const nlohmann::json& j, const char* key) {
  const nlohmann::json* v = field(j, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  if (v->is_number_integer() && v->get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(v->get<std::int64_t>());
  return std::nullopt;
}

// "  reconnects: 3, last failure: <sentence>", when the daemon reports them.
std::string reconnects_line(const nlohmann::json& j) {
  const auto reconnects = count(j, "reconnects");
  const std::string failure = text_or(j, "last_failure", "");
  if (!reconnects && failure.empty()) return "";
  std::string out = "  reconnects: " + (reconnects ? std::to_string(*reconnects) : std::string("-"));
  if (!failure.empty()) out += ", last failure: " + failure;
  return out + "\n";
}

std::string up_text(const nlohmann::json& j) {
  std::string out = " on " + text_or(j, "interface") + ", " + text_or(j, "local") + " peer " +
                    text_or(j, "peer") + ", server " + text_or(j, "server") + "\n";
  const nlohmann::json* mppe = field(j, "mppe");
  if (mppe != nullptr && mppe->is_object())
    out += "  encryption: send " + text_or(*mppe, "send") + ", receive " + text_or(*mppe, "receive") + "\n";
  else if (mppe != nullptr && mppe->is_null())
    out += "  encryption: NONE\n";
  else
    out += "  encryption: unknown\n";
  std::string dns;
  if (const nlohmann::json* list = field(j, "dns"); list != nullptr && list->is_array())
    for (const auto& d : *list)
      if (d.is_string()) dns += (dns.empty() ? "" : ", ") + d.get<std::string>();
  out += "  dns: " + (dns.empty() ? std::string("-") : dns + " (" + text_or(j, "dns_backend") + ")") + "\n";
  // "mtu: 1256 (auto: eth0 1300 - 44), TCP MSS clamped to 1216"
  if (const auto mtu = count(j, "mtu")) {
    out += "  mtu: " + std::to_string(*mtu);
    if (const std::string how = text_or(j, "mtu_source", ""); !how.empty()) out += " (" + how + ")";
    if (const auto mss = count(j, "clamp_mss")) out += ", TCP MSS clamped to " + std::to_string(*mss);
    else out += ", TCP MSS not clamped";
    out += "\n";
  }
  // "data path: userspace (reordered 3, late 0, lost 1, clear dropped 0)"
  if (const std::string path = text_or(j, "data_path", ""); !path.empty()) {
    out += "  data path: " + path;
    if (const nlohmann::json* d = field(j, "datapath"); d != nullptr && d->is_object()) {
      std::string counts;
      for (const auto& [key, words] : {std::pair{"reordered", "reordered"}, std::pair{"late", "late"},
                                       std::pair{"lost", "lost"}, std::pair{"clear_dropped", "clear dropped"}})
        if (const auto n = count(*d, key)) counts += (counts.empty() ? "" : ", ") + std::string(words) + " " + std::to_string(*n);
      if (!counts.empty()) out += " (" + counts + ")";
    }
    out += "\n";
  }
  const auto uptime = count(j, "uptime_s");
  out += "  uptime: " + (uptime ? duration(*uptime) : std::string("-"));
  if (const auto rx = count(j, "rx_bytes")) out += ", received " + std::to_string(*rx) + " bytes";
  if (const auto tx = count(j, "tx_bytes")) out += ", sent " + std::to_string(*tx) + " bytes";
  return out + "\n";
}

}  // namespace

// "42 s", "5 min 3 s", "2 h 5 min", "3 d 4 h": two units are enough to read.
std::string duration(std::uint64_t s) {
  const auto two = [](std::uint64_t big, const char* big_unit, std::uint64_t small, const char* small_unit) {
    std::string out = std::to_string(big) + " " + big_unit;
    if (small != 0) out += " " + std::to_string(small) + " " + small_unit;
    return out;
  };
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return two(s / 60, "min", s % 60, "s");
  if (s < 86400) return two(s / 3600, "h", s % 3600 / 60, "min");
  return two(s / 86400, "d", s % 86400 / 3600, "h");
}

// std::llround for 0 <= x <= 1e12, here rather than from libm: llround was
// the binary's one libm symbol, and libm a mapping of its own in every
// daemon (issue 11). x - whole is exact for these magnitudes.
long long round_half_up(double x) {
  const auto whole = static_cast<long long>(x);
  return x - static_cast<double>(whole) >= 0.5 ? whole + 1 : whole;
}

// "in 1.2 s" below ten seconds (the log's precision), whole units above.
std::string next_attempt(double s) {
  if (!(s > 0)) return "next attempt now";
  if (s >= 10) return "next attempt in " + duration(static_cast<std::uint64_t>(round_half_up(std::min(s, 1e12))));
  // Tenths as an integer: no "%.1f" rounding surprises, and never "0 s"
  // while something is still left to wait.
  const long long tenths = std::max(1LL, round_half_up(s * 10));
  std::string n = std::to_string(tenths / 10);
  if (tenths % 10 != 0) n += "." + std::to_string(tenths % 10);
  return "next attempt in " + n + " s";
}

std::string elapsed_stamp(std::chrono::nanoseconds since_start) {
  const long long ms = std::max(0LL, static_cast<long long>(since_start.count() / 1000000));
  char buf[40];
  std::snprintf(buf, sizeof buf, "[%4lld.%03lld]", ms / 1000, ms % 1000);
  return buf;
}

std::string status_text(const nlohmann::json& j) {
  const std::string state = text_or(j, "state");
  std::string out = text_or(j, "name") + ": " + state;
  if (state == "up") {
    out += up_text(j);
  } else {
    out += ", server " + text_or(j, "server");
    // Only between attempts; null while an attempt runs.
    if (const auto next = number(j, "next_attempt_s"); next && state == "reconnecting")
      out += ", " + next_attempt(*next);
    out += "\n";
  }
  return out + reconnects_line(j);
}

}  // namespace pptpctl
