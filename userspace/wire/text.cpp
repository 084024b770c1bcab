#include "text.hpp"

namespace wire {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

bool plain(unsigned char c) { return c >= 0x20 && c < 0x7F; }

void escape(std::string& out, unsigned char c) {
  out += "\\x";
  out.push_back(kHexDigits[c >> 4]);
  out.push_back(kHexDigits[c & 0x0F]);
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_chars) {
  const std::size_t n = text.size() < max_chars ? text.size() : max_chars;
  std::string out;
  out.reserve(n + 3);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\')
      out += "\\\\";
    else if (c == '"' || !plain(c))
      escape(out, c);
    else
      out.push_back(static_cast<char>(c));
  }
  if (n < text.size()) out += "...";
  return out;
}

std::string printable(ByteView bytes, std::size_t max_chars) {
  return printable(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), max_chars);
}

std::string quoted(std::string_view text, std::size_t max_chars) { return '"' + printable(text, max_chars) + '"'; }

std::string quoted(ByteView bytes, std::size_t max_chars) { return '"' + printable(bytes, max_chars) + '"'; }

std::string one_line(std::string_view text, std::size_t max_chars) {
  const std::size_t n = text.size() < max_chars ? text.size() : max_chars;
  std::string out;
  out.reserve(n + 3);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\r' || c == '\t')
      out.push_back(' ');
    else if (!plain(c))
      escape(out, c);
    else
      out.push_back(static_cast<char>(c));
  }
  if (n < text.size()) out += "...";
  return out;
}

}  // namespace wire
