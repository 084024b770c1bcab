#pragma once
// IPv4 addresses as four bytes in network order, the same shape the IPCP
// engine hands over (ppp::Ipv4), so the daemon passes them through untouched.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netlink {

using Ipv4 = std::array<std::uint8_t, 4>;

std::string to_string(const Ipv4& a);
std::optional<Ipv4> parse_ipv4(std::string_view text);

struct Ipv4Prefix {
  Ipv4 addr{};
  std::uint8_t len = 32;

  bool operator==(const Ipv4Prefix&) const = default;
};

// "a.b.c.d/len"; a bare address is a /32. Host bits must be zero, because the
// kernel would silently mask them and the route we record would not be the
// route that exists.
std::optional<Ipv4Prefix> parse_prefix(std::string_view text);
std::string to_string(const Ipv4Prefix& p);
bool host_bits_clear(const Ipv4Prefix& p);

}  // namespace netlink
