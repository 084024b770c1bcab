#include "netlink/address.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <cerrno>

namespace netlink {

namespace {

bool has_peer(const PeerAddress& a) { return a.peer != wire::Ipv4{0, 0, 0, 0}; }

nlmsghdr* build(RtnlSocket& rtnl, std::uint16_t type, std::uint16_t flags, const PeerAddress& a) {
  nlmsghdr* nlh = rtnl.start(type, flags, sizeof(ifaddrmsg));
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = 32;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<unsigned>(a.ifindex);
  mnl_attr_put(nlh, IFA_LOCAL, 4, a.local.data());
  // Without a peer (IPCP may not name one) it is a plain /32 of our own.
  mnl_attr_put(nlh, IFA_ADDRESS, 4, has_peer(a) ? a.peer.data() : a.local.data());
  return nlh;
}

}  // namespace

std::string describe(const PeerAddress& a) {
  if (!has_peer(a)) return to_string(a.local) + "/32 dev " + a.ifname;
  return to_string(a.local) + " peer " + to_string(a.peer) + "/32 dev " + a.ifname;
}

wire::Result<Applied> add_peer_address(RtnlSocket& rtnl, const PeerAddress& a) {
  build(rtnl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, a);
  const int err = rtnl.transact();
  // The kernel answers EEXIST only for the same local address, peer and
  // prefix on the same interface, so this is exactly our address.
  if (err == EEXIST) return Applied::AlreadyPresent;
  if (err == ENODEV) {
    return wire::Error::fatal("cannot add address " + describe(a) + ": no such interface");
  }
  if (err != 0) {
    return wire::Error::fatal("cannot add address " + describe(a) + ": " + rtnl.reason(err));
  }
  return Applied::Added;
}

wire::Result<Removed> remove_peer_address(RtnlSocket& rtnl, const PeerAddress& a) {
  build(rtnl, RTM_DELADDR, 0, a);
  const int err = rtnl.transact();
  if (err == 0) return Removed::Removed;
  if (err == EADDRNOTAVAIL || err == ENODEV || err == ESRCH) return Removed::AlreadyGone;
  return wire::Error::fatal("cannot remove address " + describe(a) + ": " + rtnl.reason(err));
}

}  // namespace netlink
