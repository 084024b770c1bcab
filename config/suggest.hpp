#pragma once
// "did you mean ...?" for misspelt keys.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace config {

// Edit distance counting insertions, deletions, substitutions and swaps of
// neighbours, each as one edit.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely
// typo: at most 2 edits, and fewer than half the candidate's length.
// Case is ignored; candidates are expected in lower case.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace config
