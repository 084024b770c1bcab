#include "wire/ipv4.hpp"

#include <charconv>

namespace wire {

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

}  // namespace

bool host_bits_clear(const Ipv4Prefix& p) { return p.len <= 32 && (p.addr.to_u32() & ~prefix_mask(p.len)) == 0; }

bool covers(const Ipv4Prefix& p, const Ipv4& a) {
  const std::uint32_t mask = prefix_mask(p.len);
  return (p.addr.to_u32() & mask) == (a.to_u32() & mask);
}

std::string to_string(const Ipv4& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

std::string to_string(const Ipv4Prefix& p) { return to_string(p.addr) + "/" + std::to_string(p.len); }

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

Result<Ipv4Prefix> parse_prefix(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return Error::fatal("the prefix length is missing");
  auto address = parse_ipv4(text.substr(0, slash));
  if (!address) return Error::fatal("the address is not a dotted quad like 203.0.113.0");
  auto len = parse_decimal(text.substr(slash + 1), 32);
  if (!len) return Error::fatal("the prefix length must be 0 to 32");
  const Ipv4Prefix p{*address, static_cast<std::uint8_t>(*len)};
  if (!host_bits_clear(p)) {
    const Ipv4Prefix masked{Ipv4::from_u32(address->to_u32() & prefix_mask(*len)), p.len};
    return Error::fatal("host bits must be zero; did you mean " + to_string(masked) + "?");
  }
  return p;
}

}  // namespace wire
