#pragma once
// The tunnel interface itself (libnl-route-3): index by name, MTU, up/down,
// rename while down (the kernel calls it pppN, the profile names it), and
// counters for `status`.
#include <cstdint>
#include <memory>
#include <string>

#include "userspace/wire/result.hpp"

struct nl_sock;

namespace netlink {

struct LinkCounters {
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t tx_packets = 0;
};

struct LinkState {
  int ifindex = 0;
  std::string name;
  unsigned mtu = 0;
  bool up = false;  // administratively up (IFF_UP)
};

class LinkControl {
 public:
  // Opens its own routing socket in the current network namespace.
  static wire::Result<LinkControl> open();

  wire::Result<int> index_of(const std::string& name);
  wire::Result<LinkState> state(int ifindex);
  wire::Result<wire::Unit> set_mtu(int ifindex, unsigned mtu);
  wire::Result<wire::Unit> set_up(int ifindex, bool up);
  // Kernels before 6.2 refuse to rename a running interface (EBUSY, reported
  // as "the interface is up"): take it down first.
  wire::Result<wire::Unit> rename(int ifindex, const std::string& new_name);
  wire::Result<LinkCounters> counters(int ifindex);

 private:
  struct SockFree {
    void operator()(nl_sock* s) const;
  };
  LinkControl() = default;

  std::unique_ptr<nl_sock, SockFree> sock_;
};

}  // namespace netlink
