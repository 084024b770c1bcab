#include "netlink/routes6.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "netlink/routes.hpp"

namespace netlink {

namespace {

bool host_bits_clear6(const Ipv6Prefix& p) {
  if (p.len > 128) return false;
  for (unsigned bit = p.len; bit < 128; ++bit)
    if ((p.addr[bit / 8] >> (7 - bit % 8)) & 1u) return false;
  return true;
}

void build6(RtnlSocket& rtnl, std::uint16_t type, std::uint16_t flags, const Ipv6Prefix& dst, std::uint32_t metric) {
  nlmsghdr* nlh = rtnl.start(type, flags, sizeof(rtmsg));
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_get_payload(nlh));
  rtm->rtm_family = AF_INET6;
  rtm->rtm_dst_len = dst.len;
  rtm->rtm_table = RT_TABLE_MAIN;
  // The kernel deletes an IPv6 route only if the protocol matches
  // (ip6_route_del), so ours can never take someone else's ::/1.
  rtm->rtm_protocol = kRouteProtocol;
  rtm->rtm_type = RTN_UNREACHABLE;  // RTF_REJECT: the sender gets EHOSTUNREACH
  rtm->rtm_scope = RT_SCOPE_UNIVERSE;
  if (dst.len > 0) mnl_attr_put(nlh, RTA_DST, 16, dst.addr.data());
  // No device or gateway: the kernel hangs a reject route on lo itself.
  mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
}

// One IPv6 route from a dump, the fields we compare.
struct Entry6 {
  Ipv6Prefix dst{{}, 0};
  std::uint32_t metric = 0;
  std::uint32_t table = 0;
  std::uint8_t type = 0;
  std::uint8_t protocol = 0;
};

bool parse6(const nlmsghdr* nlh, Entry6& e) {
  if (mnl_nlmsg_get_payload_len(nlh) < sizeof(rtmsg)) return false;
  const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  if (rtm->rtm_family != AF_INET6 || rtm->rtm_dst_len > 128) return false;
  e.dst.len = rtm->rtm_dst_len;
  e.table = rtm->rtm_table;
  e.type = rtm->rtm_type;
  e.protocol = rtm->rtm_protocol;
  return for_each_attr(nlh, sizeof(rtmsg), [&](const nlattr* a) {
    switch (mnl_attr_get_type(a)) {
      case RTA_DST:
        if (mnl_attr_get_payload_len(a) != 16) return false;
        std::memcpy(e.dst.addr.data(), mnl_attr_get_payload(a), 16);
        return true;
      case RTA_PRIORITY:
        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0) return false;
        e.metric = mnl_attr_get_u32(a);
        return true;
      case RTA_TABLE:
        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0) return false;
        e.table = mnl_attr_get_u32(a);
        return true;
      default:
        return true;
    }
  });
}

std::string type_word(std::uint8_t type) {
  switch (type) {
    case RTN_UNREACHABLE: return "unreachable ";
    case RTN_BLACKHOLE: return "blackhole ";
    case RTN_PROHIBIT: return "prohibit ";
    default: return "";  // rtm_type is the kernel's enum: unicast and the rest print bare
  }
}

}  // namespace

std::string to_string(const Ipv6Prefix& p) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, p.addr.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(p.len);
}

std::optional<Ipv6Prefix> parse_ipv6_prefix(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash + 1 >= text.size() || text.size() - slash - 1 > 3) return std::nullopt;
  const std::string_view digits = text.substr(slash + 1);
  if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
  unsigned len = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + static_cast<unsigned>(c - '0');
  }
  if (len > 128) return std::nullopt;
  Ipv6Prefix p;
  p.len = static_cast<std::uint8_t>(len);
  const std::string addr(text.substr(0, slash));
  if (::inet_pton(AF_INET6, addr.c_str(), p.addr.data()) != 1) return std::nullopt;
  if (!host_bits_clear6(p)) return std::nullopt;
  return p;
}

std::string describe_unreachable6(const Ipv6Prefix& dst, std::uint32_t metric) {
  return "unreachable " + to_string(dst) + " metric " + std::to_string(metric);
}

bool ipv6_disabled_everywhere() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path conf = "/proc/sys/net/ipv6/conf";
  if (!fs::is_directory(conf, ec)) return true;
  for (const auto& dir : fs::directory_iterator(conf, ec)) {
    const auto name = dir.path().filename().string();
    if (name == "all" || name == "default") continue;
    std::ifstream in(dir.path() / "disable_ipv6");
    int v = 0;
    if (!(in >> v) || v == 0) return false;
  }
  return !ec;
}

wire::Result<std::optional<Applied6>> classify_add6(int err, bool disabled_everywhere, const std::string& what,
                                                    const std::string& reason) {
  if (err == 0) return std::optional<Applied6>(Applied6::Added);
  if (err == EAFNOSUPPORT) return std::optional<Applied6>(Applied6::NoIpv6);
  // IPv6 switched off on lo, where the kernel hangs reject routes. Harmless
  // only if it is off everywhere; else IPv6 could still leave by another
  // interface, and the user must hear it.
  if (err == EACCES && disabled_everywhere) return std::optional<Applied6>(Applied6::NoIpv6);
  if (err == EEXIST) return std::optional<Applied6>();
  return wire::Error::fatal(what + ": " + reason);
}

wire::Result<Applied6> add_unreachable6(RtnlSocket& rtnl, const Ipv6Prefix& dst, std::uint32_t metric) {
  const std::string what = "cannot add IPv6 route " + describe_unreachable6(dst, metric);
  if (!host_bits_clear6(dst)) return wire::Error::fatal(what + ": the address has host bits set");
  build6(rtnl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, dst, metric);
  const int err = rtnl.transact();
  auto known = classify_add6(err, err == EACCES && ipv6_disabled_everywhere(), what, rtnl.reason(err));
  if (!known) return known.error();
  if (*known) return **known;

  // EEXIST: same destination and metric. Ours (or an identical one) only
  // if it too is unreachable.
  nlmsghdr* nlh = rtnl.start(RTM_GETROUTE, NLM_F_DUMP, sizeof(rtmsg));
  static_cast<rtmsg*>(mnl_nlmsg_get_payload(nlh))->rtm_family = AF_INET6;
  std::vector<Entry6> routes;
  const int derr = rtnl.transact([&](const nlmsghdr* m) {
    if (m->nlmsg_type != RTM_NEWROUTE) return true;
    Entry6 e;
    if (!parse6(m, e)) return false;
    routes.push_back(e);
    return true;
  });
  if (derr != 0) return wire::Error::fatal(what + ": it exists already, and cannot list routes: " + rtnl.reason(derr));
  for (const Entry6& e : routes) {
    if (e.table != RT_TABLE_MAIN || e.dst != dst || e.metric != metric) continue;
    if (e.type == RTN_UNREACHABLE) return Applied6::AlreadyPresent;
    return wire::Error::fatal(what + ": another route to the same destination with metric " + std::to_string(metric) +
                              " is in the way (" + type_word(e.type) + to_string(e.dst) + ")");
  }
  return wire::Error::fatal(what + ": " + rtnl.reason(err));
}

wire::Result<Removed> remove_unreachable6(RtnlSocket& rtnl, const Ipv6Prefix& dst, std::uint32_t metric) {
  build6(rtnl, RTM_DELROUTE, 0, dst, metric);
  const int err = rtnl.transact();
  if (err == 0) return Removed::Removed;
  if (err == ESRCH || err == ENOENT || err == EAFNOSUPPORT) return Removed::AlreadyGone;
  return wire::Error::fatal("cannot remove IPv6 route " + describe_unreachable6(dst, metric) + ": " + rtnl.reason(err));
}

}  // namespace netlink
