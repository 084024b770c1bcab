#pragma once
// Hex as the logs and decoders print it: lowercase, "0x" before numbers,
// bare digit pairs in dumps. One formatter, so a call ID or a magic number
// reads the same from pptp/, ppp/, kernel/ and the daemon.
#include <cstddef>
#include <cstdint>
#include <string>

#include "bytes.hpp"

namespace wire {

// "0x" and at least min_digits digits (1..8): hex(0x2a) == "0x2a",
// hex(0x2a, 4) == "0x002a".
std::string hex(std::uint32_t v, int min_digits = 1);
// A 16-bit ID or protocol number, all four digits: "0x002a". PPTP call IDs
// are written this way in every log line.
std::string hex16(std::uint16_t v);
// Two digits, no prefix: "0a". For "\x0a" escapes of untrusted text.
std::string hex_byte(std::uint8_t b);
// "01 02 03", cut after max_bytes with " ..." so one line stays one line.
std::string hex_dump(ByteView bytes, std::size_t max_bytes = 32);

}  // namespace wire
