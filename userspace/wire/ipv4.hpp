#pragma once
// IPv4 as every layer passes it: four bytes in network order, the shape IPCP
// carries (RFC 1332 §3.3, RFC 1877 §1), netlink's RTA_DST and IFA_LOCAL take,
// and a profile names. One type, so an address goes from the IPCP engine to
// a route untouched. Text is the strict dotted quad: no leading zeros
// (inet_aton would read "010" as octal), no hex, no short forms.
// Header-light on purpose: config/, netlink/ and the protocol core all use it.
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "result.hpp"

namespace wire {

struct Ipv4 {
  std::array<std::uint8_t, 4> octets{};  // octets[0] is the "a" of a.b.c.d

  // Host order, for masks and ranges.
  constexpr std::uint32_t to_u32() const {
    return (std::uint32_t{octets[0]} << 24) | (std::uint32_t{octets[1]} << 16) |
           (std::uint32_t{octets[2]} << 8) | std::uint32_t{octets[3]};
  }
  static constexpr Ipv4 from_u32(std::uint32_t v) {
    return Ipv4{{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                 static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}};
  }

  constexpr std::uint8_t& operator[](std::size_t i) { return octets[i]; }
  constexpr std::uint8_t operator[](std::size_t i) const { return octets[i]; }
  // Contiguous bytes, so an Ipv4 is a wire::ByteView and can be memcpy'd
  // to and from in_addr.
  constexpr std::uint8_t* data() { return octets.data(); }
  constexpr const std::uint8_t* data() const { return octets.data(); }
  static constexpr std::size_t size() { return 4; }
  constexpr const std::uint8_t* begin() const { return octets.data(); }
  constexpr const std::uint8_t* end() const { return octets.data() + 4; }

  bool operator==(const Ipv4&) const = default;
  auto operator<=>(const Ipv4&) const = default;
};

// A network: the first len bits of addr.
struct Ipv4Prefix {
  Ipv4 addr{};
  std::uint8_t len = 32;  // 0..32

  bool operator==(const Ipv4Prefix&) const = default;
};

// The netmask of a len-bit prefix, host order; len above 32 counts as 32.
constexpr std::uint32_t prefix_mask(unsigned len) {
  if (len == 0) return 0;
  return len >= 32 ? ~std::uint32_t{0} : ~std::uint32_t{0} << (32 - len);
}

// Host bits zero, len at most 32. The kernel would silently mask host bits,
// and a route we recorded would not be the route that exists.
bool host_bits_clear(const Ipv4Prefix& p);
// Is a inside p?
bool covers(const Ipv4Prefix& p, const Ipv4& a);

std::string to_string(const Ipv4& a);        // "192.0.2.1"
std::string to_string(const Ipv4Prefix& p);  // "203.0.113.0/24", always with the length

std::optional<Ipv4> parse_ipv4(std::string_view text);
// "a.b.c.d/len", len 0..32 without leading zeros, host bits zero. On failure
// the reason is the tail of a sentence ("the prefix length must be 0 to 32")
// for the caller to put after what it was parsing.
Result<Ipv4Prefix> parse_prefix(std::string_view text);

}  // namespace wire
