#pragma once
// IPv6 `unreachable` routes in the main table, with our protocol number, so
// that a full IPv4 tunnel does not leak IPv6 around it: PPTP carries IPv4
// only, and without these an off-link IPv6 destination is still reached over
// the physical link, in clear. ::/1 and 8000::/1 are more specific than any
// default route (so they win without touching it) and less specific than the
// on-link /64 and fe80::/64 (so the local LAN stays reachable).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "netlink/applied.hpp"
#include "netlink/rtnl_socket.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct Ipv6Prefix {
  std::array<std::uint8_t, 16> addr{};
  std::uint8_t len = 128;  // 0..128
  bool operator==(const Ipv6Prefix&) const = default;
};

std::string to_string(const Ipv6Prefix& p);  // "8000::/1", always with the length
// "addr/len", len 0..128, host bits zero; nullopt otherwise.
std::optional<Ipv6Prefix> parse_ipv6_prefix(std::string_view text);

// The two halves of IPv6: ::/1 and 8000::/1.
inline constexpr Ipv6Prefix kIpv6LowHalf{{}, 1};
inline constexpr Ipv6Prefix kIpv6HighHalf{{0x80}, 1};

// The metric of the IPv6 block routes. Low, so that a ::/1 someone else adds
// at the kernel's default 1024 cannot win over ours; no tunnel route of ours
// competes with them (the tunnel carries no IPv6).
inline constexpr std::uint32_t kIpv6BlockMetric = 1;

// What an add did: as Applied, plus "this kernel has no IPv6" (EAFNOSUPPORT:
// built without it or booted with ipv6.disable=1), or IPv6 switched off on
// every interface (net.ipv6.conf.*.disable_ipv6): nothing can leak, so
// nothing to block.
enum class Applied6 { Added, AlreadyPresent, NoIpv6 };

// Maps the kernel's answer to an RTM_NEWROUTE for an IPv6 block route:
// 0 -> Added, EAFNOSUPPORT -> NoIpv6, EACCES (the kernel's "IPv6 is disabled
// on nexthop device", lo) -> NoIpv6 only when `ipv6_disabled_everywhere`,
// EEXIST -> nullopt (the caller looks at what is there), anything else ->
// an error naming `what` and `reason`.
wire::Result<std::optional<Applied6>> classify_add6(int err, bool ipv6_disabled_everywhere, const std::string& what,
                                                    const std::string& reason);

// True when /proc/sys/net/ipv6/conf has no interface with disable_ipv6 = 0
// (or is missing altogether), in the caller's network namespace.
bool ipv6_disabled_everywhere();

// `unreachable DST metric METRIC proto 80`. One with the same destination
// and metric of the same type is AlreadyPresent (not ours to remove later);
// another route there is an error naming it.
wire::Result<Applied6> add_unreachable6(RtnlSocket& rtnl, const Ipv6Prefix& dst, std::uint32_t metric);

// Only ours (kRouteProtocol) is removed. Already gone, or no IPv6 at all, is
// AlreadyGone.
wire::Result<Removed> remove_unreachable6(RtnlSocket& rtnl, const Ipv6Prefix& dst, std::uint32_t metric);

// As `ip -6 route` prints it: "unreachable ::/1 metric 1".
std::string describe_unreachable6(const Ipv6Prefix& dst, std::uint32_t metric);

}  // namespace netlink
