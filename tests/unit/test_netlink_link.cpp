#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "netlink/changes.hpp"
#include "netlink/link.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;

static void send_udp_to(const wire::Ipv4& dst) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(9);
  std::memcpy(&sin.sin_addr, dst.data(), 4);
  const char byte = 0;
  ::sendto(fd, &byte, 1, 0, reinterpret_cast<const sockaddr*>(&sin), sizeof sin);
  ::close(fd);
}

// A veth pair stands in for the ppp interface, which this kernel cannot make.
static void make_tunnel(Checks& c, const std::string& name) {
  c.sh("ip link add " + name + " type veth peer name " + name + "p");
  c.sh("ip link set " + name + "p up");
}

TEST_CASE("netlink: point-to-point address is applied with local and peer, and removed on undo") {
  NETNS_RUN([](Checks& c) {
    make_tunnel(c, "tun0");
    netlink::Changes net;
    auto line = net.apply_address("tun0", {10, 0, 0, 2}, {10, 0, 0, 1});
    c.expect(line.ok(), line.ok() ? "" : line.error().reason);
    if (line) c.expect(*line == "address 10.0.0.2 peer 10.0.0.1/32 dev tun0", "description: " + *line);
    const auto shown = Checks::capture("ip -4 -o addr show dev tun0");
    c.expect(shown.find("inet 10.0.0.2 peer 10.0.0.1/32") != std::string::npos, "ip addr shows: " + shown);
    c.expect(net.size() == 1, "one step recorded");

    // Applying it again is success, and not ours to remove.
    netlink::Changes again;
    auto twice = again.apply_address("tun0", {10, 0, 0, 2}, {10, 0, 0, 1});
    c.expect(twice.ok() && twice->ends_with("(already present)"), "second apply reports already present");
    c.expect(again.empty(), "second apply records nothing");
    c.expect(again.undo().ok(), "undo of nothing succeeds");
    c.expect(Checks::capture("ip -4 -o addr show dev tun0").find("10.0.0.2") != std::string::npos,
             "address survives an undo that did not add it");

    auto report = net.undo();
    c.expect(report.ok() && report.done.size() == 1, "undo removes the address");
    c.expect(Checks::capture("ip -4 -o addr show dev tun0").find("10.0.0.2") == std::string::npos,
             "address gone after undo");
    c.expect(net.empty(), "record empty after undo");

    // IPCP may not name the peer: then it is a plain /32.
    auto nopeer = net.apply_address("tun0", {10, 0, 0, 3}, {0, 0, 0, 0});
    c.expect(nopeer.ok() && *nopeer == "address 10.0.0.3/32 dev tun0", "no-peer description");
    c.expect(Checks::capture("ip -4 -o addr show dev tun0").find("inet 10.0.0.3/32 scope global") != std::string::npos,
             "no-peer address: " + Checks::capture("ip -4 -o addr show dev tun0"));
    c.expect(net.undo().ok() && Checks::capture("ip -4 -o addr show dev tun0").find("10.0.0.3") == std::string::npos,
             "no-peer address undone");

    auto missing = net.apply_address("nosuch0", {10, 0, 0, 2}, {10, 0, 0, 1});
    c.expect(!missing.ok() && missing.error().reason.find("no interface named nosuch0") != std::string::npos,
             "missing interface is a sentence");
  });
}

TEST_CASE("netlink: link MTU, up/down, rename while down, counters") {
  NETNS_RUN([](Checks& c) {
    make_tunnel(c, "ppp0");
    auto links = netlink::LinkControl::open();
    c.expect(links.ok(), "open");
    if (!links) return;
    auto idx = links->index_of("ppp0");
    c.expect(idx.ok(), "index of ppp0");
    if (!idx) return;

    c.expect(links->set_mtu(*idx, 1396).ok(), "set MTU");
    c.expect(links->set_up(*idx, true).ok(), "set up");
    auto st = links->state(*idx);
    c.expect(st.ok() && st->mtu == 1396 && st->up, "MTU 1396 and up");
    c.expect(Checks::capture("ip -o link show dev ppp0").find("mtu 1396") != std::string::npos, "ip shows the MTU");

    // Kernels before 6.2 refuse to rename a running link; newer ones allow it.
    // Either way the answer is clean, and a refusal says why.
    auto live = links->rename(*idx, "ppp0");
    c.expect(live.ok() || live.error().reason.find("is up") != std::string::npos,
             "renaming a running link: " + (live ? std::string() : live.error().reason));
    c.expect(links->set_up(*idx, false).ok(), "set down");
    c.expect(links->rename(*idx, "pptp-office").ok(), "rename while down");
    auto renamed = links->index_of("pptp-office");
    c.expect(renamed.ok() && *renamed == *idx, "same index under the new name");
    c.expect(!links->index_of("ppp0").ok(), "old name gone");
    c.expect(!links->rename(*idx, "a-name-that-is-too-long").ok(), "over-long name refused");
    c.expect(links->set_up(*idx, true).ok(), "up again");

    // An ARP request for an unused neighbour leaves through the link at once
    // and arrives on the peer: both ends' counters move, no waiting.
    c.sh("ip addr add 192.0.2.2/24 dev pptp-office");
    auto peer = links->index_of("ppp0p");
    auto before = links->counters(*idx);
    auto peer_before = peer ? links->counters(*peer) : netlink::LinkCounters{};
    send_udp_to({192, 0, 2, 50});
    auto after = links->counters(*idx);
    auto peer_after = peer ? links->counters(*peer) : netlink::LinkCounters{};
    c.expect(before.ok() && after.ok() && peer_before.ok() && peer_after.ok(), "counters readable");
    if (before && after && peer_before && peer_after) {
      c.expect(after->tx_bytes > before->tx_bytes && after->tx_packets > before->tx_packets, "tx counters moved");
      c.expect(peer_after->rx_bytes > peer_before->rx_bytes && peer_after->rx_packets > peer_before->rx_packets,
               "peer's rx counters moved");
    }
    auto gone = links->set_mtu(9999, 1400);
    c.expect(!gone.ok() && gone.error().reason.find("no such interface") != std::string::npos,
             "unknown index: " + (gone ? std::string() : gone.error().reason));
  });
}
