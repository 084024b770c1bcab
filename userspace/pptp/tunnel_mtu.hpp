#pragma once
// How big an IP packet the tunnel can carry without the outer GRE packet
// being fragmented on the way to the server: the path's MTU minus what PPTP
// puts around each packet. Pure arithmetic; the daemon reads the path
// (netlink) and applies the result.
//
// What one IPv4 packet costs on the wire, outermost first:
//   20  outer IPv4 header, no options            RFC 791 §3.1
//   16  enhanced GRE header with sequence and    RFC 2637 §4.1
//       acknowledgement numbers (8 + 4 + 4)
//    2  PPP address and control, FF 03           RFC 1662 §3.1
//    2  PPP protocol, 0x00FD (MPPE) or 0x0021    RFC 1661 §2
//    2  MPPE header (flags and coherency count)  RFC 3078 §3
//    2  the inner PPP protocol, 0x0021, which    RFC 3078 §3
//       MPPE encrypts along with the packet
//   --
//   44  with MPPE; 40 without (the last two rows go)
// pptpctl's LCP rejects address/control and protocol field compression
// (RFC 1661 §6.5, §6.6), so neither side ever leaves the FF 03 or a protocol
// byte out: 44 holds both ways. The acknowledgement number is counted
// although not every packet carries one: the size must hold for all.
#include <cstdint>
#include <optional>
#include <string>

namespace pptp {

inline constexpr unsigned kOuterIpv4Header = 20;
inline constexpr unsigned kGreHeader = 16;
inline constexpr unsigned kPppAddressControl = 2;
inline constexpr unsigned kPppProtocol = 2;
inline constexpr unsigned kMppeHeader = 2;
inline constexpr unsigned kMppeInnerProtocol = 2;

// The smallest MTU the tunnel accepts: every IPv4 host must take a 576-byte
// datagram (RFC 791 §3.1, "Total Length"), and the profile's own lower bound.
inline constexpr unsigned kMinTunnelMtu = 576;

// Bytes PPTP adds to each IP packet the tunnel carries.
constexpr unsigned tunnel_overhead(bool mppe) {
  return kOuterIpv4Header + kGreHeader + kPppAddressControl + kPppProtocol +
         (mppe ? kMppeHeader + kMppeInnerProtocol : 0);
}

// The way to the server, as the kernel knows it now. 0: not known.
struct PathMtu {
  std::string device;  // the interface GRE leaves by
  unsigned device_mtu = 0;
  // The route's own MTU metric, or the path MTU the kernel learned from an
  // ICMP "fragmentation needed" (RFC 1191), whichever RTM_GETROUTE reports.
  unsigned route_mtu = 0;
};

// What the tunnel's MTU is, and a phrase saying where it came from, for the
// log and `status` ("auto: eth0 1300 - 44").
struct MtuChoice {
  unsigned mtu = 0;
  std::string how;
};

// fixed: the profile's number, or nullopt for "auto". peer_mru: the largest
// PPP information field the server takes (LCP, RFC 1661 §6.1); the packet
// plus MPPE's header and inner protocol must fit in it. Never below
// kMinTunnelMtu; an unknown path falls back to 1400 for auto.
MtuChoice choose_tunnel_mtu(std::optional<unsigned> fixed, const PathMtu& path, bool mppe, unsigned peer_mru);

// The TCP maximum segment size that fits a tunnel MTU: MTU minus the IPv4
// and TCP headers without options (RFC 879, RFC 6691 §2).
constexpr unsigned mss_for_mtu(unsigned mtu) { return mtu > 40 ? mtu - 40 : 0; }

}  // namespace pptp
