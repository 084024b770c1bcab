#pragma once
// pppd's word syntax (options.c getword), shared by options files and
// chap-secrets: words split on white space; '#' outside a word starts a
// comment to the end of the line; a word that starts with '"' or '\'' runs
// to the matching quote, white space and '#' included; backslash escapes
// (\a \b \f \n \r \s \t, \ooo octal, \xhh hex, any other character stands for
// itself) work inside and outside quotes; backslash-newline is skipped.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace config::importer {

struct Word {
  std::string text;
  std::size_t line = 0;     // 1-based line the word starts on
  bool starts_line = false; // first word after a newline (or of the text)
};

struct Words {
  std::vector<Word> words;
  // What was wrong, with line numbers, in our words (no input text): an
  // unterminated quote, a word cut at pppd's 1024 bytes, too many words.
  std::vector<std::string> problems;
};

// At most `max_words` words are returned; more is a problem.
Words split_words(std::string_view text, std::size_t max_words);

}  // namespace config::importer
