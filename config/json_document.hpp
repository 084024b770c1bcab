#pragma once
// JSON text to a document, stricter than nlohmann's defaults: a key given
// twice in one object is an error (nlohmann keeps the last silently, which
// would let a stray second "password_file" win unnoticed), nesting is
// bounded, and syntax errors say FILE:LINE:COL without echoing the text
// around them, which may be a password.
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "userspace/wire/result.hpp"

namespace config {

inline constexpr int kMaxJsonDepth = 16;

// Never throws for any input.
wire::Result<nlohmann::json> parse_json_document(std::string_view text, std::string_view path);

// 1-based line and column of the byte at 0-based `offset` in `text`.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

}  // namespace config
