#include "config/import_words.hpp"

#include "config/import_setup.hpp"

namespace config::importer {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A cursor that only moves forward and counts lines.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  bool next_is_newline() const { return pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n'; }
  char take() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  std::size_t line() const { return line_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// After a backslash: appends what the escape stands for.
void escape(Cursor& in, std::string& out) {
  if (in.done()) return;
  const char c = in.take();
  switch (c) {
    case '\n': return;  // line continuation
    case 'a': out += '\a'; return;
    case 'b': out += '\b'; return;
    case 'f': out += '\f'; return;
    case 'n': out += '\n'; return;
    case 'r': out += '\r'; return;
    case 's': out += ' '; return;
    case 't': out += '\t'; return;
    case 'x': {
      int value = 0;
      for (int n = 0; n < 2 && !in.done() && hex_value(in.peek()) >= 0; ++n) value = value * 16 + hex_value(in.take());
      out += static_cast<char>(value);
      return;
    }
    default: break;
  }
  if (is_octal(c)) {
    int value = c - '0';
    for (int n = 1; n < 3 && !in.done() && is_octal(in.peek()); ++n) value = value * 8 + (in.take() - '0');
    out += static_cast<char>(value & 0xff);
    return;
  }
  out += c;
}

}  // namespace

Words split_words(std::string_view text, std::size_t max_words) {
  Words result;
  Cursor in(text);
  bool newline = true;
  while (true) {
    // White space and comments before the word.
    bool comment = false;
    while (!in.done()) {
      const char c = in.peek();
      if (c == '\n') {
        in.take();
        newline = true;
        comment = false;
      } else if (comment || is_space(c)) {
        in.take();
      } else if (c == '#') {
        comment = true;
      } else if (c == '\\' && in.next_is_newline()) {
        // Backslash-newline between words is skipped, as pppd does.
        in.take();
        in.take();
      } else {
        break;
      }
    }
    if (in.done()) break;
    Word w{{}, in.line(), newline};
    newline = false;
    char quote = 0;
    if (in.peek() == '"' || in.peek() == '\'') quote = in.take();
    bool closed = quote == 0;
    while (!in.done()) {
      const char c = in.peek();
      if (quote != 0 && c == quote) {
        in.take();
        closed = true;
        break;
      }
      if (quote == 0 && (is_space(c) || c == '#')) break;
      in.take();
      if (c == '\\')
        escape(in, w.text);
      else
        w.text += c;
      // Bounded memory whatever the input: pppd keeps 1024 bytes too.
      if (w.text.size() > kMaxWordBytes) w.text.resize(kMaxWordBytes + 1);
    }
    if (!closed)
      result.problems.push_back("line " + std::to_string(w.line) + ": a quoted string is not closed before the end of the file");
    if (w.text.size() > kMaxWordBytes) {
      result.problems.push_back("line " + std::to_string(w.line) + ": a word longer than 1024 bytes is cut, as pppd does");
      w.text.resize(kMaxWordBytes - 1);
    }
    if (result.words.size() >= max_words) {
      result.problems.push_back("more than " + std::to_string(max_words) + " words; the rest is not read");
      return result;
    }
    result.words.push_back(std::move(w));
  }
  return result;
}

}  // namespace config::importer
