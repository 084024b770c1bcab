// path_outside's choice, over route tables written out by hand: no kernel.
#include <doctest/doctest.h>
#include <linux/rtnetlink.h>

#include <optional>
#include <string>
#include <vector>

#include "netlink/route_lookup.hpp"
#include "netlink/routes.hpp"

using wire::Ipv4;
using wire::Ipv4Prefix;
using netlink::RouteEntry;

namespace {

constexpr int kEth = 2;
constexpr int kWifi = 3;
constexpr int kTun = 9;

RouteEntry via(Ipv4Prefix dst, Ipv4 gw, int ifindex, std::uint32_t metric = 0) {
  RouteEntry e;
  e.dst = dst;
  e.gateway = gw;
  e.ifindex = ifindex;
  e.metric = metric;
  e.table = RT_TABLE_MAIN;
  e.protocol = RTPROT_BOOT;
  e.type = RTN_UNICAST;
  return e;
}

RouteEntry dev(Ipv4Prefix dst, int ifindex, std::uint32_t metric = 0) {
  RouteEntry e = via(dst, {}, ifindex, metric);
  e.gateway.reset();
  e.scope = RT_SCOPE_LINK;
  return e;
}

template <class F>
RouteEntry with(RouteEntry e, F&& change) {
  change(e);
  return e;
}

RouteEntry ours(RouteEntry e) {
  e.protocol = netlink::kRouteProtocol;
  return e;
}

RouteEntry block(Ipv4Prefix dst) {
  RouteEntry e = ours(dev(dst, 0, netlink::kBlockMetric));
  e.type = RTN_UNREACHABLE;
  e.scope = RT_SCOPE_UNIVERSE;
  return e;
}

const Ipv4Prefix kDefault{{0, 0, 0, 0}, 0};
const Ipv4 kServer{198, 51, 100, 7};
const Ipv4 kGw1{192, 0, 2, 1};
const Ipv4 kGw2{203, 0, 113, 1};

struct Case {
  std::string name;
  std::vector<RouteEntry> routes;
  int expected;  // index of the winner in routes, -1 for none
  Ipv4 dst = kServer;
};

}  // namespace

TEST_CASE("netlink: best_route_outside picks as the kernel would, without our routes or the tunnel") {
  // The state of a full tunnel: pin, both halves, both block routes.
  const std::vector<RouteEntry> full_tunnel = {
      ours(via({kServer, 32}, kGw1, kEth)),
      ours(dev({{0, 0, 0, 0}, 1}, kTun)),
      ours(dev({{128, 0, 0, 0}, 1}, kTun)),
      block({{0, 0, 0, 0}, 1}),
      block({{128, 0, 0, 0}, 1}),
  };
  auto plus = [&](std::vector<RouteEntry> more) {
    std::vector<RouteEntry> all = full_tunnel;
    all.insert(all.end(), more.begin(), more.end());
    return all;
  };

  const std::vector<Case> cases = {
      {"the only default route", {via(kDefault, kGw1, kEth)}, 0},
      {"no route at all", {}, -1},
      {"only our own routes", full_tunnel, -1},
      {"our pin, block and tunnel routes are skipped", plus({via(kDefault, kGw1, kEth, 100)}), 5},
      {"the default moved: the pin still says eth, the table says wifi",
       plus({via(kDefault, kGw2, kWifi, 600)}), 5},
      {"lowest metric among defaults", {via(kDefault, kGw1, kEth, 100), via(kDefault, kGw2, kWifi, 50)}, 1},
      {"equal metric: the kernel's first", {via(kDefault, kGw1, kEth, 100), via(kDefault, kGw2, kWifi, 100)}, 0},
      {"longest prefix beats lower metric",
       {via(kDefault, kGw1, kEth, 0), via({{198, 51, 100, 0}, 24}, kGw2, kWifi, 500)}, 1},
      {"an on-link /24", {via(kDefault, kGw1, kEth), dev({{198, 51, 100, 0}, 24}, kWifi, 0)}, 1},
      {"a prefix that does not cover it", {via(kDefault, kGw1, kEth), dev({{198, 51, 100, 128}, 25}, kWifi)}, 0},
      {"a /32 of someone else", {via(kDefault, kGw1, kEth), via({kServer, 32}, kGw2, kWifi, 10)}, 1},
      {"someone's route through the tunnel is skipped too",
       {via(kDefault, kGw1, kEth, 100),
        with(dev({{198, 51, 100, 0}, 24}, kTun), [](auto& e) { e.protocol = RTPROT_STATIC; })},
       0},
      {"other tables do not count",
       {via(kDefault, kGw1, kEth, 100), with(via(kDefault, kGw2, kWifi, 1), [](auto& e) { e.table = 100; }),
        with(dev({kServer, 32}, kWifi), [](auto& e) { e.table = RT_TABLE_LOCAL; })},
       0},
      {"a TOS route does not match TOS 0",
       {via(kDefault, kGw1, kEth, 100), with(via(kDefault, kGw2, kWifi, 1), [](auto& e) { e.tos = 0x10; })}, 0},
      {"a dead route is skipped",
       {via(kDefault, kGw1, kEth, 100), with(via(kDefault, kGw2, kWifi, 1), [](auto& e) { e.flags = RTNH_F_DEAD; })},
       0},
      {"a multipath route (no single interface) is skipped",
       {via(kDefault, kGw1, kEth, 100), with(dev(kDefault, 0, 1), [](auto& e) { e.gateway.reset(); })}, 0},
      {"someone else's unreachable route wins by prefix and says so",
       {via(kDefault, kGw1, kEth), with(block({{198, 51, 100, 0}, 24}), [](auto& e) { e.protocol = RTPROT_STATIC; })},
       1},
      {"someone else's blackhole loses to a longer prefix",
       {with(block(kDefault), [](auto& e) {
          e.protocol = RTPROT_STATIC;
          e.type = RTN_BLACKHOLE;
        }),
        via({{198, 51, 100, 0}, 24}, kGw1, kEth)},
       1},
      {"a broadcast route never decides", {via(kDefault, kGw1, kEth), with(dev({kServer, 32}, kWifi), [](auto& e) {
                                              e.type = RTN_BROADCAST;
                                            })},
       0},
      {"on-link server in a connected /24", {via(kDefault, kGw1, kEth), dev({{192, 0, 2, 0}, 24}, kEth)}, 1, kGw1},
  };

  for (const Case& t : cases) {
    CAPTURE(t.name);
    const auto got = netlink::best_route_outside(t.routes, t.dst, kTun);
    if (t.expected < 0) {
      CHECK_FALSE(got.has_value());
    } else {
      REQUIRE(got.has_value());
      CHECK(*got == t.routes[static_cast<std::size_t>(t.expected)]);
    }
  }
}

TEST_CASE("netlink: best_route_outside with no tunnel to exclude keeps routes through any interface") {
  const std::vector<RouteEntry> routes = {via(kDefault, kGw1, kEth, 100), dev({{198, 51, 100, 0}, 24}, kTun)};
  CHECK(netlink::best_route_outside(routes, kServer, 0) == routes[1]);
  CHECK(netlink::best_route_outside(routes, kServer, kTun) == routes[0]);
}

TEST_CASE("netlink: same_path compares interface and gateway, not the source address") {
  const netlink::RouteLookup a{kGw1, kEth, "eth0", Ipv4{192, 0, 2, 2}};
  CHECK(netlink::same_path(a, {kGw1, kEth, "eth0", std::nullopt}));
  CHECK_FALSE(netlink::same_path(a, {kGw2, kEth, "eth0", std::nullopt}));
  CHECK_FALSE(netlink::same_path(a, {kGw1, kWifi, "wlan0", std::nullopt}));
  CHECK_FALSE(netlink::same_path(a, {std::nullopt, kEth, "eth0", std::nullopt}));
}
