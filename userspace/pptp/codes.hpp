#pragma once
// RFC 2637 result, reason and general error codes as words a person reads.
// The *_name functions give a short phrase for --debug lines; the sentence
// functions give the whole reason the CLI prints when something fails.
// An unknown code still yields text, with the number in it.
#include <cstdint>
#include <string>

namespace pptp {

std::string general_error_name(std::uint8_t error);   // 4 -> "no resources"
std::string sccrp_result_name(std::uint8_t result);   // 5 -> "bad protocol version"
std::string ocrp_result_name(std::uint8_t result);    // 4 -> "line busy"
std::string icrp_result_name(std::uint8_t result);    // 3 -> "do not accept"
std::string cdn_result_name(std::uint8_t result);     // 1 -> "lost carrier"
std::string stop_reason_name(std::uint8_t reason);    // StopCCRQ: 3 -> "local shutdown"
std::string stop_result_name(std::uint8_t result);    // StopCCRP: 1 -> "ok"
std::string echo_result_name(std::uint8_t result);    // Echo-Reply: 1 -> "ok"

// "server refused the control connection: bad protocol version"; a general
// error adds the error code's words: "...: general error (no resources)".
std::string control_refused_sentence(std::uint8_t result, std::uint8_t error);
// "server refused the call: line busy"
std::string call_refused_sentence(std::uint8_t result, std::uint8_t error, std::uint16_t cause);
// "server disconnected the call: lost carrier"
std::string call_disconnected_sentence(std::uint8_t result, std::uint8_t error, std::uint16_t cause);
// "server closed the control connection: local shutdown"
std::string control_stopped_sentence(std::uint8_t reason);

}  // namespace pptp
