#include "netlink/dns.hpp"

#include "netlink/resolv_conf.hpp"
#include "netlink/resolved.hpp"

namespace netlink {

namespace {

std::string join_servers(const std::vector<wire::Ipv4>& servers) {
  std::string s;
  for (const wire::Ipv4& a : servers) s += (s.empty() ? "" : " ") + to_string(a);
  return s;
}

}  // namespace

std::string_view to_string(DnsBackend b) {
  switch (b) {
    case DnsBackend::Resolved:
      return "systemd-resolved";
    case DnsBackend::ResolvConf:
      return "resolv.conf";
  }
  return "unknown";
}

wire::Result<DnsApplied> dns_apply(const std::string& ifname, int ifindex, const std::vector<wire::Ipv4>& servers,
                                   bool full_tunnel, const DnsOptions& options) {
  DnsApplied out;
  out.record.ifname = ifname;
  out.record.ifindex = ifindex;
  if (resolved_running(options.bus_address)) {
    auto r = resolved_apply(options.bus_address, ifindex, ifname, servers, full_tunnel);
    if (!r) return r.error();
    out.record.backend = DnsBackend::Resolved;
    out.record.bus_address = options.bus_address;
    out.description = "dns " + join_servers(servers) + " for " + ifname + " via systemd-resolved" +
                      (full_tunnel ? " (all domains)" : "");
    return out;
  }
  out.record.backend = DnsBackend::ResolvConf;
  out.record.resolv_conf = options.resolv_conf;
  out.record.backup =
      options.backup.empty() ? options.run_dir + "/resolv.conf." + ifname + ".json" : options.backup;
  auto r = resolv_conf_apply(out.record.resolv_conf, out.record.backup, ifname, servers, full_tunnel);
  if (!r) return r.error();
  out.description = "dns " + *r;
  return out;
}

wire::Result<std::string> dns_undo(const DnsRecord& record) {
  switch (record.backend) {
    case DnsBackend::Resolved: {
      auto r = resolved_revert(record.bus_address, record.ifindex, record.ifname);
      if (!r) return r.error();
      switch (*r) {
        case Removed::Removed:
          return "dns settings of " + record.ifname + " reverted in systemd-resolved";
        case Removed::AlreadyGone:
          return "dns settings of " + record.ifname + " already gone from systemd-resolved";
      }
      return std::string{};
    }
    case DnsBackend::ResolvConf:
      return resolv_conf_restore(record.resolv_conf, record.backup);
  }
  return wire::Error::fatal("cannot undo DNS settings: unknown backend");
}

nlohmann::json to_json(const DnsRecord& r) {
  nlohmann::json j;
  j["backend"] = std::string(to_string(r.backend));
  j["ifname"] = r.ifname;
  j["ifindex"] = r.ifindex;
  switch (r.backend) {
    case DnsBackend::Resolved:
      if (!r.bus_address.empty()) j["bus_address"] = r.bus_address;
      break;
    case DnsBackend::ResolvConf:
      j["resolv_conf"] = r.resolv_conf;
      j["backup"] = r.backup;
      break;
  }
  return j;
}

wire::Result<DnsRecord> dns_record_from_json(const nlohmann::json& j) {
  const std::string bad = "cannot read the DNS record: ";
  if (!j.is_object()) return wire::Error::fatal(bad + "it is not an object");
  try {
    DnsRecord r;
    const auto backend = j.at("backend").get<std::string>();
    r.ifname = j.at("ifname").get<std::string>();
    r.ifindex = j.at("ifindex").get<int>();
    if (backend == to_string(DnsBackend::Resolved)) {
      r.backend = DnsBackend::Resolved;
      r.bus_address = j.value("bus_address", std::string{});
    } else if (backend == to_string(DnsBackend::ResolvConf)) {
      r.backend = DnsBackend::ResolvConf;
      r.resolv_conf = j.at("resolv_conf").get<std::string>();
      r.backup = j.at("backup").get<std::string>();
    } else {
      return wire::Error::fatal(bad + "unknown backend \"" + backend + "\"");
    }
    return r;
  } catch (const nlohmann::json::exception&) {
    return wire::Error::fatal(bad + "a field is missing or has the wrong type");
  }
}

}  // namespace netlink
