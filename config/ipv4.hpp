#pragma once
// The address syntax profiles accept: strict dotted quads (no leading zeros,
// which inet_aton would read as octal), CIDR networks, host names.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace config {

using Ipv4 = std::array<std::uint8_t, 4>;

std::optional<Ipv4> parse_ipv4(std::string_view text);

struct Cidr {
  Ipv4 network{};
  std::uint8_t prefix = 0;
};

// Either the network, or why not, as the tail of a sentence ("the prefix
// must be 0 to 32").
std::variant<Cidr, std::string> parse_cidr(std::string_view text);

// RFC 1123 host name: dot-separated labels of letters, digits, '-' (and '_',
// which resolvers accept in practice), no label starting or ending with '-',
// labels 1..63, 253 in all; one trailing dot allowed.
bool is_host_name(std::string_view text);

std::string to_string(const Ipv4& a);

}  // namespace config
