#pragma once
// DNS for the tunnel, with exact undo. Backends, in this order:
// systemd-resolved when it runs (per-link servers; "~." and DefaultRoute for
// a full tunnel; the profile's domains as routing domains), resolvconf when
// it is on PATH (an interface record named after the tunnel), else
// /etc/resolv.conf rewritten from a shared state on persistent storage (see
// resolv_conf.hpp). The record says which, so undo works from a fresh process.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

enum class DnsBackend { Resolved, Resolvconf, ResolvConf };
// "systemd-resolved", "resolvconf", "resolv.conf"
std::string_view to_string(DnsBackend b);

inline constexpr const char* kDefaultStateDir = "/var/lib/pptpctl";

struct DnsOptions {
  std::string resolv_conf = "/etc/resolv.conf";
  std::string state_dir = kDefaultStateDir;  // the resolv.conf backend's persistent state
  // The daemon's lock file (RUN_DIR/NAME.lock): once nobody holds it, or it is
  // gone, the tunnel's servers are taken out by whoever looks next.
  std::string owner_lock;
  std::optional<std::string> search_path;  // where to look for resolvconf; nullopt: $PATH
  std::string bus_address;                 // empty: the system bus (tests point this nowhere)
};

struct DnsRecord {
  DnsBackend backend = DnsBackend::ResolvConf;
  std::string ifname;
  int ifindex = 0;
  std::string state_dir;    // ResolvConf and Resolvconf (its crash record)
  std::string program;      // Resolvconf only: the resolvconf that took the record
  std::string bus_address;  // Resolved only; empty is the system bus

  bool operator==(const DnsRecord&) const = default;
};

struct DnsApplied {
  DnsRecord record;
  std::string description;  // "dns 10.0.0.53 for pptp-office via systemd-resolved (all domains)"
};

wire::Result<DnsApplied> dns_apply(const std::string& ifname, int ifindex, const std::vector<wire::Ipv4>& servers,
                                   bool full_tunnel, const std::vector<std::string>& domains,
                                   const DnsOptions& options = {});

// Returns what it did, e.g. "restored /etc/resolv.conf byte-exact".
wire::Result<std::string> dns_undo(const DnsRecord& record);

// After a crash or a power loss: takes out what tunnels whose daemons are
// gone left in state_dir (their servers in resolv.conf, their resolvconf
// records). One line per thing done, none when nothing was.
wire::Result<std::vector<std::string>> dns_recover(const std::string& state_dir = kDefaultStateDir);

nlohmann::json to_json(const DnsRecord& r);
wire::Result<DnsRecord> dns_record_from_json(const nlohmann::json& j);

}  // namespace netlink
