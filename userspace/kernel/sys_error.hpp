#pragma once
// errno as words, for the "why" half of an error sentence.
#include <string>

#include <netinet/in.h>

namespace kernel {

// strerror's text in lower case ("device or resource busy"), never a number
// alone.
std::string errno_text(int err);
// "192.0.2.1"
std::string ipv4_text(in_addr addr);

}  // namespace kernel
