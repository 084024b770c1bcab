#pragma once
// `pptpctl status` in words. Reads the daemon's status JSON (ipc.hpp) and
// never throws: any field may be absent (an older daemon, a state without a
// link) or of an unexpected type, and is then shown as "-" or left out.
#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace pptpctl {

// One tunnel, one or more lines, each ending in '\n':
//   office: up on pptp-office, 198.51.100.2 peer 198.51.100.1, server 192.0.2.1
//     encryption: send ..., receive ...
//     dns: ...
//     uptime: 2 h 5 min, received 123 bytes, sent 456 bytes
//     reconnects: 1, last failure: <sentence>
//   office: reconnecting, server 192.0.2.1, next attempt in 4 s
std::string status_text(const nlohmann::json& status);

// "42 s", "5 min 3 s", "2 h 5 min", "3 d 4 h".
std::string duration(std::uint64_t seconds);

// "next attempt in 1.2 s", "... in 4 s", "... in 2 min", "next attempt now".
std::string next_attempt(double seconds);

// `up --debug` stamps each line with the time since `up` started, so a slow
// connect shows which step it waited on: "[   0.412]" (seconds, milliseconds;
// at least four places before the point, like dmesg). Negative counts as 0.
std::string elapsed_stamp(std::chrono::nanoseconds since_start);

}  // namespace pptpctl
