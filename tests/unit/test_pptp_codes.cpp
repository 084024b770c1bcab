#include <doctest/doctest.h>

#include "pptp/codes.hpp"

TEST_CASE("pptp: result codes become sentences") {
  CHECK(pptp::control_refused_sentence(5, 0) == "server refused the control connection: bad protocol version");
  CHECK(pptp::control_refused_sentence(4, 0) == "server refused the control connection: not authorized");
  CHECK(pptp::control_refused_sentence(2, 4) ==
        "server refused the control connection: general error (no resources)");
  CHECK(pptp::call_refused_sentence(4, 0, 0) == "server refused the call: line busy");
  CHECK(pptp::call_refused_sentence(7, 0, 0) == "server refused the call: call not accepted");
  CHECK(pptp::call_refused_sentence(3, 0, 17) == "server refused the call: no carrier, cause code 17");
  CHECK(pptp::call_disconnected_sentence(1, 0, 0) == "server disconnected the call: lost carrier");
  CHECK(pptp::call_disconnected_sentence(3, 0, 0) == "server disconnected the call: administrative shutdown");
  CHECK(pptp::control_stopped_sentence(3) == "server closed the control connection: local shutdown");
}

TEST_CASE("pptp: general error codes") {
  CHECK(pptp::general_error_name(0) == "no error");
  CHECK(pptp::general_error_name(1) == "not connected");
  CHECK(pptp::general_error_name(2) == "bad format");
  CHECK(pptp::general_error_name(3) == "bad value");
  CHECK(pptp::general_error_name(4) == "no resources");
  CHECK(pptp::general_error_name(5) == "bad call ID");
  CHECK(pptp::general_error_name(6) == "PAC error");
}

TEST_CASE("pptp: unknown codes still produce text with the number") {
  CHECK(pptp::general_error_name(42) == "unknown general error code 42");
  CHECK(pptp::call_refused_sentence(99, 0, 0) == "server refused the call: unknown result code 99");
  CHECK(pptp::control_refused_sentence(200, 0) == "server refused the control connection: unknown result code 200");
  CHECK(pptp::call_disconnected_sentence(0, 0, 0) == "server disconnected the call: unknown result code 0");
  CHECK(pptp::control_refused_sentence(2, 77) ==
        "server refused the control connection: general error (unknown general error code 77)");
}
