#include "netlink/routes.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cerrno>
#include <cstring>

namespace netlink {

namespace {

std::uint8_t kernel_type(RouteType t) {
  switch (t) {
    case RouteType::Unicast:
      return RTN_UNICAST;
    case RouteType::Unreachable:
      return RTN_UNREACHABLE;
  }
  return RTN_UNICAST;
}

nlmsghdr* build(RtnlSocket& rtnl, std::uint16_t type, std::uint16_t flags, const Route& r) {
  nlmsghdr* nlh = rtnl.start(type, flags, sizeof(rtmsg));
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_get_payload(nlh));
  rtm->rtm_family = AF_INET;
  rtm->rtm_dst_len = r.dst.len;
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = kRouteProtocol;
  // The kernel matches the type on delete too, so removing our tunnel's
  // 0.0.0.0/1 can never take the unreachable 0.0.0.0/1 with it.
  rtm->rtm_type = kernel_type(r.type);
  if (type == RTM_DELROUTE) {
    rtm->rtm_scope = RT_SCOPE_NOWHERE;  // "any scope" when deleting
  } else {
    rtm->rtm_scope = r.gateway || r.type != RouteType::Unicast ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  }
  if (r.dst.len > 0) mnl_attr_put(nlh, RTA_DST, 4, r.dst.addr.data());
  switch (r.type) {
    case RouteType::Unicast:
      if (r.gateway) mnl_attr_put(nlh, RTA_GATEWAY, 4, r.gateway->data());
      if (r.gateway && r.onlink) rtm->rtm_flags |= RTNH_F_ONLINK;
      mnl_attr_put_u32(nlh, RTA_OIF, static_cast<std::uint32_t>(r.ifindex));
      break;
    case RouteType::Unreachable:
      break;  // the kernel refuses a device or gateway on a route that rejects
  }
  // Metric 0 in a delete would match any metric; the protocol still pins it.
  if (r.metric != 0) mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
  return nlh;
}

bool read_ipv4(const nlattr* a, wire::Ipv4& out) {
  if (mnl_attr_get_payload_len(a) != 4) return false;
  std::memcpy(out.data(), mnl_attr_get_payload(a), 4);
  return true;
}

bool read_u32(const nlattr* a, std::uint32_t& out) {
  if (mnl_attr_validate(a, MNL_TYPE_U32) < 0) return false;
  out = mnl_attr_get_u32(a);
  return true;
}

}  // namespace

// Fills e from one RTM_NEWROUTE; false if an attribute we read is malformed.
bool parse_route(const nlmsghdr* nlh, RouteEntry& e) {
  if (mnl_nlmsg_get_payload_len(nlh) < sizeof(rtmsg)) return false;
  const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  if (rtm->rtm_dst_len > 32) return false;
  e.dst.len = rtm->rtm_dst_len;
  e.table = rtm->rtm_table;
  e.protocol = rtm->rtm_protocol;
  e.scope = rtm->rtm_scope;
  e.type = rtm->rtm_type;
  e.tos = rtm->rtm_tos;
  e.flags = rtm->rtm_flags;

  return for_each_attr(nlh, sizeof(rtmsg), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case RTA_DST:
        return read_ipv4(attr, e.dst.addr);
      case RTA_GATEWAY: {
        wire::Ipv4 gw{};
        if (!read_ipv4(attr, gw)) return false;
        e.gateway = gw;
        return true;
      }
      case RTA_PREFSRC: {
        wire::Ipv4 src{};
        if (!read_ipv4(attr, src)) return false;
        e.prefsrc = src;
        return true;
      }
      case RTA_OIF: {
        std::uint32_t oif = 0;
        if (!read_u32(attr, oif)) return false;
        e.ifindex = static_cast<int>(oif);
        return true;
      }
      case RTA_PRIORITY:
        return read_u32(attr, e.metric);
      case RTA_TABLE:
        return read_u32(attr, e.table);
      case RTA_METRICS: {
        // Nested RTAX_* attributes, each checked to fit in what is left of
        // the parent (mnl_attr_ok) before it is read.
        int left = static_cast<int>(mnl_attr_get_payload_len(attr));
        const auto* m = static_cast<const nlattr*>(mnl_attr_get_payload(attr));
        while (mnl_attr_ok(m, left)) {
          if (mnl_attr_get_type(m) == RTAX_MTU && !read_u32(m, e.mtu)) return false;
          left -= static_cast<int>(MNL_ALIGN(m->nla_len));
          m = mnl_attr_next(m);
        }
        return true;
      }
      default:
        return true;  // the kernel's attribute set grows; ignore what we do not use
    }
  });
}

namespace {

std::string ifname_or_index(int ifindex) {
  char name[IF_NAMESIZE] = {};
  if (ifindex > 0 && if_indextoname(static_cast<unsigned>(ifindex), name) != nullptr) return name;
  return "interface " + std::to_string(ifindex);
}

std::string describe_entry(const RouteEntry& e) {
  std::string s = e.dst.len == 32 ? to_string(e.dst.addr) : to_string(e.dst);
  if (e.type == RTN_UNREACHABLE) s = "unreachable " + s;
  if (e.type == RTN_BLACKHOLE) s = "blackhole " + s;
  if (e.type == RTN_PROHIBIT) s = "prohibit " + s;
  if (e.gateway) s += " via " + to_string(*e.gateway);
  if (e.ifindex != 0) s += " dev " + ifname_or_index(e.ifindex);
  return s;
}

}  // namespace

std::string describe(const Route& r) {
  std::string s = r.dst.len == 0 ? "default" : r.dst.len == 32 ? to_string(r.dst.addr) : to_string(r.dst);
  switch (r.type) {
    case RouteType::Unicast:
      if (r.gateway) s += " via " + to_string(*r.gateway);
      s += " dev " + r.ifname;
      break;
    case RouteType::Unreachable:
      s = "unreachable " + s;
      break;
  }
  if (r.metric != 0) s += " metric " + std::to_string(r.metric);
  return s;
}

wire::Result<std::vector<RouteEntry>> list_routes(RtnlSocket& rtnl) {
  nlmsghdr* nlh = rtnl.start(RTM_GETROUTE, NLM_F_DUMP, sizeof(rtmsg));
  static_cast<rtmsg*>(mnl_nlmsg_get_payload(nlh))->rtm_family = AF_INET;
  std::vector<RouteEntry> out;
  const int err = rtnl.transact([&](const nlmsghdr* m) {
    if (m->nlmsg_type != RTM_NEWROUTE) return true;
    RouteEntry e;
    if (!parse_route(m, e)) return false;
    out.push_back(e);
    return true;
  });
  if (err == EBADMSG) return wire::Error::fatal("cannot list routes: the kernel sent a malformed route");
  if (err != 0) return wire::Error::fatal("cannot list routes: " + rtnl.reason(err));
  return out;
}

wire::Result<Applied> add_route(RtnlSocket& rtnl, const Route& r) {
  const std::string what = "cannot add route " + describe(r);
  if (!host_bits_clear(r.dst)) return wire::Error::fatal(what + ": the address has host bits set");
  build(rtnl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, r);
  const int err = rtnl.transact();
  if (err == 0) return Applied::Added;
  if (err == ENODEV) return wire::Error::fatal(what + ": no such interface");
  if (err == ENETUNREACH && r.gateway) {
    return wire::Error::fatal(what + ": the gateway is not reachable on that interface");
  }
  if (err != EEXIST) return wire::Error::fatal(what + ": " + rtnl.reason(err));

  // EEXIST means "same destination, TOS and metric in this table", whatever
  // its path. Ours only if it goes out the same way.
  auto routes = list_routes(rtnl);
  if (!routes) return wire::Error::fatal(what + ": it exists already, and " + routes.error().reason);
  for (const RouteEntry& e : *routes) {
    if (e.table != RT_TABLE_MAIN || e.dst != r.dst || e.metric != r.metric || e.tos != 0) continue;
    if (e.type == kernel_type(r.type) && e.ifindex == r.ifindex && e.gateway == r.gateway) {
      return Applied::AlreadyPresent;
    }
    return wire::Error::fatal(what + ": another route to the same destination with metric " +
                              std::to_string(r.metric) + " is in the way (" + describe_entry(e) + ")");
  }
  return wire::Error::fatal(what + ": " + rtnl.reason(err));
}

wire::Result<Removed> remove_route(RtnlSocket& rtnl, const Route& r) {
  build(rtnl, RTM_DELROUTE, 0, r);
  const int err = rtnl.transact();
  if (err == 0) return Removed::Removed;
  if (err == ESRCH || err == ENODEV || err == ENOENT) return Removed::AlreadyGone;
  return wire::Error::fatal("cannot remove route " + describe(r) + ": " + rtnl.reason(err));
}

}  // namespace netlink
