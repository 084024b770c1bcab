#pragma once
// Text from outside (a server, a packet, a file) on its way to a terminal, a
// log line, sd_notify STATUS or status JSON. A server picks its SCCRP host
// name, its MS-CHAP failure text and its Terminate-Request data; written raw,
// "\x1b]0;owned\x07" retitles the user's terminal and "\r\n" forges a log
// line. One escaper for every layer, so no decoder grows its own.
#include <cstddef>
#include <string>
#include <string_view>

#include "bytes.hpp"

namespace wire {

// What a peer's text may take up in one log line.
inline constexpr std::size_t kMaxPeerText = 200;

// Printable ASCII (0x20..0x7E) is kept; '\\' and '"' are escaped as "\\\\"
// and "\\x22" so the text can sit inside quotes; every other byte (C0, DEL,
// and every byte >= 0x80, which covers 8-bit C1 controls and UTF-8 encoded
// U+0080..U+009F) becomes "\\xNN". At most max_chars input bytes are shown,
// then "...". The result never holds a control byte, and is at most
// 4 * max_chars + 3 bytes long.
std::string printable(std::string_view text, std::size_t max_chars = kMaxPeerText);
std::string printable(ByteView bytes, std::size_t max_chars = kMaxPeerText);

// '"' + printable(text) + '"'.
std::string quoted(std::string_view text, std::size_t max_chars = kMaxPeerText);
std::string quoted(ByteView bytes, std::size_t max_chars = kMaxPeerText);

// The last line of defence at a sink (log, progress pipe, STATUS=): our own
// sentences pass unchanged, CR, LF and TAB become spaces (one message stays
// one line), any other byte outside 0x20..0x7E becomes "\\xNN", and the line
// is cut at max_chars input bytes. Backslashes are left alone, so text that
// printable() made safe is not escaped twice.
inline constexpr std::size_t kMaxLogLine = 16 * 1024;
std::string one_line(std::string_view text, std::size_t max_chars = kMaxLogLine);

}  // namespace wire
