#include "netlink/route_lookup.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cerrno>

#include "netlink/routes.hpp"

namespace netlink {

wire::Result<RouteLookup> lookup_route(RtnlSocket& rtnl, const Ipv4& dst) {
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
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(static_cast<unsigned>(found->ifindex), name) == nullptr) {
    return wire::Error::fatal(what + ": its interface " + std::to_string(found->ifindex) + " vanished");
  }
  out.ifname = name;
  return out;
}

}  // namespace netlink
