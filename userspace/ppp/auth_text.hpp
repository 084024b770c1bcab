#pragma once
// Small text helpers shared by the authentication code: hex as MS-CHAP writes
// it, and a safe rendering of text a server chose (it ends up in logs and on a
// terminal, so control bytes and escape sequences must not get through).
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

// Printable ASCII kept, anything else shown as \xNN, cut at max_chars of input
// with "..." appended. Never returns a control byte.
std::string printable(std::string_view text, std::size_t max_chars = 200);

// Overwrites secrets in a way the optimiser may not remove.
void wipe(std::span<std::uint8_t> bytes);
void wipe(std::string& s);

}  // namespace ppp::auth
