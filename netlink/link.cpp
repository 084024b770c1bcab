#include "netlink/link.hpp"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

namespace netlink {

namespace {

struct LinkPut {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;

std::string nl_text(int err) { return nl_geterror(err); }

// libnl folds ENODEV into "object not found"; say what it means here.
std::string why(int err) {
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return "no such interface";
  return nl_text(err);
}

std::string label(int ifindex) {
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(static_cast<unsigned>(ifindex), name) != nullptr) return name;
  return "interface " + std::to_string(ifindex);
}

}  // namespace

void LinkControl::SockFree::operator()(nl_sock* s) const { nl_socket_free(s); }

wire::Result<LinkControl> LinkControl::open() {
  LinkControl c;
  c.sock_.reset(nl_socket_alloc());
  if (!c.sock_) return wire::Error::fatal("cannot open a routing netlink socket: out of memory");
  const int err = nl_connect(c.sock_.get(), NETLINK_ROUTE);
  if (err < 0) return wire::Error::fatal("cannot open a routing netlink socket: " + nl_text(err));
  return c;
}

wire::Result<int> LinkControl::index_of(const std::string& name) {
  rtnl_link* raw = nullptr;
  const int err = rtnl_link_get_kernel(sock_.get(), 0, name.c_str(), &raw);
  LinkPtr link(raw);
  if (err < 0) return wire::Error::fatal("cannot find interface " + name + ": " + why(err));
  return rtnl_link_get_ifindex(link.get());
}

wire::Result<LinkState> LinkControl::state(int ifindex) {
  rtnl_link* raw = nullptr;
  const int err = rtnl_link_get_kernel(sock_.get(), ifindex, nullptr, &raw);
  LinkPtr link(raw);
  if (err < 0) return wire::Error::fatal("cannot read " + label(ifindex) + ": " + why(err));
  LinkState s;
  s.ifindex = ifindex;
  const char* name = rtnl_link_get_name(link.get());
  s.name = name != nullptr ? name : "";
  s.mtu = rtnl_link_get_mtu(link.get());
  s.up = (rtnl_link_get_flags(link.get()) & IFF_UP) != 0;
  return s;
}

namespace {

// rtnl_link_change() wants the current object and the wished changes.
wire::Result<wire::Unit> change(nl_sock* sock, int ifindex, const std::string& what,
                                void (*edit)(rtnl_link*, const void*), const void* arg) {
  rtnl_link* raw = nullptr;
  int err = rtnl_link_get_kernel(sock, ifindex, nullptr, &raw);
  LinkPtr orig(raw);
  if (err < 0) return wire::Error::fatal("cannot " + what + " on " + label(ifindex) + ": " + why(err));
  LinkPtr wish(rtnl_link_alloc());
  if (!wish) return wire::Error::fatal("cannot " + what + " on " + label(ifindex) + ": out of memory");
  edit(wish.get(), arg);
  err = rtnl_link_change(sock, orig.get(), wish.get(), 0);
  if (err == -NLE_BUSY) {
    return wire::Error::fatal("cannot " + what + " on " + label(ifindex) + ": the interface is up");
  }
  if (err < 0) return wire::Error::fatal("cannot " + what + " on " + label(ifindex) + ": " + why(err));
  return wire::Unit{};
}

}  // namespace

wire::Result<wire::Unit> LinkControl::set_mtu(int ifindex, unsigned mtu) {
  return change(
      sock_.get(), ifindex, "set MTU " + std::to_string(mtu),
      [](rtnl_link* l, const void* a) { rtnl_link_set_mtu(l, *static_cast<const unsigned*>(a)); }, &mtu);
}

wire::Result<wire::Unit> LinkControl::set_up(int ifindex, bool up) {
  if (up) {
    return change(
        sock_.get(), ifindex, "bring up the link", [](rtnl_link* l, const void*) { rtnl_link_set_flags(l, IFF_UP); },
        nullptr);
  }
  return change(
      sock_.get(), ifindex, "take down the link",
      [](rtnl_link* l, const void*) { rtnl_link_unset_flags(l, IFF_UP); }, nullptr);
}

wire::Result<wire::Unit> LinkControl::rename(int ifindex, const std::string& new_name) {
  if (new_name.empty() || new_name.size() >= IF_NAMESIZE) {
    return wire::Error::fatal("cannot rename " + label(ifindex) + " to \"" + new_name + "\": names are 1 to " +
                              std::to_string(IF_NAMESIZE - 1) + " characters");
  }
  return change(
      sock_.get(), ifindex, "set the name " + new_name,
      [](rtnl_link* l, const void* a) { rtnl_link_set_name(l, static_cast<const std::string*>(a)->c_str()); },
      &new_name);
}

wire::Result<LinkCounters> LinkControl::counters(int ifindex) {
  rtnl_link* raw = nullptr;
  const int err = rtnl_link_get_kernel(sock_.get(), ifindex, nullptr, &raw);
  LinkPtr link(raw);
  if (err < 0) return wire::Error::fatal("cannot read counters of " + label(ifindex) + ": " + why(err));
  LinkCounters c;
  c.rx_bytes = rtnl_link_get_stat(link.get(), RTNL_LINK_RX_BYTES);
  c.tx_bytes = rtnl_link_get_stat(link.get(), RTNL_LINK_TX_BYTES);
  c.rx_packets = rtnl_link_get_stat(link.get(), RTNL_LINK_RX_PACKETS);
  c.tx_packets = rtnl_link_get_stat(link.get(), RTNL_LINK_TX_PACKETS);
  return c;
}

}  // namespace netlink
