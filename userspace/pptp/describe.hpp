#pragma once
// One line per control message for --debug output.
#include <string>

#include "pptp/control.hpp"
#include "pptp/messages.hpp"

namespace pptp {

// e.g. "OCRP call=0x1234 peer-call=0x5678 result=1 (connected) speed=100000000 window=64".
// Text from the peer is quoted with non-printable bytes escaped, so a
// hostile host name cannot inject terminal control sequences into a log.
std::string describe(const Message& m);

// The phase line for an accepted control connection, e.g.
// `control connection up (server "vpn1", vendor "Microsoft")`. The host
// name and vendor are the server's choice: escaped and bounded here.
std::string describe(const ControlEstablished& e);

}  // namespace pptp
