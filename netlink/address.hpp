#pragma once
// Point-to-point IPv4 address on the tunnel: prefix 32, IFA_LOCAL ours,
// IFA_ADDRESS the peer, the way pppd and accel-ppp configure a ppp link.
#include <string>

#include "netlink/applied.hpp"
#include "userspace/wire/ipv4.hpp"
#include "netlink/rtnl_socket.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct PeerAddress {
  int ifindex = 0;
  std::string ifname;  // for sentences only; the kernel is addressed by index
  wire::Ipv4 local{};
  wire::Ipv4 peer{};  // 0.0.0.0 if the server did not say: then a plain local/32

  bool operator==(const PeerAddress&) const = default;
};

// "10.0.0.2 peer 10.0.0.1/32 dev pptp-office"
std::string describe(const PeerAddress& a);

wire::Result<Applied> add_peer_address(RtnlSocket& rtnl, const PeerAddress& a);

// The address or the whole interface being gone already is success.
wire::Result<Removed> remove_peer_address(RtnlSocket& rtnl, const PeerAddress& a);

}  // namespace netlink
