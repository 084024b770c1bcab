#include "config/import_chap_secrets.hpp"

#include "config/import_words.hpp"

namespace config::importer {

namespace {

bool wild(std::string_view w) { return w == "*"; }

}  // namespace

ChapSecrets parse_chap_secrets(std::string_view text) {
  ChapSecrets out;
  Words words = split_words(text, kMaxSecretsEntries * 8);
  out.problems = std::move(words.problems);
  std::size_t i = 0;
  while (i < words.words.size()) {
    // One entry: the words from a line's first to the next line's first.
    std::size_t end = i + 1;
    while (end < words.words.size() && !words.words[end].starts_line) ++end;
    const std::size_t line = words.words[i].line;
    if (end - i < 3) {
      out.problems.push_back("line " + std::to_string(line) + ": an entry needs client, server and secret; skipped");
    } else if (out.entries.size() >= kMaxSecretsEntries) {
      out.problems.push_back("more than " + std::to_string(kMaxSecretsEntries) + " entries; the rest is not read");
      break;
    } else {
      ChapSecret e;
      e.client = words.words[i].text;
      e.server = words.words[i + 1].text;
      std::string& s = words.words[i + 2].text;
      e.line = line;
      e.names_a_file = !s.empty() && s.front() == '@';
      if (!e.names_a_file && !e.secret.assign(s))
        out.problems.push_back("line " + std::to_string(line) + ": the secret is longer than 1024 bytes; skipped");
      else
        out.entries.push_back(std::move(e));
    }
    for (std::size_t k = i; k < end; ++k) wipe(words.words[k].text.data(), words.words[k].text.size());
    i = end;
  }
  return out;
}

const ChapSecret* find_secret(const ChapSecrets& secrets, std::string_view client, std::string_view server) {
  const ChapSecret* best = nullptr;
  int best_score = -1;
  for (const ChapSecret& e : secrets.entries) {
    if (e.client != client && !wild(e.client)) continue;
    if (e.server != server && !wild(e.server)) continue;
    // pppd: NONWILD_CLIENT = 2, NONWILD_SERVER = 1; only a better match replaces.
    const int score = (wild(e.client) ? 0 : 2) + (wild(e.server) ? 0 : 1);
    if (score > best_score) {
      best = &e;
      best_score = score;
    }
  }
  return best;
}

}  // namespace config::importer
