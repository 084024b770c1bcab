#pragma once
// One nftables set element taken out, straight over NETLINK_NETFILTER
// (libmnl), without running nft: the guard opens CCP's negotiation to the
// server while PPP negotiates and closes it the moment MPPE is up
// (tunnel_table.hpp). Spawning nft costs a second or more under emulation;
// this costs one batch and its ACK.
#include <string>

#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

// Deletes element `addr` from set `set` of table `table` (family ip). A
// missing element is not an error (ENOENT): it is out either way.
wire::Result<wire::Unit> nft_delete_ipv4_element(const std::string& table, const std::string& set,
                                                 const wire::Ipv4& addr);

}  // namespace netlink
