#include "netlink/changes.hpp"

#include <net/if.h>

#include <algorithm>
#include <iterator>

#include "netlink/route_lookup.hpp"

namespace netlink {

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

wire::Result<int> index_of(const std::string& ifname, const std::string& what) {
  const unsigned idx = if_nametoindex(ifname.c_str());
  if (idx == 0) return wire::Error::fatal("cannot " + what + ": no interface named " + ifname);
  return static_cast<int>(idx);
}

// The kernel addresses interfaces by index. If that index is gone, so is
// everything that was configured on it.
bool interface_exists(int ifindex) {
  char name[IF_NAMESIZE] = {};
  return ifindex > 0 && if_indextoname(static_cast<unsigned>(ifindex), name) != nullptr;
}

std::string ip(const nlohmann::json& j, const char* key) { return j.at(key).get<std::string>(); }

bool plain_ifname(const std::string& s) {
  if (s.empty() || s.size() >= IF_NAMESIZE) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
           ch == '-';
  });
}

wire::Ipv4 parse_or_throw(const std::string& s) {
  auto a = wire::parse_ipv4(s);
  if (!a) throw std::invalid_argument(s);
  return *a;
}

}  // namespace

wire::Result<RtnlSocket*> Changes::socket() {
  if (!rtnl_) {
    auto s = RtnlSocket::open();
    if (!s) return s.error();
    rtnl_ = std::make_unique<RtnlSocket>(std::move(*s));
  }
  return rtnl_.get();
}

std::string Changes::role_name(RouteRole role) {
  switch (role) {
    case RouteRole::Network:
      return "network";
    case RouteRole::Host:
      return "host";
    case RouteRole::Default:
      return "default";
    case RouteRole::Block:
      return "block";
  }
  return "network";
}

std::string Changes::describe_step(const Step& s) {
  return std::visit(Overloaded{
                        [](const AddressStep& a) { return "address " + describe(a.address); },
                        [](const RouteStep& r) {
                          switch (r.role) {
                            case RouteRole::Network:
                              return "route " + describe(r.route);
                            case RouteRole::Host:
                              return "host route " + describe(r.route) + " (keeps the server reachable)";
                            case RouteRole::Default:
                              return "route " + describe(r.route) + " (half of the default route)";
                            case RouteRole::Block:
                              return "route " + describe(r.route) +
                                     " (nothing leaves in clear while the tunnel is down)";
                          }
                          return "route " + describe(r.route);
                        },
                        [](const DnsStep& d) {
                          return "dns for " + d.record.ifname + " via " + std::string(to_string(d.record.backend));
                        },
                        [](const Ipv6BlockStep& b) {
                          return "IPv6 route " + describe_unreachable6(b.dst, b.metric) +
                                 " (IPv6 does not leave around the tunnel)";
                        },
                        [](const TableStep& g) {
                          std::string what = g.guard.guard ? "injection guard" : "";
                          if (g.guard.clamp_mss != 0) what += std::string(what.empty() ? "" : ", ") + "MSS clamp";
                          return "nftables table ip " + netlink::tunnel_table_name(g.guard.ifname) + " (" + what + ")";
                        },
                    },
                    s);
}

wire::Result<std::string> Changes::apply_address(const std::string& ifname, const wire::Ipv4& local, const wire::Ipv4& peer) {
  PeerAddress a{0, ifname, local, peer};
  auto idx = index_of(ifname, "add address " + describe(a));
  if (!idx) return idx.error();
  a.ifindex = *idx;
  auto rtnl = socket();
  if (!rtnl) return rtnl.error();
  auto r = add_peer_address(**rtnl, a);
  if (!r) return r.error();
  Step step = AddressStep{a};
  std::string line = describe_step(step);
  switch (*r) {
    case Applied::Added:
      steps_.push_back(std::move(step));
      return line;
    case Applied::AlreadyPresent:
      return line + " (already present)";
  }
  return line;
}

wire::Result<std::string> Changes::add_route_step(const Route& route, RouteRole role) {
  auto rtnl = socket();
  if (!rtnl) return rtnl.error();
  auto r = netlink::add_route(**rtnl, route);
  if (!r) return r.error();
  Step step = RouteStep{route, role};
  std::string line = describe_step(step);
  switch (*r) {
    case Applied::Added:
      steps_.push_back(std::move(step));
      return line;
    case Applied::AlreadyPresent:
      return line + " (already present)";
  }
  return line;
}

wire::Result<std::string> Changes::add_route(const std::string& ifname, const wire::Ipv4Prefix& dst, std::uint32_t metric) {
  Route route{dst, std::nullopt, 0, ifname, metric};
  auto idx = index_of(ifname, "add route " + describe(route));
  if (!idx) return idx.error();
  route.ifindex = *idx;
  return add_route_step(route, RouteRole::Network);
}

wire::Result<std::string> Changes::pin_host_route(const wire::Ipv4& server, const std::string& tunnel_ifname) {
  const std::string what = "cannot keep the server " + to_string(server) + " reachable outside the tunnel";
  auto rtnl = socket();
  if (!rtnl) return rtnl.error();
  auto path = lookup_route(**rtnl, server);
  if (!path) return wire::Error::fatal(what + ": " + path.error().reason);
  if (path->ifname == tunnel_ifname) {
    return wire::Error::fatal(what + ": the route to it already goes through " + tunnel_ifname);
  }
  return pin_host_route_via(server, *path);
}

wire::Result<std::string> Changes::pin_host_route_via(const wire::Ipv4& server, const RouteLookup& path,
                                                      std::uint32_t metric) {
  if (path.ifindex <= 0) {
    return wire::Error::fatal("cannot keep the server " + to_string(server) +
                              " reachable outside the tunnel: the path to it names no interface");
  }
  // onlink: the gateway is one the kernel already uses on that interface,
  // possibly through an onlink route of its own (see Route::onlink).
  Route route{{server, 32}, path.gateway, path.ifindex, path.ifname, metric, path.gateway.has_value()};
  return add_route_step(route, RouteRole::Host);
}

wire::Result<std::string> Changes::unpin_host_route() {
  auto it = std::find_if(steps_.rbegin(), steps_.rend(), is_pin);
  if (it == steps_.rend()) return std::string("no host route to the server to remove");
  auto r = undo_step(*it);
  if (!r) return r.error();
  steps_.erase(std::next(it).base());
  return *r;
}

wire::Result<std::string> Changes::add_default_route(const std::string& ifname, std::uint32_t metric) {
  Route low{{{0, 0, 0, 0}, 1}, std::nullopt, 0, ifname, metric};
  Route high{{{128, 0, 0, 0}, 1}, std::nullopt, 0, ifname, metric};
  auto idx = index_of(ifname, "add a default route via " + ifname);
  if (!idx) return idx.error();
  low.ifindex = high.ifindex = *idx;
  // If the second half fails, the first stays recorded for undo().
  auto a = add_route_step(low, RouteRole::Default);
  if (!a) return a.error();
  auto b = add_route_step(high, RouteRole::Default);
  if (!b) return b.error();
  std::string line = "default route dev " + ifname + " (as 0.0.0.0/1 and 128.0.0.0/1";
  if (metric != 0) line += ", metric " + std::to_string(metric);
  return line + ", above any existing default)";
}

bool Changes::is_pin(const Step& s) {
  const auto* r = std::get_if<RouteStep>(&s);
  return r != nullptr && r->role == RouteRole::Host;
}

std::optional<RouteLookup> Changes::pinned_path() const {
  auto it = std::find_if(steps_.rbegin(), steps_.rend(), is_pin);
  if (it == steps_.rend()) return std::nullopt;
  const Route& r = std::get<RouteStep>(*it).route;
  return RouteLookup{r.gateway, r.ifindex, r.ifname, std::nullopt};
}

wire::Result<std::string> Changes::add_block_route(const wire::Ipv4Prefix& dst, std::uint32_t metric) {
  Route route{dst, std::nullopt, 0, "", metric, false, RouteType::Unreachable};
  return add_route_step(route, RouteRole::Block);
}

wire::Result<std::string> Changes::block_ipv6(std::uint32_t metric) {
  auto rtnl = socket();
  if (!rtnl) return rtnl.error();
  std::string lines;
  for (const Ipv6Prefix& half : {kIpv6LowHalf, kIpv6HighHalf}) {
    auto r = add_unreachable6(**rtnl, half, metric);
    if (!r) return r.error();
    Step step = Ipv6BlockStep{half, metric};
    std::string line = describe_step(step);
    switch (*r) {
      case Applied6::Added:
        steps_.push_back(std::move(step));
        break;
      case Applied6::AlreadyPresent:
        line += " (already present)";
        break;
      case Applied6::NoIpv6:
        // Said once, for both halves: the first answer holds for the second.
        return std::string("IPv6: not available on this machine, nothing to block");
    }
    if (!lines.empty()) lines += "; ";
    lines += line;
  }
  return lines;
}

wire::Result<DnsApplied> Changes::apply_dns(const std::string& ifname, const std::vector<wire::Ipv4>& servers,
                                             bool full_tunnel, const std::vector<std::string>& domains,
                                             const DnsOptions& options) {
  auto idx = index_of(ifname, "set DNS servers for " + ifname);
  if (!idx) return idx.error();
  auto r = dns_apply(ifname, *idx, servers, full_tunnel, domains, options);
  if (!r) return r.error();
  // Applied again for the same interface (a redial): the new settings
  // replaced the old ones (resolv.conf and resolvconf key them by the
  // interface name, systemd-resolved's went with the old link), so the old
  // step has nothing left to undo, and the record does not grow per redial.
  std::erase_if(steps_, [&](const Step& s) {
    const auto* d = std::get_if<DnsStep>(&s);
    return d != nullptr && d->record.ifname == ifname;
  });
  steps_.push_back(DnsStep{r->record});
  return *r;
}

wire::Result<std::string> Changes::add_tunnel_table(const TunnelTable& guard, const std::string& nft) {
  auto r = install_tunnel_table(guard, nft);
  if (!r) return r.error();
  steps_.push_back(TableStep{guard, nft});
  return *r;
}

Changes::TableStep* Changes::last_table() {
  for (auto it = steps_.rbegin(); it != steps_.rend(); ++it)
    if (auto* g = std::get_if<TableStep>(&*it)) return g;
  return nullptr;
}

const Changes::TableStep* Changes::last_table() const { return const_cast<Changes*>(this)->last_table(); }

std::optional<std::string> Changes::inject_guard_table() const {
  const auto* g = last_table();
  if (g == nullptr || !g->guard.guard) return std::nullopt;
  return netlink::tunnel_table_name(g->guard.ifname);
}

void Changes::record_tunnel_table(const TunnelTable& table, const std::string& nft) {
  steps_.push_back(TableStep{table, nft});
}

wire::Result<std::string> Changes::replace_tunnel_table(const TunnelTable& table, const std::string& nft) {
  auto* g = last_table();
  if (g == nullptr) return add_tunnel_table(table, nft);
  auto r = install_tunnel_table(table, nft);
  if (!r) return r.error();
  g->guard = table;
  return *r;
}

void Changes::update_tunnel_table(const TunnelTable& table) {
  if (auto* g = last_table()) g->guard = table;
}

void Changes::undo_tunnel_table() {
  for (auto it = steps_.begin(); it != steps_.end(); ++it) {
    if (const auto* g = std::get_if<TableStep>(&*it)) {
      (void)remove_tunnel_table(tunnel_table_name(g->guard.ifname), g->nft);
      steps_.erase(it);
      return;
    }
  }
}

wire::Result<std::optional<std::string>> Changes::reclamp(unsigned mss) {
  const auto* g = last_table();
  if (g == nullptr || g->guard.clamp_mss == 0) return std::optional<std::string>();
  TunnelTable wish = g->guard;
  wish.clamp_mss = mss;
  // One transaction replaces the table: the guard never lapses.
  auto r = replace_tunnel_table(wish, g->nft);
  if (!r) return r.error();
  return std::optional<std::string>(*r);
}

std::optional<unsigned> Changes::clamped_mss() const {
  const auto* g = last_table();
  if (g == nullptr || g->guard.clamp_mss == 0) return std::nullopt;
  return g->guard.clamp_mss;
}

wire::Result<std::string> Changes::undo_step(const Step& s) {
  const std::string what = describe_step(s);
  // Addresses and routes go the same way: gone with their interface, or
  // removed, or found already gone.
  auto take_back = [&](int ifindex, const std::string& ifname, auto&& remove) -> wire::Result<std::string> {
    if (!interface_exists(ifindex)) return what + ": gone with " + ifname;
    auto rtnl = socket();
    if (!rtnl) return rtnl.error();
    wire::Result<Removed> r = remove(**rtnl);
    if (!r) return r.error();
    return *r == Removed::Removed ? "removed " + what : what + ": already gone";
  };
  return std::visit(
      Overloaded{
          [&](const AddressStep& a) -> wire::Result<std::string> {
            return take_back(a.address.ifindex, a.address.ifname,
                             [&](RtnlSocket& rtnl) { return remove_peer_address(rtnl, a.address); });
          },
          [&](const RouteStep& rs) -> wire::Result<std::string> {
            if (rs.route.type == RouteType::Unreachable) {
              // Tied to no interface: it stays until we remove it.
              auto rtnl = socket();
              if (!rtnl) return rtnl.error();
              auto r = remove_route(**rtnl, rs.route);
              if (!r) return r.error();
              return *r == Removed::Removed ? "removed " + what : what + ": already gone";
            }
            return take_back(rs.route.ifindex, rs.route.ifname,
                             [&](RtnlSocket& rtnl) { return remove_route(rtnl, rs.route); });
          },
          [&](const DnsStep& d) -> wire::Result<std::string> { return dns_undo(d.record); },
          [&](const Ipv6BlockStep& b) -> wire::Result<std::string> {
            auto rtnl = socket();
            if (!rtnl) return rtnl.error();
            auto r = remove_unreachable6(**rtnl, b.dst, b.metric);
            if (!r) return r.error();
            return *r == Removed::Removed ? "removed " + what : what + ": already gone";
          },
          [&](const TableStep& g) -> wire::Result<std::string> {
            auto r = remove_tunnel_table(netlink::tunnel_table_name(g.guard.ifname), g.nft);
            if (!r) return r.error();
            return *r == Removed::Removed ? "removed " + what : what + ": already gone";
          },
      },
      s);
}

UndoReport Changes::undo() {
  UndoReport report;
  std::vector<Step> kept;
  while (!steps_.empty()) {
    Step s = std::move(steps_.back());
    steps_.pop_back();
    auto r = undo_step(s);
    if (r) {
      report.done.push_back(*r);
    } else {
      report.failed.push_back(r.error().reason);
      kept.push_back(std::move(s));
    }
  }
  // What could not be undone stays recorded, in the original order, so a
  // later undo (or `pptpctl down`) can try again.
  steps_.assign(std::make_move_iterator(kept.rbegin()), std::make_move_iterator(kept.rend()));
  return report;
}

nlohmann::json Changes::to_json() const {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& s : steps_) {
    steps.push_back(std::visit(Overloaded{
                                   [](const AddressStep& a) {
                                     return nlohmann::json{{"kind", "address"},
                                                           {"ifname", a.address.ifname},
                                                           {"ifindex", a.address.ifindex},
                                                           {"local", to_string(a.address.local)},
                                                           {"peer", to_string(a.address.peer)}};
                                   },
                                   [](const RouteStep& r) {
                                     nlohmann::json j{{"kind", "route"},
                                                      {"role", role_name(r.role)},
                                                      {"dst", to_string(r.route.dst)},
                                                      {"ifname", r.route.ifname},
                                                      {"ifindex", r.route.ifindex},
                                                      {"metric", r.route.metric}};
                                     if (r.route.gateway) j["gateway"] = to_string(*r.route.gateway);
                                     if (r.route.onlink) j["onlink"] = true;
                                     if (r.route.type == RouteType::Unreachable) j["type"] = "unreachable";
                                     return j;
                                   },
                                   [](const DnsStep& d) {
                                     nlohmann::json j = netlink::to_json(d.record);
                                     j["kind"] = "dns";
                                     return j;
                                   },
                                   [](const Ipv6BlockStep& b) {
                                     return nlohmann::json{{"kind", "route6"},
                                                           {"role", "block"},
                                                           {"type", "unreachable"},
                                                           {"dst", to_string(b.dst)},
                                                           {"metric", b.metric}};
                                   },
                                   [](const TableStep& g) {
                                     nlohmann::json j{{"kind", "nft_table"},
                                                      {"ifname", g.guard.ifname},
                                                      {"server", to_string(g.guard.server)},
                                                      {"call_id", g.guard.call_id},
                                                      {"guard", g.guard.guard},
                                                      {"clamp_mss", g.guard.clamp_mss}};
                                     if (!g.nft.empty()) j["nft"] = g.nft;
                                     return j;
                                   },
                               },
                               s));
  }
  return nlohmann::json{{"version", 1}, {"steps", steps}};
}

wire::Result<Changes> Changes::from_json(const nlohmann::json& j) {
  const std::string bad = "cannot read the record of network changes: ";
  Changes c;
  try {
    if (!j.is_object() || j.at("version").get<int>() != 1) return wire::Error::fatal(bad + "unknown version");
    for (const auto& s : j.at("steps")) {
      const auto kind = s.at("kind").get<std::string>();
      if (kind == "address") {
        PeerAddress a{s.at("ifindex").get<int>(), s.at("ifname").get<std::string>(), parse_or_throw(ip(s, "local")),
                      parse_or_throw(ip(s, "peer"))};
        c.steps_.push_back(AddressStep{a});
      } else if (kind == "route") {
        const auto dst = wire::parse_prefix(ip(s, "dst"));
        if (!dst) throw std::invalid_argument("dst");
        Route r{*dst, std::nullopt, s.at("ifindex").get<int>(), s.at("ifname").get<std::string>(),
                s.at("metric").get<std::uint32_t>()};
        if (s.contains("gateway")) r.gateway = parse_or_throw(ip(s, "gateway"));
        r.onlink = s.value("onlink", false);
        const auto type = s.value("type", std::string("unicast"));
        if (type == "unreachable") {
          r.type = RouteType::Unreachable;
        } else if (type != "unicast") {
          throw std::invalid_argument(type);
        }
        const auto role = s.at("role").get<std::string>();
        RouteRole rr = RouteRole::Network;
        if (role == "host") {
          rr = RouteRole::Host;
        } else if (role == "default") {
          rr = RouteRole::Default;
        } else if (role == "block") {
          rr = RouteRole::Block;
        } else if (role != "network") {
          throw std::invalid_argument(role);
        }
        // A block route is the only kind without an interface.
        if ((rr == RouteRole::Block) != (r.type == RouteType::Unreachable)) throw std::invalid_argument(role);
        c.steps_.push_back(RouteStep{r, rr});
      } else if (kind == "route6") {
        // Only the IPv6 block is ever recorded in this family.
        const auto dst_text = ip(s, "dst");
        const auto dst = parse_ipv6_prefix(dst_text);
        if (!dst) throw std::invalid_argument(dst_text);
        if (s.at("role").get<std::string>() != "block") throw std::invalid_argument(s.at("role").get<std::string>());
        if (s.at("type").get<std::string>() != "unreachable") throw std::invalid_argument(s.at("type").get<std::string>());
        c.steps_.push_back(Ipv6BlockStep{*dst, s.at("metric").get<std::uint32_t>()});
      } else if (kind == "nft_table" || kind == "inject_guard") {
        // "inject_guard": a record from before the table held the clamp.
        TunnelTable g{s.at("ifname").get<std::string>(), parse_or_throw(ip(s, "server")),
                      s.at("call_id").get<std::uint16_t>(), s.value("guard", true), s.value("clamp_mss", 0u)};
        // The name ends up in nft's command line: an interface name only.
        if (!plain_ifname(g.ifname)) throw std::invalid_argument(g.ifname);
        c.steps_.push_back(TableStep{g, s.value("nft", std::string())});
      } else if (kind == "dns") {
        auto d = dns_record_from_json(s);
        if (!d) return d.error();
        c.steps_.push_back(DnsStep{*d});
      } else {
        return wire::Error::fatal(bad + "unknown step \"" + kind + "\"");
      }
    }
  } catch (const nlohmann::json::exception&) {
    return wire::Error::fatal(bad + "a field is missing or has the wrong type");
  } catch (const std::invalid_argument& e) {
    return wire::Error::fatal(bad + "\"" + e.what() + "\" is not a valid value");
  }
  return c;
}

}  // namespace netlink
