#pragma once
// Configuration options: type, length (>= 2, counting itself and the type),
// value. Used by every Configure-* packet of LCP, IPCP and CCP.
#include <cstdint>
#include <span>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp {

// Real peers send fewer than ten; anything beyond this is noise or an attack.
inline constexpr std::size_t kMaxOptions = 32;

struct Option {
  std::uint8_t type = 0;
  wire::ByteView value;  // without the type and length bytes
};

// Fails (Ignore) on a length below 2, a length past the end, or too many options.
wire::Result<std::vector<Option>> decode_options(wire::ByteView data);
// Writes one option; values longer than 253 bytes are a caller bug and are cut.
void write_option(wire::Writer& w, std::uint8_t type, wire::ByteView value);
void write_option(wire::Writer& w, const Option& o);
wire::Bytes encode_options(std::span<const Option> options);

// Value readers for the usual fixed-size option payloads.
inline std::uint16_t option_u16(const Option& o) { return wire::Reader(o.value).u16(); }
inline std::uint32_t option_u32(const Option& o) { return wire::Reader(o.value).u32(); }

}  // namespace ppp
