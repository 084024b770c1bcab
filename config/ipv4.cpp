#include "config/ipv4.hpp"

#include <charconv>
#include <cstddef>

namespace config {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// A decimal 0..max without sign, leading zeros or anything else.
std::optional<unsigned> parse_decimal(std::string_view s, unsigned max) {
  if (s.empty() || s.size() > 3 || !digit(s.front())) return std::nullopt;
  if (s.size() > 1 && s.front() == '0') return std::nullopt;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

std::uint32_t to_u32(const Ipv4& a) {
  return (std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) | (std::uint32_t{a[2]} << 8) |
         std::uint32_t{a[3]};
}

Ipv4 from_u32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

}  // namespace

std::optional<Ipv4> parse_ipv4(std::string_view text) {
  Ipv4 out{};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t dot = text.find('.');
    const bool last = i == 3;
    if (last != (dot == std::string_view::npos)) return std::nullopt;
    auto octet = parse_decimal(text.substr(0, dot), 255);
    if (!octet) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(*octet);
    text = last ? std::string_view() : text.substr(dot + 1);
  }
  return out;
}

std::variant<Cidr, std::string> parse_cidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::string("the prefix length is missing");
  auto address = parse_ipv4(text.substr(0, slash));
  if (!address) return std::string("the address is not a dotted quad like 203.0.113.0");
  auto prefix = parse_decimal(text.substr(slash + 1), 32);
  if (!prefix) return std::string("the prefix length must be 0 to 32");
  const std::uint32_t mask = *prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - *prefix);
  const std::uint32_t value = to_u32(*address);
  if ((value & ~mask) != 0) {
    return "host bits must be zero; did you mean " + to_string(from_u32(value & mask)) + "/" +
           std::to_string(*prefix) + "?";
  }
  return Cidr{*address, static_cast<std::uint8_t>(*prefix)};
}

bool is_host_name(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) return false;
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view label = text.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit(c) || c == '-' ||
                      c == '_';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) return true;
    text = text.substr(dot + 1);
  }
}

std::string to_string(const Ipv4& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

}  // namespace config
