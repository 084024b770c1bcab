#pragma once
// Which way a packet to one destination leaves *now* (RTM_GETROUTE, the
// kernel's own decision, as `ip route get`), or would leave without our own
// routes (path_outside). Used to pin a host route to the PPTP server before a
// default route goes into the tunnel: without it every GRE packet would be
// routed into the tunnel itself.
#include <optional>
#include <string>
#include <vector>

#include "userspace/wire/ipv4.hpp"
#include "netlink/routes.hpp"
#include "netlink/rtnl_socket.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct RouteLookup {
  std::optional<wire::Ipv4> gateway;  // none: the destination is on-link
  int ifindex = 0;
  std::string ifname;
  std::optional<wire::Ipv4> prefsrc;
  // The route's MTU or the learned path MTU (RouteEntry::mtu); 0: none.
  unsigned mtu = 0;
};

// The same way out: same interface, same gateway (or both on-link). The
// preferred source is left out: RTM_GETROUTE always names one, a route from
// a dump only when it was set.
bool same_path(const RouteLookup& a, const RouteLookup& b);

// Fails with a sentence when there is no route, or when the destination is
// one of our own addresses (nothing to pin then).
wire::Result<RouteLookup> lookup_route(RtnlSocket& rtnl, const wire::Ipv4& dst);

// The way dst would leave if none of pptpctl's routes existed (protocol
// kRouteProtocol: the pin, the tunnel's routes, the block routes) and
// nothing went through exclude_ifindex (the tunnel; 0 for none). The kernel
// cannot be asked that: while block routes are in place RTM_GETROUTE answers
// with our unreachable route, and while the pin holds, with the old path
// after the default route has moved.
//
// Chosen as the kernel's main-table lookup chooses: the longest prefix
// covering dst, then the lowest metric, then the kernel's own order. Only
// the main table is read (policy routing rules are not followed), routes with
// a TOS are skipped (GRE and the control connection send TOS 0), and so are
// dead routes and multipath routes (no single interface to pin along).
// Someone else's unreachable, blackhole or prohibit route counts: dst would
// not leave then, and the winner says so by its type.
std::optional<RouteEntry> best_route_outside(const std::vector<RouteEntry>& routes, const wire::Ipv4& dst,
                                             int exclude_ifindex);

// best_route_outside() over a dump of the routing table. Fails with a
// sentence when nothing routes dst, or only a route that rejects it.
wire::Result<RouteLookup> path_outside(RtnlSocket& rtnl, const wire::Ipv4& dst, int exclude_ifindex);

}  // namespace netlink
