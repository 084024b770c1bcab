#pragma once
// errno as words, for the "why" half of an error sentence.
#include <string>

namespace kernel {

// strerror's text in lower case ("device or resource busy"), never a number
// alone.
std::string errno_text(int err);

}  // namespace kernel
