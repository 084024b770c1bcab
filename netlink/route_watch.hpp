#pragma once
// Tells the daemon that links, IPv4 addresses or IPv4 routes changed, so it
// can look at the path to the server again at once (a laptop moving to
// another network, the uplink's device going away) instead of waiting for
// echoes to time out. It says only "something changed": the caller then asks
// path_outside() and compares, because the messages themselves include our
// own route changes and would be a second, partial copy of the table.
//
//   auto watch = netlink::RouteWatch::open();     // before the first look
//   poll on watch->fd(); on POLLIN: if (watch->drain()) recheck();
#include <memory>

#include "userspace/wire/result.hpp"

struct mnl_socket;

namespace netlink {

class RouteWatch {
 public:
  // NETLINK_ROUTE, non-blocking and close-on-exec, subscribed to
  // RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV4_ROUTE. Belongs to the
  // network namespace it was opened in.
  static wire::Result<RouteWatch> open();

  int fd() const;

  // Reads everything pending without blocking. True if any link, IPv4
  // address or IPv4 route message arrived, or if the kernel dropped some
  // (ENOBUFS: the socket overran, so something may have changed unseen).
  bool drain();

 private:
  struct Closer {
    void operator()(mnl_socket* s) const;
  };
  RouteWatch() = default;

  std::unique_ptr<mnl_socket, Closer> sock_;
};

}  // namespace netlink
