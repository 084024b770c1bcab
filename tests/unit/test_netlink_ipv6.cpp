// The IPv6 block ("ipv6": "block"): unreachable ::/1 and 8000::/1 with our
// protocol, in a private network namespace. Off-link IPv6 is refused while
// on-link still works, undo leaves `ip -6 route show table all` exactly as
// before, the crash record round-trips, and a machine without IPv6 has
// nothing to block.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "netlink/changes.hpp"
#include "netlink/routes6.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;

namespace {

// The uplink with IPv6: veth0 2001:db8:1::2/64, default via 2001:db8:1::1.
void make_uplink6(Checks& c) {
  c.sh("ip link set lo up");
  c.sh("ip link add veth0 type veth peer name veth1");
  c.sh("ip link set veth1 up");
  c.sh("ip link set veth0 up");
  c.sh("ip -6 addr add 2001:db8:1::2/64 dev veth0 nodad");
  c.sh("ip -6 route add default via 2001:db8:1::1 dev veth0");
}

std::string table6() { return Checks::capture("ip -6 route show table all"); }

// connect() of a UDP socket: the routing decision alone, nothing is sent.
int connect_errno(const char* dst) {
  const int s = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(53);
  ::inet_pton(AF_INET6, dst, &to.sin6_addr);
  const int rc = ::connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  const int err = errno;
  ::close(s);
  return rc == 0 ? 0 : err;
}

}  // namespace

TEST_CASE("netlink ipv6: prefixes print and parse strictly") {
  CHECK(netlink::to_string(netlink::kIpv6LowHalf) == "::/1");
  CHECK(netlink::to_string(netlink::kIpv6HighHalf) == "8000::/1");
  struct Row {
    const char* text;
    bool ok;
  };
  const Row rows[] = {
      {"::/1", true},         {"8000::/1", true},   {"2001:db8::/32", true}, {"::/0", true},
      {"::1/128", true},      {"::1/1", false},     {"8000::/0", false},     {"::/129", false},
      {"::/01", false},       {"::", false},        {"::/", false},          {"192.0.2.0/24", false},
      {"2001:db8::/-1", false}, {"2001:db8:::/32", false},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    auto p = netlink::parse_ipv6_prefix(row.text);
    CHECK(p.has_value() == row.ok);
    if (p) CHECK(netlink::to_string(*p) == row.text);
  }
}

TEST_CASE("netlink ipv6: the kernel's answers to adding a block route") {
  struct Row {
    int err;
    bool disabled_everywhere;
    bool ok;
    std::optional<netlink::Applied6> applied;  // none with ok: look at what is there (EEXIST)
  };
  using netlink::Applied6;
  const Row rows[] = {
      {0, false, true, Applied6::Added},
      // No IPv6 in this kernel (ipv6.disable=1, or built without): nothing can leak.
      {EAFNOSUPPORT, false, true, Applied6::NoIpv6},
      {EAFNOSUPPORT, true, true, Applied6::NoIpv6},
      // IPv6 off on lo: harmless only when it is off everywhere.
      {EACCES, true, true, Applied6::NoIpv6},
      {EACCES, false, false, std::nullopt},
      {EEXIST, false, true, std::nullopt},
      {EPERM, false, false, std::nullopt},
      {ENOBUFS, true, false, std::nullopt},
  };
  for (const Row& row : rows) {
    CAPTURE(row.err);
    CAPTURE(row.disabled_everywhere);
    auto r = netlink::classify_add6(row.err, row.disabled_everywhere, "cannot add IPv6 route x", "why");
    REQUIRE(r.ok() == row.ok);
    if (r) {
      CHECK(*r == row.applied);
    } else {
      CHECK(r.error().reason == "cannot add IPv6 route x: why");
    }
  }
}

TEST_CASE("netlink ipv6: block refuses off-link IPv6, keeps on-link, and undo restores the table exactly") {
  NETNS_RUN([](Checks& c) {
    make_uplink6(c);
    const std::string before = table6();
    c.expect(connect_errno("2001:db8:2::1") == 0, "off-link reachable before the block");

    netlink::Changes net;
    auto line = net.block_ipv6();
    c.expect(line.ok() && *line ==
                              "IPv6 route unreachable ::/1 metric 1 (IPv6 does not leave around the tunnel); "
                              "IPv6 route unreachable 8000::/1 metric 1 (IPv6 does not leave around the tunnel)",
             "line: " + (line ? *line : line.error().reason));
    c.expect(net.size() == 2, "both halves recorded");
    const std::string shown = Checks::capture("ip -6 route show table all");
    c.expect(shown.find("unreachable ::/1 dev lo proto 80 metric 1") != std::string::npos &&
                 shown.find("unreachable 8000::/1 dev lo proto 80 metric 1") != std::string::npos,
             "ip -6 route: " + shown);

    // Off-link, low and high half: refused at once. On-link and link-local: fine.
    c.expect(connect_errno("2001:db8:2::1") == EHOSTUNREACH, "2001:db8:2::1 refused with EHOSTUNREACH");
    c.expect(connect_errno("fd00::1") == EHOSTUNREACH, "fd00::1 refused with EHOSTUNREACH");
    c.expect(connect_errno("2001:db8:1::1") == 0, "on-link 2001:db8:1::1 still routed");
    c.expect(connect_errno("fe80::1%veth0") != EHOSTUNREACH, "link-local not blocked");
    const std::string get = Checks::capture("ip -6 route get 2001:db8:2::1");
    c.expect(get.find("unreachable") != std::string::npos || get.find("No route to host") != std::string::npos,
             "ip -6 route get: " + get);

    // Again: already present, not recorded twice.
    netlink::Changes again;
    auto twice = again.block_ipv6();
    c.expect(twice.ok() && twice->find("(already present)") != std::string::npos && again.empty(),
             "already present: " + (twice ? *twice : twice.error().reason));

    auto report = net.undo();
    c.expect(report.ok() && report.done.size() == 2, "two steps undone");
    c.expect(report.done.size() == 2 &&
                 report.done[0] ==
                     "removed IPv6 route unreachable 8000::/1 metric 1 (IPv6 does not leave around the tunnel)",
             "undo line: " + (report.done.empty() ? std::string() : report.done[0]));
    c.expect(table6() == before, "table as before:\n" + before + "---\n" + table6());
    c.expect(connect_errno("2001:db8:2::1") == 0, "off-link reachable again");

    // A ::/1 of someone else's with our metric is in the way, and named.
    c.sh("ip -6 route add ::/1 via 2001:db8:1::1 dev veth0 metric 1");
    netlink::Changes clash;
    auto in_way = clash.block_ipv6();
    c.expect(!in_way.ok() && in_way.error().reason ==
                                 "cannot add IPv6 route unreachable ::/1 metric 1: another route to the same "
                                 "destination with metric 1 is in the way (::/1)",
             "clash: " + (in_way ? *in_way : in_way.error().reason));
    c.expect(clash.empty(), "nothing recorded");
    // Removing ours never takes theirs: the kernel matches the protocol.
    auto rtnl = netlink::RtnlSocket::open();
    c.expect(rtnl.ok(), "rtnl socket");
    if (!rtnl) return;
    auto rm = netlink::remove_unreachable6(*rtnl, netlink::kIpv6LowHalf, 1);
    c.expect(rm.ok() && *rm == netlink::Removed::AlreadyGone, "theirs is not ours to remove");
    c.expect(Checks::capture("ip -6 route show ::/1").find("via 2001:db8:1::1") != std::string::npos, "theirs kept");
  });
}

TEST_CASE("netlink ipv6: the block survives in the crash record and a fresh object undoes it") {
  NETNS_RUN([](Checks& c) {
    make_uplink6(c);
    const std::string before = table6();
    nlohmann::json saved;
    {
      netlink::Changes net;
      c.expect(net.block_ipv6().ok(), "block");
      saved = nlohmann::json::parse(net.to_json().dump());  // written to disk and read back
    }  // the daemon dies without undo
    c.expect(saved["steps"].size() == 2, "two steps: " + saved.dump());
    c.expect(saved["steps"][0] == nlohmann::json{{"kind", "route6"},
                                                 {"role", "block"},
                                                 {"type", "unreachable"},
                                                 {"dst", "::/1"},
                                                 {"metric", 1}},
             "step: " + saved["steps"][0].dump());
    auto fresh = netlink::Changes::from_json(saved);
    c.expect(fresh.ok() && fresh->to_json() == saved, "round trip");
    if (!fresh) return;
    c.expect(connect_errno("2001:db8:2::1") == EHOSTUNREACH, "still blocked after the crash");
    auto report = fresh->undo();
    c.expect(report.ok() && report.done.size() == 2 && fresh->empty(), "undone from the record");
    c.expect(table6() == before, "table as before:\n" + before + "---\n" + table6());
    // Undoing again (a second `down`): already gone is success.
    auto again = netlink::Changes::from_json(saved);
    c.expect(again.ok(), "parse again");
    if (again) {
      auto r2 = again->undo();
      c.expect(r2.ok() && r2.done.size() == 2 && r2.done[0].ends_with(": already gone"), "already gone");
    }

    // Damaged records are refused with the bad value named.
    struct Bad {
      const char* key;
      nlohmann::json value;
      const char* named;
    };
    const Bad bads[] = {
        {"dst", "::1/1", "::1/1"},
        {"dst", "192.0.2.0/24", "192.0.2.0/24"},
        {"role", "host", "host"},
        {"type", "unicast", "unicast"},
        {"metric", "one", "missing or has the wrong type"},
    };
    for (const Bad& b : bads) {
      auto bad = saved;
      bad["steps"][0][b.key] = b.value;
      auto r = netlink::Changes::from_json(bad);
      c.expect(!r.ok() && r.error().reason.find(b.named) != std::string::npos,
               std::string("bad ") + b.key + ": " + (r ? std::string("accepted") : r.error().reason));
    }
  });
}

TEST_CASE("netlink ipv6: IPv6 switched off on every interface is told apart, and blocking there is harmless") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link add veth0 type veth peer name veth1");
    c.sh("sysctl -qw net.ipv6.conf.lo.disable_ipv6=1");
    c.expect(!netlink::ipv6_disabled_everywhere(), "veth0 still has IPv6");
    c.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1");
    c.expect(netlink::ipv6_disabled_everywhere(), "disabled everywhere");
    // Kernels differ: some take a reject route with IPv6 off on lo, some
    // answer EACCES (then: nothing to block). Either way no failure, and
    // undo leaves nothing behind.
    const std::string before = table6();
    netlink::Changes net;
    auto line = net.block_ipv6();
    c.expect(line.ok(), "block: " + (line ? *line : line.error().reason));
    c.expect(net.undo().ok() && net.empty(), "undo");
    c.expect(table6() == before, "table as before:\n" + before + "---\n" + table6());
  });
}
