#pragma once
// A NETLINK_ROUTE socket for one-shot requests (libmnl). Addresses, routes and
// the route lookup go through here rather than libnl, because we need the
// kernel's exact errno: it decides what undo may ignore (ESRCH, ENODEV) and it
// names the cause in the sentence the user reads. Sockets belong to the network
// namespace they were opened in, so open one after any unshare().
#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "userspace/wire/result.hpp"

struct mnl_socket;

namespace netlink {

class RtnlSocket {
 public:
  static wire::Result<RtnlSocket> open();

  // Builds a request in the socket's buffer: the netlink header with the given
  // type and flags (NLM_F_REQUEST | NLM_F_ACK are always added) and a zeroed
  // family header of `extra` bytes.
  nlmsghdr* start(std::uint16_t type, std::uint16_t flags, std::size_t extra);

  // Sends the request built by start() and reads until the kernel's ACK or
  // NLMSG_DONE. Each reply message goes to on_message, which returns false to
  // reject it as malformed. Returns 0 or a positive errno (EBADMSG when a
  // reply was rejected).
  using OnMessage = std::function<bool(const nlmsghdr*)>;
  int transact(const OnMessage& on_message = {});

  // strerror() text for err, with the kernel's own explanation of the last
  // failed request when it gave one (extended ACK), for use in a sentence:
  // "Network is unreachable (Nexthop has invalid gateway)".
  std::string reason(int err) const;

 private:
  struct Closer {
    void operator()(mnl_socket* s) const;
  };
  RtnlSocket() = default;

  std::unique_ptr<mnl_socket, Closer> sock_;
  unsigned portid_ = 0;
  std::uint32_t seq_ = 0;
  // Left uninitialized (issue 11): only the pages a request or a reply
  // writes become resident, not the whole 64 KiB for every open socket.
  std::unique_ptr<char[]> buf_;
  std::string ext_ack_;  // the last error's NLMSGERR_ATTR_MSG, if any
};

// Calls fn(attr) for each attribute after a family header of `offset` bytes;
// fn returns false to reject the message. False if rejected or if the
// attributes run past the message (libmnl checks each length).
bool for_each_attr(const nlmsghdr* nlh, std::size_t offset, const std::function<bool(const nlattr*)>& fn);

// strerror() text for a positive errno, for use inside a sentence.
std::string errno_text(int err);

}  // namespace netlink
