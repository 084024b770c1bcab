#pragma once
// errno as words, for the "why" half of an error sentence.
#include <cstdint>
#include <string>

#include <netinet/in.h>

namespace kernel {

// strerror's text in lower case ("device or resource busy"), never a number
// alone.
std::string errno_text(int err);
// "192.0.2.1"
std::string ipv4_text(in_addr addr);
// "0x1234", as call IDs are written in PPTP logs.
std::string call_id_text(std::uint16_t id);

}  // namespace kernel
