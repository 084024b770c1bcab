#include "daemon/network.hpp"

#include <unistd.h>

#include <cstdlib>
#include <future>

#include "daemon/ipc.hpp"
#include "daemon/run_dir.hpp"
#include "netlink/file_io.hpp"
#include "netlink/changes.hpp"
#include "netlink/link.hpp"
#include "netlink/route_lookup.hpp"

namespace pptpctl {

struct NetworkSetup::State {
  netlink::Changes hold;  // pin and block routes: across redials
  netlink::Changes link;  // this link's address, routes, DNS
  std::string record;     // where the record survives a crash of the daemon
  std::optional<netlink::DnsBackend> dns_backend;  // where this link's DNS went
  std::optional<wire::Ipv4> pinned;  // the server address the hold pins (its path: hold.pinned_path())
  bool blocked = false;
  bool ipv6_blocked = false;  // the hold has the IPv6 block (or there is no IPv6)
  // prepare_table(): what it is installing, and the install's outcome.
  std::optional<netlink::TunnelTable> prepared;
  std::future<wire::Result<std::string>> preparing;
};

NetworkSetup::NetworkSetup() : state_(std::make_unique<State>()) {}
NetworkSetup::~NetworkSetup() = default;

std::string NetworkSetup::dns_backend() const {
  return state_->dns_backend ? std::string(netlink::to_string(*state_->dns_backend)) : std::string();
}

namespace {

// Each tunnel's block routes get metrics of their own: two tunnels that
// both block IPv6 (or the same network) would otherwise share one kernel
// route that only the first recorded, and the first `down` would take it
// from under the other. An offset from the profile's name (FNV-1a)
// is stable across daemons, so a crash record still names the route exactly.
std::uint32_t metric_offset(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  // Below 500: the IPv6 block (1 + offset) stays under the kernel's default
  // 1024, so it beats an ordinary ::/1 someone else adds.
  return h % 500;
}

// Everything the tunnel carries, as prefixes: the two halves of a default
// route, and the profile's networks.
std::vector<wire::Ipv4Prefix> carried(const config::Profile& profile) {
  std::vector<wire::Ipv4Prefix> out;
  if (profile.default_route) {
    out.push_back({{0, 0, 0, 0}, 1});
    out.push_back({{128, 0, 0, 0}, 1});
  }
  for (const auto& r : profile.routes) out.push_back(r);
  return out;
}

// The resolv.conf backend's state outlives /run: /var/lib/pptpctl, or
// PPTPCTL_STATE_DIR (as PPTPCTL_RUN_DIR moves the run directory).
std::string state_dir() {
  const char* env = std::getenv("PPTPCTL_STATE_DIR");
  return env != nullptr && *env != '\0' ? env : netlink::kDefaultStateDir;
}

netlink::DnsOptions dns_options(const config::Profile& profile) {
  netlink::DnsOptions o;
  o.state_dir = state_dir();
  // The daemon holds this lock for its whole life (lock_profile()).
  o.owner_lock = run_dir() + "/" + profile.name + ".lock";
  return o;
}

}  // namespace

bool tunnel_covers(const config::Profile& profile, const wire::Ipv4& server, const std::optional<wire::Ipv4>& peer) {
  // The point-to-point address brings the kernel's own route to the peer's
  // /32 through the tunnel: when the server is its own tunnel peer (pptpd's
  // localip set to its public address), that route would take GRE with it.
  if (peer == server) return true;
  for (const auto& p : carried(profile))
    if (wire::covers(p, server)) return true;
  return false;
}

void NetworkSetup::save() const {
  if (state_->record.empty()) return;
  // One record, hold first: undo walks it backwards, so the link goes first.
  auto j = state_->hold.to_json();
  // Named: a range-for over a member of a temporary (to_json().at(...))
  // would walk a destroyed object, and the record lost the link's steps.
  const auto link = state_->link.to_json();
  for (const auto& step : link.at("steps")) j["steps"].push_back(step);
  // Never through a symlink (run_dir.hpp); a failed write leaves the last
  // record, which undoes less but nothing wrong.
  [[maybe_unused]] auto written = write_state_file(state_->record, j.dump() + "\n");
}

wire::Result<ServerPath> NetworkSetup::path_to(const wire::Ipv4& server, int tunnel_ifindex) const {
  auto rtnl = netlink::RtnlSocket::open();
  if (!rtnl) return rtnl.error();
  auto path = netlink::path_outside(*rtnl, server, tunnel_ifindex);
  if (!path) return path.error();
  return ServerPath{path->gateway, path->ifindex};
}

pptp::PathMtu NetworkSetup::path_mtu(const wire::Ipv4& server, int tunnel_ifindex) const {
  pptp::PathMtu out;
  auto rtnl = netlink::RtnlSocket::open();
  if (!rtnl) return out;
  int ifindex = 0;
  // The kernel's own answer carries a learned path MTU (RTA_METRICS).
  if (auto r = netlink::lookup_route(*rtnl, server); r && r->ifindex != tunnel_ifindex) {
    ifindex = r->ifindex;
    out.route_mtu = r->mtu;
  } else if (auto p = netlink::path_outside(*rtnl, server, tunnel_ifindex)) {
    ifindex = p->ifindex;
  }
  if (ifindex <= 0) return out;
  auto links = netlink::LinkControl::open();
  if (!links) return out;
  if (auto st = links->state(ifindex)) {
    out.device = st->name;
    out.device_mtu = st->mtu;
  }
  return out;
}

wire::Result<wire::Unit> NetworkSetup::hold_server(const config::Profile& profile, const wire::Ipv4& server,
                                                   const Say& say, const std::optional<wire::Ipv4>& peer) {
  if (!tunnel_covers(profile, server, peer)) return wire::Unit{};
  auto rtnl = netlink::RtnlSocket::open();
  if (!rtnl) return rtnl.error();
  // Outside our own routes: the block routes would answer a plain lookup.
  auto path = netlink::path_outside(*rtnl, server, 0);
  if (!path) {
    return wire::Error::fatal("cannot keep the server " + wire::to_string(server) +
                              " reachable outside the tunnel: " + path.error().reason);
  }
  const auto pinned_path = state_->hold.pinned_path();
  if (state_->pinned == server && pinned_path && netlink::same_path(*pinned_path, *path)) return wire::Unit{};
  if (state_->pinned) {
    auto gone = state_->hold.unpin_host_route();
    save();
    if (!gone) return gone.error();
    say(*gone);
    state_->pinned.reset();
  }
  // Metric 0, shared by tunnels to the same server: when the server is its
  // own tunnel peer, the kernel's route to the peer /32 has metric 0 too,
  // and only an equal metric added first keeps the pin ahead of it.
  auto line = state_->hold.pin_host_route_via(server, *path);
  save();
  if (!line) return line.error();
  say(*line);
  state_->pinned = server;
  return wire::Unit{};
}

wire::Result<wire::Unit> NetworkSetup::block(const config::Profile& profile, const Say& say) {
  if (state_->blocked) return wire::Unit{};
  for (const auto& prefix : carried(profile)) {
    auto line = state_->hold.add_block_route(prefix, netlink::kBlockMetric + metric_offset(profile.name));
    save();
    if (!line) return line.error();
    say(*line);
  }
  state_->blocked = true;
  return wire::Unit{};
}

wire::Result<wire::Unit> NetworkSetup::block_ipv6(const config::Profile& profile, const Say& say) {
  if (profile.ipv6 != config::Ipv6Mode::Block || state_->ipv6_blocked) return wire::Unit{};
  auto line = state_->hold.block_ipv6(netlink::kIpv6BlockMetric + metric_offset(profile.name));
  save();
  if (!line) return line.error();
  say(*line);
  state_->ipv6_blocked = true;
  return wire::Unit{};
}

std::optional<std::string> NetworkSetup::inject_guard_table() const { return state_->link.inject_guard_table(); }

std::optional<unsigned> NetworkSetup::clamped_mss() const { return state_->link.clamped_mss(); }

bool NetworkSetup::wants_guard(const config::Profile& profile, const TunnelAddresses& t, const Say& say) {
  // Linux accepts a clear-text IPv4 frame from the channel even while MPPE
  // runs (kernel-facts, security traps): whoever knows the call ID and the
  // sequence number could inject packets. Once MPPE runs inbound, nothing
  // the server sends may be a clear network-layer frame.
  if (!profile.inject_guard) {
    say("no injection guard: the profile sets inject_guard to false, so a forged clear-text packet with this "
        "call's ID would reach the stack");
    return false;
  }
  if (!t.rx_encrypted) {
    say("no injection guard: what the server sends is not encrypted, so a forged packet cannot be told from a real "
        "one");
    return false;
  }
  if (t.carrier_guards) {
    say("no injection guard needed: the userspace data path itself drops clear-text packets from the server (MPPE is required)");
    return false;
  }
  return true;
}

void NetworkSetup::prepare_table(const config::Profile& profile, const TunnelAddresses& t) {
  if (state_->preparing.valid()) return;
  // Only what is certain before negotiation: MPPE required means MPPE runs
  // inbound once the link is up, or there is no link.
  if (!profile.mppe.required) return;
  const bool guard = wants_guard(profile, t, [](const std::string&) {});
  const unsigned mss = profile.clamp_mss ? pptp::mss_for_mtu(t.mtu) : 0;
  if (!guard && mss == 0) return;
  if (!netlink::find_nft()) return;  // apply() says what that means
  const netlink::TunnelTable table{t.ifname, t.server, t.call_id, guard, mss, true};
  state_->link.record_tunnel_table(table);
  save();
  state_->prepared = table;
  state_->preparing = std::async(std::launch::async, [table] { return netlink::install_tunnel_table(table); });
}

std::optional<wire::Result<std::string>> NetworkSetup::collect_prepared() {
  if (!state_->preparing.valid()) return std::nullopt;
  auto r = state_->preparing.get();
  return r;
}

wire::Result<wire::Unit> NetworkSetup::table(const config::Profile& profile, const TunnelAddresses& t, const Say& say) {
  const bool guard = wants_guard(profile, t, say);
  const unsigned mss = profile.clamp_mss ? pptp::mss_for_mtu(t.mtu) : 0;
  if (!profile.clamp_mss) say("no TCP MSS clamping: the profile sets clamp_mss to false");
  const netlink::TunnelTable wish{t.ifname, t.server, t.call_id, guard, mss};
  if (auto early = collect_prepared()) {
    const auto opened = *state_->prepared;
    state_->prepared.reset();
    auto closed_form = opened;
    closed_form.negotiating = false;
    if (*early && closed_form == wish) {
      // MPPE is up: CCP's negotiation closes before any IP passes.
      auto closed = netlink::close_negotiation(opened);
      if (!closed) {
        return wire::Error::fatal("cannot finish the injection guard of " + t.ifname + ": " + closed.error().reason);
      }
      state_->link.update_tunnel_table(closed_form);
      save();
      say(**early);
      return wire::Unit{};
    }
    // Installed as guessed but not as wanted now (or it failed): install
    // what is wanted in its place, or take it away when nothing is.
    if (!guard && mss == 0) {
      state_->link.undo_tunnel_table();
      save();
      return wire::Unit{};
    }
    auto line = state_->link.replace_tunnel_table(wish);
    save();
    if (!line) {
      return wire::Error::fatal("cannot set up the nftables table of " + t.ifname + ": " + line.error().reason);
    }
    say(*line);
    return wire::Unit{};
  }
  if (!guard && mss == 0) return wire::Unit{};
  auto nft = netlink::find_nft();
  if (!nft && guard) {
    return wire::Error::fatal("cannot guard " + t.ifname + " against injected clear-text packets: " +
                              nft.error().reason + "; install nftables, or set \"inject_guard\": false in " +
                              "the profile to go without");
  }
  if (!nft) {
    // The clamp is a convenience, the guard a guarantee: without nft the
    // tunnel still comes up, and TCP falls back on path MTU discovery.
    say("WARNING: no TCP MSS clamping on " + t.ifname + ": " + nft.error().reason +
        "; TCP through the tunnel relies on ICMP (set \"clamp_mss\": false to silence this)");
    return wire::Unit{};
  }
  auto line = state_->link.add_tunnel_table({t.ifname, t.server, t.call_id, guard, mss});
  save();
  if (!line) {
    return wire::Error::fatal("cannot set up the nftables table of " + t.ifname + ": " + line.error().reason);
  }
  say(*line);
  return wire::Unit{};
}

wire::Result<wire::Unit> NetworkSetup::apply(const config::Profile& profile, const TunnelAddresses& t,
                                             const Say& say) {
  // In the hold, before any IPv4 route points into the tunnel: from then on
  // until `down`, across redials, IPv6 cannot go around it.
  if (auto r = block_ipv6(profile, say); !r) return r.error();
  // Before the address: its peer route must not be the one to the server.
  // The kernel appends its own route after ours, so the pin keeps winning.
  if (t.peer == t.server) {
    if (auto r = hold_server(profile, t.server, say, t.peer); !r) return r.error();
  }
  if (auto g = table(profile, t, say); !g) return g.error();
  auto links = netlink::LinkControl::open();
  if (!links) return links.error();
  if (auto r = links->set_mtu(t.ifindex, t.mtu); !r) return r.error();
  say("mtu " + std::to_string(t.mtu) + " on " + t.ifname + (t.mtu_how.empty() ? "" : " (" + t.mtu_how + ")"));

  auto& c = state_->link;
  // Each step is recorded (and saved) before the next, so a crash part-way
  // still leaves `pptpctl down` a full list of what to take back.
  auto step = [&](wire::Result<std::string> line) -> bool {
    save();
    if (line) say(*line);
    return line.ok();
  };
  auto failed = [](const wire::Result<std::string>& r) { return wire::Result<wire::Unit>(r.error()); };

  if (auto r = c.apply_address(t.ifname, t.local, t.peer); !step(r)) return failed(r);
  if (auto r = links->set_up(t.ifindex, true); !r) return r.error();
  say("link " + t.ifname + " up");
  // The server's /32 is in the hold already (hold_server, before dialling),
  // so these may cover it.
  if (profile.default_route) {
    if (auto r = c.add_default_route(t.ifname); !step(r)) return failed(r);
  }
  for (const auto& route : profile.routes) {
    if (auto r = c.add_route(t.ifname, route); !step(r)) return failed(r);
  }
  if (profile.dns.use_peer && !t.dns.empty()) {
    // With block_while_down the DNS settings are part of the hold: between
    // two links the tunnel's servers stay in resolv.conf (or resolvconf),
    // unreachable like everything else the tunnel carries, rather than
    // lookups going to the LAN's resolver in clear. systemd-resolved's
    // per-link settings go with the link whatever we do.
    auto& dns_owner = profile.block_while_down ? state_->hold : c;
    auto r = dns_owner.apply_dns(t.ifname, t.dns, profile.default_route, profile.dns.domains, dns_options(profile));
    save();
    if (!r) return r.error();
    say(r->description);
    state_->dns_backend = r->record.backend;
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> NetworkSetup::lower_mtu(int ifindex, const std::string& ifname, unsigned mtu,
                                                 const Say& say) {
  auto links = netlink::LinkControl::open();
  if (!links) return links.error();
  if (auto r = links->set_mtu(ifindex, mtu); !r) return r.error();
  say("mtu " + std::to_string(mtu) + " on " + ifname);
  auto r = state_->link.reclamp(pptp::mss_for_mtu(mtu));
  save();
  if (!r) return r.error();
  if (*r) say(**r);
  return wire::Unit{};
}

void NetworkSetup::undo_link(const Say& say) {
  // A table still being installed in the background must be there before
  // undo removes it, or it would be left behind.
  if (auto early = collect_prepared(); early && !*early) say("nftables: " + early->error().reason);
  state_->prepared.reset();
  auto report = state_->link.undo();
  for (const auto& line : report.done) say("undo: " + line);
  for (const auto& line : report.failed) say("undo failed: " + line);
  state_->dns_backend.reset();
  save();
}

void NetworkSetup::undo(const Say& say) {
  undo_link(say);
  auto report = state_->hold.undo();
  for (const auto& line : report.done) say("undo: " + line);
  for (const auto& line : report.failed) say("undo failed: " + line);
  state_->pinned.reset();
  state_->blocked = false;
  state_->ipv6_blocked = false;
  if (state_->hold.empty() && state_->link.empty()) {
    if (!state_->record.empty()) ::unlink(state_->record.c_str());
  } else {
    save();
  }
}

void NetworkSetup::set_record_path(std::string path) { state_->record = std::move(path); }

wire::Result<std::vector<std::string>> NetworkSetup::undo_record(const std::string& path) {
  auto text = netlink::read_whole_file(path, netlink::ReadFrom::OwnRegularFile);
  if (!text) return text.error();
  if (!*text) return std::vector<std::string>{};
  nlohmann::json j = nlohmann::json::parse(**text, nullptr, false);
  if (j.is_discarded()) return wire::Error::fatal("the record " + path + " is not JSON");
  auto c = netlink::Changes::from_json(j);
  if (!c) return c.error();
  auto report = c->undo();
  if (!report.ok()) return wire::Error::fatal(report.failed.front());
  ::unlink(path.c_str());
  return report.done;
}

wire::Result<std::vector<std::string>> NetworkSetup::recover_dns() { return netlink::dns_recover(state_dir()); }

}  // namespace pptpctl
