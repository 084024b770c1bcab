#include "pptp/tunnel_mtu.hpp"

#include <algorithm>

namespace pptp {

namespace {

// Without any figure for the path, assume Ethernet behind something that
// takes a little (PPPoE's 8, a VLAN's 4): the MTU pptpctl used before auto.
constexpr unsigned kUnknownPathFallback = 1400;

}  // namespace

MtuChoice choose_tunnel_mtu(std::optional<unsigned> fixed, const PathMtu& path, bool mppe, unsigned peer_mru) {
  const unsigned mppe_bytes = mppe ? kMppeHeader + kMppeInnerProtocol : 0;
  const unsigned peer_limit = peer_mru > mppe_bytes ? peer_mru - mppe_bytes : kMinTunnelMtu;
  MtuChoice c;
  if (fixed) {
    c.mtu = *fixed;
    c.how = "the profile's mtu";
  } else {
    unsigned path_mtu = path.device_mtu;
    std::string from = path.device.empty() ? "the device" : path.device;
    if (path.route_mtu != 0 && (path_mtu == 0 || path.route_mtu < path_mtu)) {
      path_mtu = path.route_mtu;
      from = "the route to the server";
    }
    const unsigned overhead = tunnel_overhead(mppe);
    if (path_mtu == 0) {
      c.mtu = kUnknownPathFallback;
      c.how = "auto: the path's MTU is unknown";
    } else if (path_mtu < overhead + kMinTunnelMtu) {
      c.mtu = kMinTunnelMtu;
      c.how = "auto: " + from + " " + std::to_string(path_mtu) + " leaves less than " +
              std::to_string(kMinTunnelMtu) + " after " + std::to_string(overhead) + " bytes of PPTP";
    } else {
      c.mtu = path_mtu - overhead;
      c.how = "auto: " + from + " " + std::to_string(path_mtu) + " - " + std::to_string(overhead);
    }
  }
  if (c.mtu > peer_limit) {
    c.mtu = std::max(peer_limit, kMinTunnelMtu);
    c.how += ", capped by the server's MRU " + std::to_string(peer_mru);
  }
  return c;
}

}  // namespace pptp
