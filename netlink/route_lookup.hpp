#pragma once
// Which way a packet to one destination leaves *now* (RTM_GETROUTE, the
// kernel's own decision, as `ip route get`). Used to pin a host route to the
// PPTP server before a default route goes into the tunnel: without it every
// GRE packet would be routed into the tunnel itself.
#include <optional>
#include <string>

#include "netlink/ipv4.hpp"
#include "netlink/rtnl_socket.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct RouteLookup {
  std::optional<Ipv4> gateway;  // none: the destination is on-link
  int ifindex = 0;
  std::string ifname;
  std::optional<Ipv4> prefsrc;
};

// Fails with a sentence when there is no route, or when the destination is
// one of our own addresses (nothing to pin then).
wire::Result<RouteLookup> lookup_route(RtnlSocket& rtnl, const Ipv4& dst);

}  // namespace netlink
