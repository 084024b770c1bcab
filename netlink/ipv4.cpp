#include "netlink/ipv4.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace netlink {

std::string to_string(const Ipv4& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

std::optional<Ipv4> parse_ipv4(std::string_view text) {
  if (text.size() > 15) return std::nullopt;
  const std::string s(text);
  in_addr raw{};
  // inet_pton accepts only the strict dotted quad, unlike inet_aton.
  if (inet_pton(AF_INET, s.c_str(), &raw) != 1) return std::nullopt;
  Ipv4 out{};
  std::memcpy(out.data(), &raw, 4);
  return out;
}

std::optional<Ipv4Prefix> parse_prefix(std::string_view text) {
  Ipv4Prefix p;
  const auto slash = text.find('/');
  const auto addr = parse_ipv4(text.substr(0, slash));
  if (!addr) return std::nullopt;
  p.addr = *addr;
  if (slash != std::string_view::npos) {
    const auto len = text.substr(slash + 1);
    if (len.empty() || len.size() > 2) return std::nullopt;
    unsigned v = 0;
    for (char c : len) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 32) return std::nullopt;
    p.len = static_cast<std::uint8_t>(v);
  }
  if (!host_bits_clear(p)) return std::nullopt;
  return p;
}

std::string to_string(const Ipv4Prefix& p) { return to_string(p.addr) + "/" + std::to_string(p.len); }

bool host_bits_clear(const Ipv4Prefix& p) {
  if (p.len > 32) return false;
  const std::uint32_t v = (std::uint32_t{p.addr[0]} << 24) | (std::uint32_t{p.addr[1]} << 16) |
                          (std::uint32_t{p.addr[2]} << 8) | std::uint32_t{p.addr[3]};
  const std::uint32_t mask = p.len == 0 ? 0 : ~std::uint32_t{0} << (32 - p.len);
  return (v & ~mask) == 0;
}

}  // namespace netlink
