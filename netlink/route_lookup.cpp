#include "netlink/route_lookup.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cerrno>
#include <cstdint>

#include "netlink/routes.hpp"

namespace netlink {

namespace {

// The route types a main-table lookup can end on. Others (local, broadcast,
// multicast, nat) live in the local table or not at all.
bool decisive_type(std::uint8_t type) {
  switch (type) {
    case RTN_UNICAST:
    case RTN_UNREACHABLE:
    case RTN_BLACKHOLE:
    case RTN_PROHIBIT:
      return true;
    default:  // rtm_type is the kernel's enum, not ours
      return false;
  }
}

}  // namespace

bool same_path(const RouteLookup& a, const RouteLookup& b) {
  return a.ifindex == b.ifindex && a.gateway == b.gateway;
}

std::optional<RouteEntry> best_route_outside(const std::vector<RouteEntry>& routes, const wire::Ipv4& dst,
                                             int exclude_ifindex) {
  std::optional<RouteEntry> best;
  for (const RouteEntry& e : routes) {
    if (e.table != RT_TABLE_MAIN || e.protocol == kRouteProtocol || e.tos != 0) continue;
    if (!decisive_type(e.type) || (e.flags & RTNH_F_DEAD) != 0 || !wire::covers(e.dst, dst)) continue;
    if (e.type == RTN_UNICAST && (e.ifindex <= 0 || e.ifindex == exclude_ifindex)) continue;
    // Strictly better only: among equals the first in the kernel's order wins.
    if (!best || e.dst.len > best->dst.len || (e.dst.len == best->dst.len && e.metric < best->metric)) best = e;
  }
  return best;
}

wire::Result<RouteLookup> path_outside(RtnlSocket& rtnl, const wire::Ipv4& dst, int exclude_ifindex) {
  const std::string what = "cannot find the route to " + to_string(dst) + " outside the tunnel";
  auto routes = list_routes(rtnl);
  if (!routes) return wire::Error::fatal(what + ": " + routes.error().reason);
  auto best = best_route_outside(*routes, dst, exclude_ifindex);
  if (!best) return wire::Error::fatal(what + ": no route to it");
  if (best->type != RTN_UNICAST) return wire::Error::fatal(what + ": the routing table rejects it");
  RouteLookup out;
  out.gateway = best->gateway;
  out.ifindex = best->ifindex;
  out.prefsrc = best->prefsrc;
  out.mtu = best->mtu;
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(static_cast<unsigned>(best->ifindex), name) == nullptr) {
    return wire::Error::fatal(what + ": its interface " + std::to_string(best->ifindex) + " vanished");
  }
  out.ifname = name;
  return out;
}

wire::Result<RouteLookup> lookup_route(RtnlSocket& rtnl, const wire::Ipv4& dst) {
  const std::string what = "cannot find the route to " + to_string(dst);
  nlmsghdr* nlh = rtnl.start(RTM_GETROUTE, 0, sizeof(rtmsg));
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_get_payload(nlh));
  rtm->rtm_family = AF_INET;
  rtm->rtm_dst_len = 32;
  mnl_attr_put(nlh, RTA_DST, 4, dst.data());

  std::optional<RouteEntry> found;
  const int err = rtnl.transact([&](const nlmsghdr* m) {
    if (m->nlmsg_type != RTM_NEWROUTE) return true;
    RouteEntry e;
    if (!parse_route(m, e)) return false;
    found = e;
    return true;
  });
  if (err == ENETUNREACH || err == EHOSTUNREACH) return wire::Error::fatal(what + ": no route to it");
  if (err == EBADMSG) return wire::Error::fatal(what + ": the kernel sent a malformed route");
  if (err != 0) return wire::Error::fatal(what + ": " + rtnl.reason(err));
  if (!found) return wire::Error::fatal(what + ": the kernel did not answer with a route");

  switch (found->type) {
    case RTN_UNICAST:
      break;
    case RTN_LOCAL:
      return wire::Error::fatal(what + ": it is an address of this machine");
    case RTN_UNREACHABLE:
    case RTN_BLACKHOLE:
    case RTN_PROHIBIT:
      return wire::Error::fatal(what + ": the routing table rejects it");
    default:  // rtm_type is the kernel's enum, not ours
      return wire::Error::fatal(what + ": the route has unexpected type " + std::to_string(found->type));
  }
  if (found->ifindex <= 0) return wire::Error::fatal(what + ": the route names no interface");

  RouteLookup out;
  out.gateway = found->gateway;
  out.ifindex = found->ifindex;
  out.prefsrc = found->prefsrc;
  out.mtu = found->mtu;
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(static_cast<unsigned>(found->ifindex), name) == nullptr) {
    return wire::Error::fatal(what + ": its interface " + std::to_string(found->ifindex) + " vanished");
  }
  out.ifname = name;
  return out;
}

}  // namespace netlink
