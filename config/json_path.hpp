#pragma once
// Naming places and values in a JSON document for error messages:
// `mppe.bits[1]`, `"rootes"`, `got 64`.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace config {

class JsonPath {
 public:
  JsonPath key(std::string_view k) const;  // ".k", or `["k"]` when k is not a plain word
  JsonPath index(std::size_t i) const;     // "[i]"
  bool empty() const { return text_.empty(); }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// A key as JSON text, cut to 64 bytes: messages stay short whatever the input.
std::string quote_key(std::string_view key);

// "a string", "an integer", ...
std::string_view type_name(const nlohmann::json& v);

// What to print after "got ": the value itself when it is a scalar (strings
// cut to 64 bytes), else its type. Never use it on a password.
std::string describe_value(const nlohmann::json& v);

}  // namespace config
