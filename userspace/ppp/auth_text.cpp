#include "ppp/auth_text.hpp"

#include <string.h>  // explicit_bzero

namespace ppp::auth {

namespace {
constexpr char kHexDigits[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string hex_upper(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0F]);
  }
  return out;
}

bool hex_decode(std::string_view text, std::span<std::uint8_t> out) {
  if (text.size() != out.size() * 2) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return true;
}

void wipe(std::span<std::uint8_t> bytes) {
  if (!bytes.empty()) explicit_bzero(bytes.data(), bytes.size());
}

void wipe(std::string& s) {
  // The whole buffer, not just size(): a string moved from while short
  // (SSO) reports empty but still holds the bytes in its inline buffer.
  explicit_bzero(s.data(), s.capacity());
  s.clear();
}

}  // namespace ppp::auth
