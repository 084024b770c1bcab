#include "config/suggest.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace config {

namespace {

// Longer words are not typos of any key we know; also bounds the work.
constexpr std::size_t kMaxWord = 64;
constexpr std::size_t kMaxEdits = 2;

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment over three rolling rows.
  const std::size_t n = b.size();
  std::vector<std::size_t> before(n + 1), prev(n + 1), cur(n + 1);
  for (std::size_t j = 0; j <= n; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[n];
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  if (word.size() > kMaxWord) return std::nullopt;
  std::string lower(word);
  for (char& ch : lower)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  std::optional<std::string_view> best;
  std::size_t best_distance = kMaxEdits + 1;
  for (std::string_view c : candidates) {
    const std::size_t d = edit_distance(lower, c);
    if (d < best_distance && d * 2 < c.size()) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace config
