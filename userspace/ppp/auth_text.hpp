#pragma once
// Small text helpers shared by the authentication code: hex as MS-CHAP writes
// it, and wiping secrets.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ppp::auth {

// Uppercase hex, as in "S=407A...".
std::string hex_upper(std::span<const std::uint8_t> bytes);

// Decodes exactly out.size() bytes from 2*out.size() hex digits (either case).
// Returns false, leaving out unspecified, on a wrong length or a non-hex digit.
bool hex_decode(std::string_view text, std::span<std::uint8_t> out);

// Text a server chose is rendered with wire::printable (wire/text.hpp), the
// one escaper every layer shares.

// Overwrites secrets in a way the optimiser may not remove. For a string, its
// whole capacity, so a moved-from short string loses its bytes too.
void wipe(std::span<std::uint8_t> bytes);
void wipe(std::string& s);

}  // namespace ppp::auth
