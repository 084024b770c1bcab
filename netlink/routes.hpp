#pragma once
// IPv4 routes in the main table, added with our own protocol number so that
// `ip route show proto 80` lists them and so that removing one can never take
// out someone else's route with the same destination: the kernel only deletes
// a route whose protocol matches the one in the request.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netlink/applied.hpp"
#include "userspace/wire/ipv4.hpp"
#include "netlink/rtnl_socket.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

// rtm_protocol for every route pptpctl adds. Values from 4 up are not
// interpreted by the kernel; 80 ('P') is not taken by any routing daemon in
// linux/rtnetlink.h or iproute2's rt_protos.
inline constexpr std::uint8_t kRouteProtocol = 80;

// Metric of the unreachable routes that block a full tunnel's destinations
// while it is down (block_while_down): higher than any metric the tunnel's own
// routes use, so those win while they exist and the block takes over the
// moment the kernel drops them with the interface.
inline constexpr std::uint32_t kBlockMetric = 4242;

// Unicast: out through an interface. Unreachable: refused on the spot
// (EHOSTUNREACH to local senders, ICMP host unreachable to forwarded traffic:
// the kernel's fib_props for RTN_UNREACHABLE),
// with no interface or gateway.
enum class RouteType { Unicast, Unreachable };

struct Route {
  wire::Ipv4Prefix dst;
  std::optional<wire::Ipv4> gateway;  // none: a device route, scope link
  int ifindex = 0;     // 0 for an unreachable route
  std::string ifname;  // for sentences only; empty for an unreachable route
  std::uint32_t metric = 0;
  // Take the gateway as attached to the interface without the kernel's
  // check that a connected route covers it: right for a gateway the kernel is
  // using on that interface already, which may itself be an onlink route
  // (as on many cloud hosts, "default via 172.31.1.1 dev eth0 onlink").
  bool onlink = false;
  RouteType type = RouteType::Unicast;

  bool operator==(const Route&) const = default;
};

// As `ip route` would print it: "203.0.113.0/24 dev pptp-office",
// "192.0.2.1 via 10.0.0.1 dev eth0 metric 5", "unreachable 0.0.0.0/1 metric 4242".
std::string describe(const Route& r);

// One IPv4 route as the kernel reports it.
struct RouteEntry {
  wire::Ipv4Prefix dst;
  std::optional<wire::Ipv4> gateway;
  std::optional<wire::Ipv4> prefsrc;
  int ifindex = 0;  // 0 for multipath or blackhole routes
  std::uint32_t metric = 0;
  std::uint32_t table = 0;
  std::uint8_t protocol = 0;
  std::uint8_t scope = 0;
  std::uint8_t type = 0;
  std::uint8_t tos = 0;
  std::uint32_t flags = 0;  // rtm_flags: RTNH_F_DEAD, RTNH_F_LINKDOWN, ...
  // RTA_METRICS' RTAX_MTU: the route's mtu, or in an RTM_GETROUTE answer the
  // path MTU the kernel learned (RFC 1191). 0: none.
  std::uint32_t mtu = 0;

  bool operator==(const RouteEntry&) const = default;
};

// Fills e from one RTM_NEWROUTE message, checking each attribute's length;
// false if the message is malformed. Shared with the route lookup.
bool parse_route(const nlmsghdr* nlh, RouteEntry& e);

// Every IPv4 route in every table, in the kernel's order.
wire::Result<std::vector<RouteEntry>> list_routes(RtnlSocket& rtnl);

// A route with the same destination and metric that is already there is
// success (AlreadyPresent) when it goes the same way, and an error naming the
// other route when it does not: the kernel keeps one route per destination
// and metric, so ours could not be added.
wire::Result<Applied> add_route(RtnlSocket& rtnl, const Route& r);

// Only a route carrying kRouteProtocol is removed. Already gone is success.
wire::Result<Removed> remove_route(RtnlSocket& rtnl, const Route& r);

}  // namespace netlink
