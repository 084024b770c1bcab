#include <doctest/doctest.h>
#include <net/if.h>

#include <algorithm>

#include "netlink/changes.hpp"
#include "netlink/route_lookup.hpp"
#include "netlink/routes.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;

namespace {

// The uplink: veth0 192.0.2.2/24, default via 192.0.2.1 (a router that is
// never asked anything; the lookups only read the table).
void make_uplink(Checks& c) {
  c.sh("ip link add veth0 type veth peer name veth1");
  c.sh("ip link set veth1 up");
  c.sh("ip link set veth0 up");
  c.sh("ip addr add 192.0.2.2/24 dev veth0");
  c.sh("ip route add default via 192.0.2.1 dev veth0");
}

// A veth pair stands in for the ppp interface.
void make_tunnel(Checks& c) {
  c.sh("ip link add tun0 type veth peer name tun0p");
  c.sh("ip link set tun0p up");
  c.sh("ip link set tun0 up");
}

std::string table() { return Checks::capture("ip -4 route show table all; ip -4 addr show"); }

netlink::RtnlSocket open_rtnl(Checks& c) {
  auto s = netlink::RtnlSocket::open();
  c.expect(s.ok(), "rtnl socket");
  return std::move(*s);
}

std::optional<netlink::RouteEntry> find_route(Checks& c, netlink::RtnlSocket& rtnl, const netlink::Ipv4Prefix& dst) {
  auto routes = netlink::list_routes(rtnl);
  c.expect(routes.ok(), "list routes");
  if (!routes) return std::nullopt;
  for (const auto& e : *routes) {
    if (e.dst == dst && e.table == 254) return e;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("netlink: route is added with our protocol and removed on undo; an existing route is not recorded") {
  NETNS_RUN([](Checks& c) {
    make_tunnel(c);
    auto rtnl = open_rtnl(c);
    const std::string before = table();

    netlink::Changes net;
    auto line = net.add_route("tun0", {{203, 0, 113, 0}, 24}, 0);
    c.expect(line.ok() && *line == "route 203.0.113.0/24 dev tun0", "description");
    auto e = find_route(c, rtnl, {{203, 0, 113, 0}, 24});
    c.expect(e.has_value(), "route present");
    if (e) {
      c.expect(e->protocol == netlink::kRouteProtocol && e->scope == 253 /* link */ && !e->gateway,
               "device route, scope link, our protocol");
    }
    auto metric = net.add_route("tun0", {{198, 51, 100, 0}, 24}, 7);
    c.expect(metric.ok() && *metric == "route 198.51.100.0/24 dev tun0 metric 7", "metric in description");

    // Adding the same route again: success, said so, not recorded.
    netlink::Changes again;
    auto twice = again.add_route("tun0", {{203, 0, 113, 0}, 24}, 0);
    c.expect(twice.ok() && twice->ends_with("(already present)"), "already present");
    c.expect(again.empty(), "nothing recorded");
    c.expect(again.undo().ok(), "empty undo");
    c.expect(find_route(c, rtnl, {{203, 0, 113, 0}, 24}).has_value(), "route survives the second undo");

    auto report = net.undo();
    c.expect(report.ok() && report.done.size() == 2, "both routes undone");
    c.expect(table() == before, "table as before:\n" + before + "---\n" + table());

    // A route someone else put there stays after our undo.
    c.sh("ip route add 203.0.113.0/24 dev tun0");
    auto theirs = net.add_route("tun0", {{203, 0, 113, 0}, 24}, 0);
    c.expect(theirs.ok() && theirs->ends_with("(already present)") && net.empty(), "theirs not recorded");
    net.undo();
    c.expect(find_route(c, rtnl, {{203, 0, 113, 0}, 24}).has_value(), "their route kept");

    // Same destination and metric, another way out: a clear refusal.
    c.sh("ip link add other0 type veth peer name other0p");
    c.sh("ip link set other0 up");
    auto clash = net.add_route("other0", {{203, 0, 113, 0}, 24}, 0);
    c.expect(!clash.ok() && clash.error().reason.find("in the way (203.0.113.0/24 dev tun0)") != std::string::npos,
             "clash: " + (clash ? std::string() : clash.error().reason));
    c.expect(net.empty(), "a failed step records nothing");

    // Removing a route we did not add (other protocol) does nothing.
    netlink::Route foreign{{{203, 0, 113, 0}, 24}, std::nullopt, 0, "tun0", 0};
    foreign.ifindex = static_cast<int>(if_nametoindex("tun0"));
    auto rm = netlink::remove_route(rtnl, foreign);
    c.expect(rm.ok() && *rm == netlink::Removed::AlreadyGone, "their route is not ours to remove");
    c.expect(find_route(c, rtnl, {{203, 0, 113, 0}, 24}).has_value(), "their route still there");

    auto nodev = net.add_route("nosuch0", {{203, 0, 113, 0}, 24}, 0);
    c.expect(!nodev.ok() && nodev.error().reason == "cannot add route 203.0.113.0/24 dev nosuch0: no interface named nosuch0",
             "no such interface: " + (nodev ? std::string() : nodev.error().reason));
  });
}

TEST_CASE("netlink: route lookup through a gateway, on-link, local and unreachable") {
  NETNS_RUN([](Checks& c) {
    make_uplink(c);
    auto rtnl = open_rtnl(c);

    auto via = netlink::lookup_route(rtnl, {198, 51, 100, 7});
    c.expect(via.ok(), via.ok() ? "" : via.error().reason);
    if (via) {
      c.expect(via->gateway == netlink::Ipv4{192, 0, 2, 1}, "gateway 192.0.2.1");
      c.expect(via->ifname == "veth0" && via->ifindex == static_cast<int>(if_nametoindex("veth0")), "dev veth0");
      c.expect(via->prefsrc == netlink::Ipv4{192, 0, 2, 2}, "prefsrc 192.0.2.2");
    }
    auto onlink = netlink::lookup_route(rtnl, {192, 0, 2, 9});
    c.expect(onlink.ok() && !onlink->gateway && onlink->ifname == "veth0", "on-link: no gateway, dev veth0");

    auto local = netlink::lookup_route(rtnl, {192, 0, 2, 2});
    c.expect(!local.ok() && local.error().reason.find("an address of this machine") != std::string::npos,
             "local address refused");

    c.sh("ip route del default");
    auto none = netlink::lookup_route(rtnl, {198, 51, 100, 7});
    c.expect(!none.ok() && none.error().reason == "cannot find the route to 198.51.100.7: no route to it",
             "unreachable: " + (none ? std::string() : none.error().reason));
  });
}

TEST_CASE("netlink: full tunnel with pinned host route and default route; undo leaves the table exactly as before") {
  NETNS_RUN([](Checks& c) {
    make_uplink(c);
    make_tunnel(c);
    auto rtnl = open_rtnl(c);
    const std::string before = table();

    netlink::Changes net;
    std::vector<std::string> lines;
    auto step = [&](wire::Result<std::string> r) {
      c.expect(r.ok(), r.ok() ? "" : r.error().reason);
      if (r) lines.push_back(*r);
    };
    step(net.apply_address("tun0", {10, 0, 0, 2}, {10, 0, 0, 1}));
    step(net.pin_host_route({198, 51, 100, 7}, "tun0"));
    step(net.add_default_route("tun0"));
    step(net.add_route("tun0", {{203, 0, 113, 0}, 24}));
    c.expect(lines.size() == 4 && lines[1] == "host route 198.51.100.7 via 192.0.2.1 dev veth0 (keeps the server reachable)",
             "host route line: " + (lines.size() > 1 ? lines[1] : std::string()));
    c.expect(lines.size() == 4 && lines[2].starts_with("default route dev tun0"), "default route line");
    c.expect(net.size() == 5, "address, host route, two halves of the default, one network");

    // Everything now goes into the tunnel except the server itself.
    auto elsewhere = netlink::lookup_route(rtnl, {8, 8, 4, 4});
    c.expect(elsewhere.ok() && elsewhere->ifname == "tun0" && !elsewhere->gateway, "other traffic into tun0");
    auto server = netlink::lookup_route(rtnl, {198, 51, 100, 7});
    c.expect(server.ok() && server->ifname == "veth0" && server->gateway == netlink::Ipv4{192, 0, 2, 1},
             "server still via 192.0.2.1 dev veth0");
    auto pinned = find_route(c, rtnl, {{198, 51, 100, 7}, 32});
    c.expect(pinned && pinned->protocol == netlink::kRouteProtocol, "pinned route carries our protocol");

    // Pinning again while the default goes through the tunnel still finds
    // the pinned path, so it is "already present", not a loop.
    auto again = net.pin_host_route({198, 51, 100, 7}, "tun0");
    c.expect(again.ok() && again->ends_with("(already present)"), "re-pin is already present");
    // A server with no route of its own would now be reached through the
    // tunnel: refuse rather than pin a loop.
    auto loop = net.pin_host_route({198, 51, 100, 99}, "tun0");
    c.expect(!loop.ok() && loop.error().reason.find("already goes through tun0") != std::string::npos, "loop refused");

    auto report = net.undo();
    c.expect(report.ok() && report.done.size() == 5, "five steps undone");
    c.expect(net.empty(), "record empty");
    const std::string after = table();
    c.expect(after == before, "table as before:\n" + before + "---\n" + after);
  });
}

TEST_CASE("netlink: host route through an onlink gateway (no connected route covers it)") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link add veth0 type veth peer name veth1");
    c.sh("ip link set veth1 up");
    c.sh("ip link set veth0 up");
    c.sh("ip addr add 192.0.2.2/32 dev veth0");
    c.sh("ip route add default via 198.51.100.1 dev veth0 onlink");
    make_tunnel(c);
    const std::string before = table();
    netlink::Changes net;
    auto line = net.pin_host_route({203, 0, 113, 9}, "tun0");
    c.expect(line.ok() && *line == "host route 203.0.113.9 via 198.51.100.1 dev veth0 (keeps the server reachable)",
             "line: " + (line ? *line : line.error().reason));
    c.expect(net.to_json()["steps"][0].value("onlink", false), "onlink recorded");
    auto fresh = netlink::Changes::from_json(net.to_json());
    c.expect(fresh.ok() && fresh->undo().ok(), "undo from JSON");
    c.expect(table() == before, "table as before:\n" + before + "---\n" + table());
  });
}

TEST_CASE("netlink: host route to an on-link server is a device route") {
  NETNS_RUN([](Checks& c) {
    make_uplink(c);
    make_tunnel(c);
    auto rtnl = open_rtnl(c);
    netlink::Changes net;
    auto line = net.pin_host_route({192, 0, 2, 1}, "tun0");
    c.expect(line.ok() && *line == "host route 192.0.2.1 dev veth0 (keeps the server reachable)",
             "line: " + (line ? *line : line.error().reason));
    auto e = find_route(c, rtnl, {{192, 0, 2, 1}, 32});
    c.expect(e && !e->gateway && e->scope == 253 && e->ifindex == static_cast<int>(if_nametoindex("veth0")),
             "device route, scope link, dev veth0");
    c.expect(net.undo().ok(), "undo");
    c.expect(!find_route(c, rtnl, {{192, 0, 2, 1}, 32}), "gone after undo");
  });
}

TEST_CASE("netlink: undo from the JSON record in a fresh object, and after the interface went away") {
  NETNS_RUN([](Checks& c) {
    make_uplink(c);
    make_tunnel(c);
    const std::string before = table();
    nlohmann::json saved;
    {
      netlink::Changes net;
      c.expect(net.apply_address("tun0", {10, 0, 0, 2}, {10, 0, 0, 1}).ok(), "address");
      c.expect(net.pin_host_route({198, 51, 100, 7}, "tun0").ok(), "pin");
      c.expect(net.add_default_route("tun0", 5).ok(), "default");
      saved = nlohmann::json::parse(net.to_json().dump());  // as if written to disk and read back
      // The daemon "crashes": the object goes away without undo.
    }
    c.expect(saved["steps"].size() == 4, "four steps in the record: " + saved.dump());
    c.expect(saved["steps"][1]["role"] == "host" && saved["steps"][1]["gateway"] == "192.0.2.1", "host step");

    auto fresh = netlink::Changes::from_json(saved);
    c.expect(fresh.ok(), fresh.ok() ? "" : fresh.error().reason);
    if (!fresh) return;
    c.expect(fresh->to_json() == saved, "round trip");
    auto report = fresh->undo();
    c.expect(report.ok(), report.failed.empty() ? "" : report.failed.front());
    c.expect(table() == before, "table as before after undo from JSON:\n" + before + "---\n" + table());
    c.expect(fresh->undo().ok() && fresh->empty(), "second undo is a no-op");

    // The kernel drops the tunnel's address and routes with the interface;
    // undo then only has the host route left to remove, and says so.
    netlink::Changes net;
    c.expect(net.apply_address("tun0", {10, 0, 0, 2}, {10, 0, 0, 1}).ok(), "address");
    c.expect(net.pin_host_route({198, 51, 100, 7}, "tun0").ok(), "pin");
    c.expect(net.add_default_route("tun0").ok(), "default");
    const auto record = net.to_json();
    c.sh("ip link del tun0");
    auto gone = net.undo();
    c.expect(gone.ok() && gone.done.size() == 4, "undo after the interface went away");
    c.expect(std::count_if(gone.done.begin(), gone.done.end(),
                           [](const std::string& s) { return s.find("gone with tun0") != std::string::npos; }) == 3,
             "three steps went with the interface");
    auto rtnl = open_rtnl(c);
    c.expect(!find_route(c, rtnl, {{198, 51, 100, 7}, 32}),
             "host route removed");

    auto bad = netlink::Changes::from_json(nlohmann::json{{"version", 1}, {"steps", {{{"kind", "route"}}}}});
    c.expect(!bad.ok() && bad.error().reason.find("missing") != std::string::npos, "malformed record refused");
    auto badip = netlink::Changes::from_json(nlohmann::json::parse(
        R"({"version":1,"steps":[{"kind":"address","ifname":"x","ifindex":1,"local":"10.0.0.300","peer":"1.2.3.4"}]})"));
    c.expect(!badip.ok() && badip.error().reason.find("10.0.0.300") != std::string::npos, "bad address refused");
  });
}

TEST_CASE("netlink: a refused route names the kernel's own reason") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link add veth0 type veth peer name veth1");  // left down
    auto rtnl = open_rtnl(c);
    netlink::Route r{{{203, 0, 113, 0}, 24}, netlink::Ipv4{198, 51, 100, 1},
                     static_cast<int>(if_nametoindex("veth0")), "veth0", 0, true};
    auto a = netlink::add_route(rtnl, r);
    // The wording in parentheses is the kernel's and may change between versions.
    c.expect(!a.ok() && a.error().reason.starts_with("cannot add route 203.0.113.0/24 via 198.51.100.1 dev veth0: "
                                                     "Network is down (") && a.error().reason.ends_with(")"),
             "sentence: " + (a ? std::string() : a.error().reason));
  });
}
