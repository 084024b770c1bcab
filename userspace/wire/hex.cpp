#include "wire/hex.hpp"

namespace wire {

namespace {
constexpr char kDigits[] = "0123456789abcdef";
}  // namespace

std::string hex(std::uint32_t v, int min_digits) {
  std::string out;
  for (int shift = 28; shift >= 0; shift -= 4) {
    const auto nibble = (v >> shift) & 0xF;
    if (out.empty() && nibble == 0 && shift >= 4 * min_digits) continue;
    out += kDigits[nibble];
  }
  return "0x" + out;
}

std::string hex16(std::uint16_t v) { return hex(v, 4); }

std::string hex_byte(std::uint8_t b) { return {kDigits[b >> 4], kDigits[b & 0xF]}; }

std::string hex_dump(ByteView bytes, std::size_t max_bytes) {
  std::string s;
  for (std::size_t i = 0; i < bytes.size() && i < max_bytes; ++i) {
    if (i) s += ' ';
    s += hex_byte(bytes[i]);
  }
  if (bytes.size() > max_bytes) s += " ...";
  return s;
}

}  // namespace wire
