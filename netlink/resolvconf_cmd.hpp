#pragma once
// DNS through resolvconf (Debian's package or openresolv), as wg-quick does:
// `resolvconf -a IFNAME` with "nameserver" and "search" lines on stdin adds
// an interface record, `resolvconf -d IFNAME` removes it. The record is named
// after the interface: both implementations accept that, and it is the one
// name that cannot clash with another tunnel's.
#include <optional>
#include <string>
#include <vector>

#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

// The resolvconf program, found as find_program (program.hpp) finds one. A resolvconf that is systemd's resolvectl in disguise is skipped:
// it only works while systemd-resolved runs, which is checked first.
std::optional<std::string> find_resolvconf(const std::optional<std::string>& search_path);

// What goes on resolvconf's stdin.
std::string resolvconf_input(const std::vector<wire::Ipv4>& servers, const std::vector<std::string>& domains);

// The record's name for a tunnel interface: "tun." + ifname, as wg-quick
// does. Debian's resolvconf orders records by /etc/resolvconf/interface-order,
// where "tun*" comes right after loopback and anything unknown ("pptp-*")
// comes last: named after the interface alone, a full tunnel's servers would
// be asked after the LAN's, and names would leak to the LAN's resolver.
std::string resolvconf_name(const std::string& ifname);

// add/delete take the interface name and use resolvconf_name() of it.
wire::Result<wire::Unit> resolvconf_add(const std::string& program, const std::string& ifname, const std::string& input);
wire::Result<wire::Unit> resolvconf_delete(const std::string& program, const std::string& ifname);

}  // namespace netlink
