#include "netlink/route_watch.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>

#include "netlink/rtnl_socket.hpp"

namespace netlink {

namespace {

// Enough for a burst: the kernel drops what does not fit and says ENOBUFS,
// which drain() reports as a change anyway.
constexpr int kReceiveBuffer = 256 * 1024;

bool is_change(std::uint16_t type) {
  switch (type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
    case RTM_NEWADDR:
    case RTM_DELADDR:
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      return true;
    default:  // nlmsg_type is the kernel's, not ours
      return false;
  }
}

}  // namespace

void RouteWatch::Closer::operator()(mnl_socket* s) const { mnl_socket_close(s); }

wire::Result<RouteWatch> RouteWatch::open() {
  RouteWatch w;
  w.sock_.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!w.sock_) return wire::Error::fatal("cannot open a netlink socket to watch routes: " + errno_text(errno));
  if (mnl_socket_bind(w.sock_.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return wire::Error::fatal("cannot bind a netlink socket to watch routes: " + errno_text(errno));
  }
  for (int group : {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE}) {
    if (mnl_socket_setsockopt(w.sock_.get(), NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
      return wire::Error::fatal("cannot subscribe to route changes: " + errno_text(errno));
    }
  }
  // Best effort: a larger buffer only makes ENOBUFS rarer.
  int size = kReceiveBuffer;
  setsockopt(mnl_socket_get_fd(w.sock_.get()), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  return w;
}

int RouteWatch::fd() const { return mnl_socket_get_fd(sock_.get()); }

bool RouteWatch::drain() {
  // Notifications are at most a page each; 32 KiB holds any of them
  // (libmnl reports a truncated one as ENOSPC, which counts as a change).
  // Uninitialized: a zeroed vector made all 8 pages resident for a
  // notification of a few hundred bytes (issue 11).
  constexpr std::size_t kSize = 32 * 1024;
  const std::unique_ptr<char[]> buf(new char[kSize]);
  bool changed = false;
  for (;;) {
    const ssize_t n = mnl_socket_recvfrom(sock_.get(), buf.get(), kSize);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        changed = true;  // lost events: assume the worst, keep reading
        continue;
      }
      // EAGAIN: all read. Anything else would repeat on the next poll;
      // report a change so the caller looks for itself.
      return changed || errno != EAGAIN;
    }
    int len = static_cast<int>(n);
    for (const auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.get()); mnl_nlmsg_ok(nlh, len);
         nlh = mnl_nlmsg_next(nlh, &len)) {
      if (is_change(nlh->nlmsg_type)) changed = true;
    }
  }
}

}  // namespace netlink
