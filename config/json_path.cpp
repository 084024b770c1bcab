#include "config/json_path.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace config {

namespace {

constexpr std::size_t kShownBytes = 64;

bool plain_word(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Cuts at a UTF-8 character boundary so the quoted text stays valid UTF-8.
std::string_view cut(std::string_view s, bool& was_cut) {
  was_cut = s.size() > kShownBytes;
  if (!was_cut) return s;
  std::size_t n = kShownBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string quote(std::string_view s) {
  bool was_cut = false;
  std::string_view shown = cut(s, was_cut);
  // Replace, not throw: a document built from parsed text is valid UTF-8,
  // but this helper should not depend on that.
  std::string out = nlohmann::json(std::string(shown)).dump(-1, ' ', false,
                                                             nlohmann::json::error_handler_t::replace);
  if (was_cut) out += "...";
  return out;
}

}  // namespace

JsonPath JsonPath::key(std::string_view k) const {
  JsonPath p = *this;
  if (plain_word(k)) {
    if (!p.text_.empty()) p.text_ += '.';
    p.text_ += k;
  } else {
    p.text_ += '[' + quote(k) + ']';
  }
  return p;
}

JsonPath JsonPath::index(std::size_t i) const {
  JsonPath p = *this;
  p.text_ += '[' + std::to_string(i) + ']';
  return p;
}

std::string quote_key(std::string_view key) { return quote(key); }

std::string_view type_name(const nlohmann::json& v) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::null: return "null";
    case T::object: return "an object";
    case T::array: return "an array";
    case T::string: return "a string";
    case T::boolean: return "a boolean";
    case T::number_integer:
    case T::number_unsigned: return "an integer";
    case T::number_float: return "a fractional number";
    case T::binary: return "binary data";
    case T::discarded: return "nothing";
  }
  return "a value";
}

std::string describe_value(const nlohmann::json& v) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::null:
    case T::boolean:
    case T::number_integer:
    case T::number_unsigned:
    case T::number_float: return v.dump();
    case T::string: return quote(v.get_ref<const std::string&>());
    case T::object:
    case T::array:
    case T::binary:
    case T::discarded: return std::string(type_name(v));
  }
  return std::string(type_name(v));
}

}  // namespace config
