#include "pptp/codes.hpp"

namespace pptp {
namespace {

std::string unknown(const char* what, unsigned code) {
  return std::string("unknown ") + what + " " + std::to_string(code);
}

// Result 2 is "general error": the error field then says which.
std::string with_details(std::string text, std::uint8_t result, std::uint8_t error, std::uint16_t cause) {
  if (result == 2 && error != 0) text += " (" + general_error_name(error) + ")";
  // The cause code is vendor-specific (often Q.931); only its number helps.
  if (cause != 0) text += ", cause code " + std::to_string(cause);
  return text;
}

}  // namespace

std::string general_error_name(std::uint8_t error) {
  switch (error) {
    case 0: return "no error";
    case 1: return "not connected";
    case 2: return "bad format";
    case 3: return "bad value";
    case 4: return "no resources";
    case 5: return "bad call ID";
    case 6: return "PAC error";
  }
  return unknown("general error code", error);
}

std::string sccrp_result_name(std::uint8_t result) {
  switch (result) {
    case 0:  // some modems send 0 for success
    case 1: return "ok";
    case 2: return "general error";
    case 3: return "a control connection already exists";
    case 4: return "not authorized";
    case 5: return "bad protocol version";
  }
  return unknown("result code", result);
}

std::string ocrp_result_name(std::uint8_t result) {
  switch (result) {
    case 1: return "connected";
    case 2: return "general error";
    case 3: return "no carrier";
    case 4: return "line busy";
    case 5: return "no dial tone";
    case 6: return "timed out";
    case 7: return "call not accepted";
  }
  return unknown("result code", result);
}

std::string icrp_result_name(std::uint8_t result) {
  switch (result) {
    case 1: return "connect";
    case 2: return "general error";
    case 3: return "do not accept";
  }
  return unknown("result code", result);
}

std::string cdn_result_name(std::uint8_t result) {
  switch (result) {
    case 1: return "lost carrier";
    case 2: return "general error";
    case 3: return "administrative shutdown";
    case 4: return "cleared on request";
  }
  return unknown("result code", result);
}

std::string stop_reason_name(std::uint8_t reason) {
  switch (reason) {
    case 1: return "no reason given";
    case 2: return "protocol version not supported";
    case 3: return "local shutdown";
  }
  return unknown("reason code", reason);
}

std::string stop_result_name(std::uint8_t result) {
  switch (result) {
    case 1: return "ok";
    case 2: return "general error";
  }
  return unknown("result code", result);
}

std::string echo_result_name(std::uint8_t result) {
  switch (result) {
    case 1: return "ok";
    case 2: return "general error";
  }
  return unknown("result code", result);
}

std::string control_refused_sentence(std::uint8_t result, std::uint8_t error) {
  return with_details("server refused the control connection: " + sccrp_result_name(result), result, error, 0);
}

std::string call_refused_sentence(std::uint8_t result, std::uint8_t error, std::uint16_t cause) {
  return with_details("server refused the call: " + ocrp_result_name(result), result, error, cause);
}

std::string call_disconnected_sentence(std::uint8_t result, std::uint8_t error, std::uint16_t cause) {
  return with_details("server disconnected the call: " + cdn_result_name(result), result, error, cause);
}

std::string control_stopped_sentence(std::uint8_t reason) {
  return "server closed the control connection: " + stop_reason_name(reason);
}

}  // namespace pptp
