#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

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

std::optional<netlink::RouteEntry> find_route(Checks& c, netlink::RtnlSocket& rtnl, const wire::Ipv4Prefix& dst) {
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
      c.expect(via->gateway == wire::Ipv4{192, 0, 2, 1}, "gateway 192.0.2.1");
      c.expect(via->ifname == "veth0" && via->ifindex == static_cast<int>(if_nametoindex("veth0")), "dev veth0");
      c.expect(via->prefsrc == wire::Ipv4{192, 0, 2, 2}, "prefsrc 192.0.2.2");
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
    c.expect(server.ok() && server->ifname == "veth0" && server->gateway == wire::Ipv4{192, 0, 2, 1},
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
    netlink::Route r{{{203, 0, 113, 0}, 24}, wire::Ipv4{198, 51, 100, 1},
                     static_cast<int>(if_nametoindex("veth0")), "veth0", 0, true};
    auto a = netlink::add_route(rtnl, r);
    // The wording in parentheses is the kernel's and may change between versions.
    c.expect(!a.ok() && a.error().reason.starts_with("cannot add route 203.0.113.0/24 via 198.51.100.1 dev veth0: "
                                                     "Network is down (") && a.error().reason.ends_with(")"),
             "sentence: " + (a ? std::string() : a.error().reason));
  });
}

TEST_CASE("netlink: block routes coexist with the tunnel's, lose to them while they exist, and refuse traffic after") {
  NETNS_RUN([](Checks& c) {
    make_uplink(c);
    make_tunnel(c);
    auto rtnl = open_rtnl(c);
    const int tun0 = static_cast<int>(if_nametoindex("tun0"));

    netlink::Changes net;
    c.expect(net.pin_host_route({198, 51, 100, 7}, "tun0").ok(), "pin");
    c.expect(net.add_default_route("tun0").ok(), "default");
    auto low = net.add_block_route({{0, 0, 0, 0}, 1});
    c.expect(low.ok() && *low == "route unreachable 0.0.0.0/1 metric 4242 "
                                 "(nothing leaves in clear while the tunnel is down)",
             "block line: " + (low ? *low : low.error().reason));
    c.expect(net.add_block_route({{128, 0, 0, 0}, 1}).ok(), "second block route");
    c.expect(net.size() == 5, "pin, two halves, two blocks");

    // Both 0.0.0.0/1 routes are there, as `ip route` shows them.
    auto routes = netlink::list_routes(rtnl);
    c.expect(routes.ok(), "list");
    int unicast = 0, unreachable = 0;
    for (const auto& e : routes ? *routes : std::vector<netlink::RouteEntry>{}) {
      if (e.table != 254 || e.dst != wire::Ipv4Prefix{{0, 0, 0, 0}, 1}) continue;
      if (e.type == 1 /* RTN_UNICAST */ && e.ifindex == tun0 && e.metric == 0) ++unicast;
      if (e.type == 7 /* RTN_UNREACHABLE */ && e.ifindex == 0 && e.metric == netlink::kBlockMetric &&
          e.protocol == netlink::kRouteProtocol)
        ++unreachable;
    }
    c.expect(unicast == 1 && unreachable == 1, "both 0.0.0.0/1 routes:\n" + table());
    const std::string shown = Checks::capture("ip route show 0.0.0.0/1");
    c.expect(shown.find("unreachable 0.0.0.0/1 proto 80 metric 4242") != std::string::npos, "ip route: " + shown);

    // The tunnel's routes win while they exist.
    auto through = netlink::lookup_route(rtnl, {8, 8, 4, 4});
    c.expect(through.ok() && through->ifname == "tun0", "8.8.4.4 through tun0");
    c.expect(Checks::capture("ip route get 130.0.0.1").find("dev tun0") != std::string::npos, "130.0.0.1 via tun0");

    // Removing a tunnel route leaves the block route of the same prefix (the
    // kernel matches the type on delete), and vice versa below in undo().
    netlink::Route half{{{0, 0, 0, 0}, 1}, std::nullopt, tun0, "tun0", 0};
    auto rm = netlink::remove_route(rtnl, half);
    c.expect(rm.ok() && *rm == netlink::Removed::Removed, "tunnel half removed");
    c.expect(Checks::capture("ip route show 0.0.0.0/1").find("unreachable") != std::string::npos, "block survives");
    c.expect(netlink::add_route(rtnl, half).ok(), "tunnel half back");

    // The tunnel goes: traffic is refused, except to the server.
    c.sh("ip link del tun0");
    auto refused = netlink::lookup_route(rtnl, {8, 8, 4, 4});
    c.expect(!refused.ok() && refused.error().reason.ends_with("no route to it"), "lookup refused");
    const std::string get = Checks::capture("ip route get 130.0.0.1");
    c.expect(get.find("No route to host") != std::string::npos, "ip route get: " + get);
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(53);
    to.sin_addr.s_addr = htonl(0x08080404);
    const int rc = ::connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    const int err = errno;
    ::close(s);
    // An unreachable route answers EHOSTUNREACH; ENETUNREACH is for no route at all.
    c.expect(rc < 0 && err == EHOSTUNREACH, "connect to 8.8.4.4 gets EHOSTUNREACH, got " + std::to_string(err));
    auto server = netlink::lookup_route(rtnl, {198, 51, 100, 7});
    c.expect(server.ok() && server->ifname == "veth0", "the server is still reachable");

    // The crash record carries the block routes; undo from it removes them
    // although no interface is involved.
    const auto saved = nlohmann::json::parse(net.to_json().dump());
    c.expect(saved["steps"][3]["role"] == "block" && saved["steps"][3]["type"] == "unreachable", saved.dump());
    auto fresh = netlink::Changes::from_json(saved);
    c.expect(fresh.ok() && fresh->to_json() == saved, "round trip");
    if (!fresh) return;
    auto report = fresh->undo();
    c.expect(report.ok() && report.done.size() == 5, "five steps undone");
    c.expect(report.done.size() == 5 && report.done[0] == "removed route unreachable 128.0.0.0/1 metric 4242 "
                                                           "(nothing leaves in clear while the tunnel is down)",
             "undo line: " + (report.done.empty() ? std::string() : report.done[0]));
    c.expect(Checks::capture("ip -4 route show proto 80").empty(), "nothing of ours left:\n" + table());

    // A block role without an unreachable type is a damaged record.
    auto bad = saved;
    bad["steps"][3].erase("type");
    c.expect(!netlink::Changes::from_json(bad).ok(), "block without unreachable refused");
  });
}

TEST_CASE("netlink: block routes alone, then the tunnel's routes added over them; undo keeps them apart") {
  NETNS_RUN([](Checks& c) {
    make_uplink(c);
    make_tunnel(c);
    const std::string before = table();
    netlink::Changes net;
    // Between attempts: blocks first, the tunnel's routes when it comes up.
    c.expect(net.add_block_route({{0, 0, 0, 0}, 1}).ok(), "block low");
    c.expect(net.add_block_route({{203, 0, 113, 0}, 24}, 4300).ok(), "block network, other metric");
    c.expect(net.add_default_route("tun0").ok(), "default over the block");
    c.expect(net.add_route("tun0", {{203, 0, 113, 0}, 24}).ok(), "network over the block");
    auto again = net.add_block_route({{0, 0, 0, 0}, 1});
    c.expect(again.ok() && again->ends_with("(already present)"), "block again: already present");
    c.sh("ip route add unreachable 192.0.2.128/25 metric 4242");
    auto theirs = net.add_block_route({{192, 0, 2, 128}, 25});
    c.expect(theirs.ok() && theirs->ends_with("(already present)"), "theirs: already present, not recorded");
    c.expect(net.size() == 5, "two blocks, two halves, one network");
    auto report = net.undo();
    c.expect(report.ok() && report.done.size() == 5, "undo");
    for (const auto& line : report.done) c.expect(line.starts_with("removed "), "each removed by itself: " + line);
    c.sh("ip route del unreachable 192.0.2.128/25 metric 4242");
    c.expect(table() == before, "table as before:\n" + before + "---\n" + table());
  });
}

TEST_CASE("netlink: path_outside ignores our pin and block routes and follows a moved default route") {
  NETNS_RUN([](Checks& c) {
    make_uplink(c);
    make_tunnel(c);
    auto rtnl = open_rtnl(c);
    const int tun0 = static_cast<int>(if_nametoindex("tun0"));
    const int veth0 = static_cast<int>(if_nametoindex("veth0"));
    const wire::Ipv4 server{198, 51, 100, 7};

    netlink::Changes net;
    c.expect(!net.pinned_path(), "no pin yet");
    auto none = net.unpin_host_route();
    c.expect(none.ok() && *none == "no host route to the server to remove", "unpin with no pin");
    c.expect(net.pin_host_route(server, "tun0").ok(), "pin");
    c.expect(net.add_default_route("tun0").ok(), "default");
    c.expect(net.add_block_route({{0, 0, 0, 0}, 1}).ok() && net.add_block_route({{128, 0, 0, 0}, 1}).ok(), "blocks");
    // A route someone pushed through the tunnel, not ours: skipped as well.
    c.sh("ip route add 198.51.100.0/24 dev tun0 proto static");

    auto pinned = net.pinned_path();
    c.expect(pinned && pinned->ifindex == veth0 && pinned->gateway == wire::Ipv4{192, 0, 2, 1}, "pinned path");
    auto path = netlink::path_outside(rtnl, server, tun0);
    c.expect(path.ok() && path->ifindex == veth0 && path->ifname == "veth0" &&
                 path->gateway == wire::Ipv4{192, 0, 2, 1},
             "outside: via 192.0.2.1 dev veth0: " + (path ? path->ifname : path.error().reason));
    c.expect(path && pinned && netlink::same_path(*path, *pinned), "unchanged");

    // The laptop moves: a new uplink, the default route with it.
    c.sh("ip link add veth2 type veth peer name veth3");
    c.sh("ip link set veth3 up");
    c.sh("ip link set veth2 up");
    c.sh("ip addr add 203.0.113.2/24 dev veth2");
    c.sh("ip route del default");
    c.sh("ip route add default via 203.0.113.1 dev veth2");
    c.sh("ip link del tun0");  // the tunnel went down with the old network

    auto held = netlink::lookup_route(rtnl, server);
    c.expect(held.ok() && held->ifname == "veth0", "the old pin still holds the old path");
    auto moved = netlink::path_outside(rtnl, server, tun0);
    c.expect(moved.ok() && moved->ifname == "veth2" && moved->gateway == wire::Ipv4{203, 0, 113, 1},
             "outside: via 203.0.113.1 dev veth2: " + (moved ? moved->ifname : moved.error().reason));
    c.expect(moved && pinned && !netlink::same_path(*moved, *pinned), "moved");
    // RTM_GETROUTE cannot help with a new server: the block route answers.
    auto blocked = net.pin_host_route({198, 51, 100, 99}, "tun0");
    c.expect(!blocked.ok(), "pin by lookup refused under block routes");

    auto un = net.unpin_host_route();
    c.expect(un.ok() && *un == "removed host route 198.51.100.7 via 192.0.2.1 dev veth0 (keeps the server reachable)",
             "unpin line: " + (un ? *un : un.error().reason));
    c.expect(!net.pinned_path(), "no pin recorded");
    if (moved) {
      auto line = net.pin_host_route_via(server, *moved);
      c.expect(line.ok() && *line == "host route 198.51.100.7 via 203.0.113.1 dev veth2 (keeps the server reachable)",
               "pin via: " + (line ? *line : line.error().reason));
    }
    auto now = netlink::lookup_route(rtnl, server);
    c.expect(now.ok() && now->ifname == "veth2", "the server goes the new way");
    auto elsewhere = netlink::lookup_route(rtnl, {8, 8, 4, 4});
    c.expect(!elsewhere.ok(), "everything else still blocked");
    c.expect(net.to_json()["steps"].back()["role"] == "host", "the new pin is recorded last");

    // The new uplink goes away too: the pin goes with it; unpin says so.
    c.sh("ip link del veth2");
    auto gone = net.unpin_host_route();
    c.expect(gone.ok() && gone->ends_with("gone with veth2"), "unpin after the device went: " + (gone ? *gone : ""));
    auto nowhere = netlink::path_outside(rtnl, server, tun0);
    c.expect(!nowhere.ok() && nowhere.error().reason ==
                                  "cannot find the route to 198.51.100.7 outside the tunnel: no route to it",
             "no path: " + (nowhere ? std::string() : nowhere.error().reason));
    c.expect(net.undo().ok(), "undo");
    c.expect(Checks::capture("ip -4 route show proto 80").empty(), "nothing of ours left:\n" + table());
  });
}
