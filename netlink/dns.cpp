#include "netlink/dns.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "netlink/file_io.hpp"
#include "netlink/resolv_conf.hpp"
#include "netlink/resolvconf_cmd.hpp"
#include "netlink/resolved.hpp"

namespace netlink {

namespace {

std::string join(const std::vector<std::string>& words, const char* sep) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : sep) + w;
  return s;
}

std::string join_servers(const std::vector<wire::Ipv4>& servers) {
  std::vector<std::string> words;
  for (const wire::Ipv4& a : servers) words.push_back(to_string(a));
  return join(words, " ");
}

// The record names a program run as root: only an absolute path to a file
// called resolvconf.
bool plausible_resolvconf(const std::string& program) {
  return !program.empty() && program.front() == '/' && program.ends_with("/resolvconf");
}

// A resolvconf record outlives the daemon that made it (until a reboot wipes
// /run/resolvconf), so a copy of what undoes it is kept beside the
// resolv.conf state: STATE_DIR/resolvconf.IFNAME.json.
std::string resolvconf_record(const std::string& state_dir, const std::string& ifname) {
  return state_dir + "/resolvconf." + ifname + ".json";
}

wire::Result<wire::Unit> save_resolvconf_record(const std::string& state_dir, const std::string& ifname,
                                                const std::string& program, const std::string& owner_lock) {
  if (auto r = ensure_private_dir(state_dir); !r) return r.error();
  const nlohmann::json j{{"ifname", ifname}, {"program", program}, {"owner_lock", owner_lock}};
  return replace_file(resolvconf_record(state_dir, ifname), j.dump() + "\n", 0600);
}

wire::Result<std::vector<std::string>> recover_resolvconf(const std::string& state_dir) {
  std::vector<std::string> lines;
  std::vector<std::string> files;
  if (DIR* d = ::opendir(state_dir.c_str())) {
    while (auto* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.starts_with("resolvconf.") && n.ends_with(".json")) files.push_back(state_dir + "/" + n);
    }
    ::closedir(d);
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = read_whole_file(f);
    if (!text) return text.error();
    if (!*text) continue;
    const auto j = nlohmann::json::parse(**text, nullptr, false);
    std::string ifname, program, owner;
    if (j.is_object()) {
      ifname = j.value("ifname", std::string{});
      program = j.value("program", std::string{});
      owner = j.value("owner_lock", std::string{});
    }
    if (ifname.empty() || !plausible_resolvconf(program)) {
      return wire::Error::fatal("cannot use the resolvconf record " + f + ": it is not one pptpctl wrote");
    }
    if (owner.empty() || owner_alive(owner)) continue;
    auto r = resolvconf_delete(program, ifname);
    // The record goes either way: its tunnel is dead, and a resolvconf that
    // refuses now (openresolv without the record after a reboot) will not
    // agree later either; the line says what happened.
    ::unlink(f.c_str());
    lines.push_back("the daemon of " + ifname + " is gone (crash or reboot): " +
                    (r ? "dns record " + resolvconf_name(ifname) + " removed with " + program + " -d " + resolvconf_name(ifname) : r.error().reason));
  }
  return lines;
}

}  // namespace

std::string_view to_string(DnsBackend b) {
  switch (b) {
    case DnsBackend::Resolved:
      return "systemd-resolved";
    case DnsBackend::Resolvconf:
      return "resolvconf";
    case DnsBackend::ResolvConf:
      return "resolv.conf";
  }
  return "unknown";
}

wire::Result<DnsApplied> dns_apply(const std::string& ifname, int ifindex, const std::vector<wire::Ipv4>& servers,
                                   bool full_tunnel, const std::vector<std::string>& domains,
                                   const DnsOptions& options) {
  DnsApplied out;
  out.record.ifname = ifname;
  out.record.ifindex = ifindex;
  if (resolved_running(options.bus_address)) {
    auto r = resolved_apply(options.bus_address, ifindex, ifname, servers, full_tunnel, domains);
    if (!r) return r.error();
    out.record.backend = DnsBackend::Resolved;
    out.record.bus_address = options.bus_address;
    std::vector<std::string> routing;
    for (const auto& [name, route_only] : resolved_domains(full_tunnel, domains)) routing.push_back("~" + name);
    out.description = "dns " + join_servers(servers) + " for " + ifname + " via systemd-resolved" +
                      (routing.empty() ? "" : " (routing domains " + join(routing, " ") + ")");
    return out;
  }
  if (auto program = find_resolvconf(options.search_path)) {
    const std::string what = "cannot set DNS servers for " + ifname + ": ";
    if (servers.empty()) return wire::Error::fatal(what + "no servers to set");
    // Recorded before it is done, so a crash in between still undoes it.
    if (auto saved = save_resolvconf_record(options.state_dir, ifname, *program, options.owner_lock); !saved) {
      return wire::Error::fatal(what + saved.error().reason);
    }
    auto r = resolvconf_add(*program, ifname, resolvconf_input(servers, domains));
    if (!r) {
      ::unlink(resolvconf_record(options.state_dir, ifname).c_str());
      return wire::Error::fatal(what + r.error().reason);
    }
    out.record.backend = DnsBackend::Resolvconf;
    out.record.program = *program;
    out.record.state_dir = options.state_dir;
    out.description = "dns " + join_servers(servers) + " for " + ifname + " via " + *program + " -a " + resolvconf_name(ifname) +
                      (domains.empty() ? "" : " (search " + join(domains, " ") + ")");
    return out;
  }
  out.record.backend = DnsBackend::ResolvConf;
  out.record.state_dir = options.state_dir;
  ResolvConfTunnel t{ifname, servers, domains, full_tunnel, options.owner_lock};
  auto r = resolv_conf_apply(options.resolv_conf, options.state_dir, t);
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
    case DnsBackend::Resolvconf: {
      // Crash recovery (dns_recover, run before every command) removes the
      // record of a dead daemon and its copy here; `down` then undoes the
      // same step from the crash record. A second -d would fail under
      // openresolv (no such record) and keep the crash record for ever.
      if (!record.state_dir.empty() && ::access(resolvconf_record(record.state_dir, record.ifname).c_str(), F_OK) != 0 &&
          errno == ENOENT) {
        return "dns record " + resolvconf_name(record.ifname) + " already removed";
      }
      auto r = resolvconf_delete(record.program, record.ifname);
      if (!r) return wire::Error::fatal("cannot take the DNS servers of " + record.ifname + " back: " + r.error().reason);
      if (!record.state_dir.empty()) ::unlink(resolvconf_record(record.state_dir, record.ifname).c_str());
      return "dns record " + resolvconf_name(record.ifname) + " removed with " + record.program + " -d " +
             resolvconf_name(record.ifname);
    }
    case DnsBackend::ResolvConf:
      return resolv_conf_remove(record.state_dir, record.ifname);
  }
  return wire::Error::fatal("cannot undo DNS settings: unknown backend");
}

wire::Result<std::vector<std::string>> dns_recover(const std::string& state_dir) {
  auto lines = resolv_conf_recover(state_dir);
  if (!lines) return lines.error();
  auto more = recover_resolvconf(state_dir);
  if (!more) return more.error();
  lines->insert(lines->end(), more->begin(), more->end());
  return lines;
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
    case DnsBackend::Resolvconf:
      j["program"] = r.program;
      if (!r.state_dir.empty()) j["state_dir"] = r.state_dir;
      break;
    case DnsBackend::ResolvConf:
      j["state_dir"] = r.state_dir;
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
    } else if (backend == to_string(DnsBackend::Resolvconf)) {
      r.backend = DnsBackend::Resolvconf;
      r.program = j.at("program").get<std::string>();
      r.state_dir = j.value("state_dir", std::string{});
      if (!plausible_resolvconf(r.program)) {
        return wire::Error::fatal(bad + "\"" + r.program + "\" is not a resolvconf program");
      }
    } else if (backend == to_string(DnsBackend::ResolvConf)) {
      r.backend = DnsBackend::ResolvConf;
      r.state_dir = j.at("state_dir").get<std::string>();
    } else {
      return wire::Error::fatal(bad + "unknown backend \"" + backend + "\"");
    }
    return r;
  } catch (const nlohmann::json::exception&) {
    return wire::Error::fatal(bad + "a field is missing or has the wrong type");
  }
}

}  // namespace netlink
