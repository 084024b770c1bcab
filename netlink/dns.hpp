#pragma once
// DNS for the tunnel, with exact undo. systemd-resolved when it runs (per-link
// servers; for a full tunnel all domains), otherwise /etc/resolv.conf
// rewritten with a byte-exact backup. The record says which, so undo works
// from a fresh process.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

enum class DnsBackend { Resolved, ResolvConf };
std::string_view to_string(DnsBackend b);

struct DnsOptions {
  std::string resolv_conf = "/etc/resolv.conf";
  std::string run_dir = "/run/pptpctl";
  std::string backup;       // empty: <run_dir>/resolv.conf.<ifname>.json
  std::string bus_address;  // empty: the system bus (tests point this nowhere)
};

struct DnsRecord {
  DnsBackend backend = DnsBackend::ResolvConf;
  std::string ifname;
  int ifindex = 0;
  std::string resolv_conf;  // ResolvConf only
  std::string backup;       // ResolvConf only
  std::string bus_address;  // Resolved only; empty is the system bus

  bool operator==(const DnsRecord&) const = default;
};

struct DnsApplied {
  DnsRecord record;
  std::string description;  // "dns 10.0.0.53 for pptp-office via systemd-resolved (all domains)"
};

wire::Result<DnsApplied> dns_apply(const std::string& ifname, int ifindex, const std::vector<wire::Ipv4>& servers,
                                   bool full_tunnel, const DnsOptions& options = {});

// Returns what it did, e.g. "restored /etc/resolv.conf".
wire::Result<std::string> dns_undo(const DnsRecord& record);

nlohmann::json to_json(const DnsRecord& r);
wire::Result<DnsRecord> dns_record_from_json(const nlohmann::json& j);

}  // namespace netlink
