#include "daemon/network.hpp"

#include <variant>

#include "netlink/address.hpp"
#include "netlink/dns.hpp"
#include "netlink/link.hpp"
#include "netlink/route_lookup.hpp"
#include "netlink/routes.hpp"
#include "netlink/rtnl_socket.hpp"

namespace pptpctl {

namespace {

// One thing we added, so undo can take exactly it back.
using Step = std::variant<netlink::PeerAddress, netlink::Route, netlink::DnsRecord>;

}  // namespace

struct NetworkSetup::State {
  std::vector<Step> done;
  std::string dns_backend;
};

NetworkSetup::NetworkSetup() : state_(std::make_unique<State>()) {}
NetworkSetup::~NetworkSetup() = default;

std::string NetworkSetup::dns_backend() const { return state_->dns_backend; }

wire::Result<wire::Unit> NetworkSetup::apply(const config::Profile& profile, const TunnelAddresses& t,
                                             const Say& say) {
  auto rtnl = netlink::RtnlSocket::open();
  if (!rtnl) return rtnl.error();
  auto links = netlink::LinkControl::open();
  if (!links) return links.error();

  if (auto r = links->set_mtu(t.ifindex, t.mtu); !r) return r.error();
  say("mtu " + std::to_string(t.mtu) + " on " + t.ifname);

  netlink::PeerAddress addr{t.ifindex, t.ifname, t.local, t.peer};
  auto a = netlink::add_peer_address(*rtnl, addr);
  if (!a) return a.error();
  if (*a == netlink::Applied::Added) state_->done.emplace_back(addr);
  say("address " + netlink::describe(addr));

  if (auto r = links->set_up(t.ifindex, true); !r) return r.error();
  say("link " + t.ifname + " up");

  auto add = [&](const netlink::Route& route, const std::string& why) -> wire::Result<wire::Unit> {
    auto r = netlink::add_route(*rtnl, route);
    if (!r) return r.error();
    if (*r == netlink::Applied::Added) state_->done.emplace_back(route);
    say("route " + netlink::describe(route) + why + (*r == netlink::Applied::Added ? "" : " (already there)"));
    return wire::Unit{};
  };

  if (profile.default_route) {
    // Pin the server to the path it uses now, or GRE would loop into the tunnel.
    auto via = netlink::lookup_route(*rtnl, t.server);
    if (!via) return via.error();
    netlink::Route pin{{t.server, 32}, via->gateway, via->ifindex, via->ifname, 0};
    if (auto r = add(pin, " (keeps the server reachable outside the tunnel)"); !r) return r.error();
    for (auto half : {netlink::Ipv4Prefix{{0, 0, 0, 0}, 1}, netlink::Ipv4Prefix{{128, 0, 0, 0}, 1}}) {
      // Two /1 routes beat the existing default without touching it, the way
      // wg-quick and OpenVPN do, so `down` never has to restore someone's route.
      if (auto r = add(netlink::Route{half, std::nullopt, t.ifindex, t.ifname, 0}, ""); !r) return r.error();
    }
  }
  for (const auto& r : profile.routes) {
    netlink::Route route{{r.network, r.prefix}, std::nullopt, t.ifindex, t.ifname, 0};
    if (auto x = add(route, ""); !x) return x.error();
  }

  if (profile.dns.use_peer && !t.dns.empty()) {
    std::vector<netlink::Ipv4> servers(t.dns.begin(), t.dns.end());
    auto d = netlink::dns_apply(t.ifname, t.ifindex, servers, profile.default_route);
    if (!d) return d.error();
    state_->done.emplace_back(d->record);
    state_->dns_backend = std::string(netlink::to_string(d->record.backend));
    say(d->description);
  }
  return wire::Unit{};
}

void NetworkSetup::undo(const Say& say) {
  if (state_->done.empty()) return;
  auto rtnl = netlink::RtnlSocket::open();
  for (auto it = state_->done.rbegin(); it != state_->done.rend(); ++it) {
    if (auto* dns = std::get_if<netlink::DnsRecord>(&*it)) {
      auto r = netlink::dns_undo(*dns);
      say(r ? *r : "dns: " + r.error().reason);
    } else if (!rtnl) {
      say("cannot undo network changes: " + rtnl.error().reason);
    } else if (auto* route = std::get_if<netlink::Route>(&*it)) {
      auto r = netlink::remove_route(*rtnl, *route);
      say(r ? "removed route " + netlink::describe(*route) : r.error().reason);
    } else if (auto* addr = std::get_if<netlink::PeerAddress>(&*it)) {
      auto r = netlink::remove_peer_address(*rtnl, *addr);
      say(r ? "removed address " + netlink::describe(*addr) : r.error().reason);
    }
  }
  state_->done.clear();
  state_->dns_backend.clear();
}

}  // namespace pptpctl
