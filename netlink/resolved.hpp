#pragma once
// DNS through systemd-resolved's D-Bus API (org.freedesktop.resolve1.Manager):
// per-link servers; for a full tunnel the routing domain "~." plus
// DefaultRoute, so every query goes to the tunnel's servers; the profile's
// dns.domains as routing domains "~corp.example", so a split tunnel gets
// exactly those names. RevertLink drops all of it again. No file is touched.
#include <string>
#include <utility>
#include <vector>

#include "netlink/applied.hpp"
#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

// bus_address empty: the system bus. True only if the bus answers and
// org.freedesktop.resolve1 has an owner; a missing bus is false, not an error.
bool resolved_running(const std::string& bus_address);

// SetLinkDomains' argument: (name, routing-only) pairs. "." stands for "~.".
std::vector<std::pair<std::string, bool>> resolved_domains(bool full_tunnel, const std::vector<std::string>& domains);

wire::Result<wire::Unit> resolved_apply(const std::string& bus_address, int ifindex, const std::string& ifname,
                                        const std::vector<wire::Ipv4>& servers, bool full_tunnel,
                                        const std::vector<std::string>& domains = {});

// An interface resolved no longer knows (it went away) is AlreadyGone.
wire::Result<Removed> resolved_revert(const std::string& bus_address, int ifindex, const std::string& ifname);

}  // namespace netlink
