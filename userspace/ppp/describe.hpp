#pragma once
// One-line descriptions of PPP packets for debug logs, in the spirit of
// pppd's `debug` output:
//   [LCP ConfReq id=0x1 <mru 1500> <auth chap MS-v2> <magic 0x1a2b3c4d>]
// The caller prefixes "sent " or "rcvd ". Secrets are never printed (a PAP
// password shows as <hidden>).
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/bytes.hpp"

namespace ppp {

// "LCP", "IPCP", ... or "0x1234".
std::string protocol_name(std::uint16_t protocol);

// A packet of `protocol` (for control protocols: code, id, length, data).
std::string describe(std::uint16_t protocol, wire::ByteView packet);
// A whole frame as read from or written to /dev/ppp (or with FF 03 / PFC).
std::string describe_frame(wire::ByteView frame);

// The per-protocol parts, so a richer describer can replace one of them.
std::string describe_control(std::uint16_t protocol, wire::ByteView packet);  // LCP, IPCP, CCP
std::string describe_chap(wire::ByteView packet);
std::string describe_pap(wire::ByteView packet);
std::string describe_eap(wire::ByteView packet);

}  // namespace ppp
