#pragma once
// DNS without systemd-resolved: rewrite /etc/resolv.conf with our servers
// first, and put back the exact original when the tunnel goes down.
//
// The backup file (JSON) holds everything undo needs, so `pptpctl down` in a
// fresh process can restore: whether the original existed, was a symlink (and
// its target), its mode, its bytes, and the bytes we wrote. Undo restores only
// if the file still holds what we wrote; if someone else changed it since,
// theirs is newer than our backup and stays.
#include <string>
#include <vector>

#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

// The new file: a header naming the backup, our nameservers, then the
// original's lines verbatim (search, options, comments). With a full tunnel
// the original nameserver lines are dropped, so no query leaks past the
// tunnel on a timeout; with a split tunnel they follow ours as fallbacks.
std::string compose_resolv_conf(const std::string& original, const std::string& ifname,
                                const std::vector<wire::Ipv4>& servers, bool full_tunnel, const std::string& backup_path);

// Returns a description such as "nameservers 10.0.0.53 written to
// /etc/resolv.conf (previous file saved in /run/pptpctl/...)".
wire::Result<std::string> resolv_conf_apply(const std::string& path, const std::string& backup_path,
                                            const std::string& ifname, const std::vector<wire::Ipv4>& servers,
                                            bool full_tunnel);

// Returns what it did: restored, nothing to restore, or left alone because
// the file changed since (and why). Removes the backup in every case but an
// error.
wire::Result<std::string> resolv_conf_restore(const std::string& path, const std::string& backup_path);

}  // namespace netlink
