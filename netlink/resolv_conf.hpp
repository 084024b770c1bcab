#pragma once
// DNS without systemd-resolved or resolvconf: /etc/resolv.conf rewritten, and
// put back byte-exact when the last tunnel goes down.
//
// One shared state for all tunnels, on persistent storage (STATE_DIR, by
// default /var/lib/pptpctl, 0700 root, not a symlink), under an flock: the
// original file's bytes, what pptpctl last wrote, and each live tunnel's
// servers. The file is always rebuilt from those, so whichever tunnel goes
// down first, the others' servers stay, and the last one out restores the
// original. The state is saved (fsync'd) before the file is written, so a
// crash or power loss at any point leaves enough to restore.
//
// A symlinked /etc/resolv.conf (resolvconf, systemd-resolved, NetworkManager)
// stays a symlink: its final target is written in place, and restored there.
// If someone else changed the file since pptpctl wrote it, theirs is newer
// than the saved original and is never overwritten.
//
// Each tunnel names its daemon's lock file (RUN_DIR/NAME.lock, held by the
// daemon for its whole life). A tunnel whose lock nobody holds, or whose lock
// file is gone (a reboot wipes /run), is dead: resolv_conf_recover() takes its
// servers out.
#include <string>
#include <vector>

#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct ResolvConfTunnel {
  std::string ifname;
  std::vector<wire::Ipv4> servers;
  std::vector<std::string> domains;  // search domains
  bool full_tunnel = false;
  std::string owner_lock;  // empty: never counted as dead

  bool operator==(const ResolvConfTunnel&) const = default;
};

// The file for `tunnels` (newest first) over `original`: a header, every
// tunnel's nameservers, then the original's lines verbatim. With a full tunnel
// among them the original nameserver lines are dropped, so no query leaks
// past the tunnel on a timeout; otherwise they follow ours as fallbacks (glibc
// reads the first three). With search domains, one "search" line holds ours,
// then the original's (the last search/domain line wins in glibc, so the
// original's own lines are dropped).
std::string compose_resolv_conf(const std::string& original, const std::vector<ResolvConfTunnel>& tunnels,
                                const std::string& state_path);

// Adds (or replaces) one tunnel's servers. Returns a description such as
// "nameserver 10.0.0.53 written to /etc/resolv.conf (original kept in
// /var/lib/pptpctl/resolv.conf.json)".
wire::Result<std::string> resolv_conf_apply(const std::string& path, const std::string& state_dir,
                                            const ResolvConfTunnel& tunnel);

// Takes one tunnel's servers out (and any dead tunnel's). Returns what it did:
// rebuilt for the others, restored byte-exact, left alone because someone
// else changed the file, or nothing to do.
wire::Result<std::string> resolv_conf_remove(const std::string& state_dir, const std::string& ifname);

// Takes out every tunnel whose daemon is gone. One line per thing done; none
// when there was nothing to do (no state, or every tunnel alive).
wire::Result<std::vector<std::string>> resolv_conf_recover(const std::string& state_dir);

// Is the lock file held by some process? Missing: no.
bool owner_alive(const std::string& lock_path);

// Where the shared state lives inside state_dir.
std::string resolv_conf_state_path(const std::string& state_dir);

}  // namespace netlink
