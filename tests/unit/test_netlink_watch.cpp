#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <string>

#include "netlink/route_watch.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;

namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

}  // namespace

TEST_CASE("netlink: the route watch reports link, address and route changes, and nothing when nothing changed") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link add tun0 type veth peer name tun0p");
    auto watch = netlink::RouteWatch::open();
    c.expect(watch.ok(), watch.ok() ? "" : watch.error().reason);
    if (!watch) return;
    const int fd = watch->fd();
    c.expect((::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "non-blocking");
    c.expect((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "close-on-exec");

    c.expect(!watch->drain(), "nothing yet");
    c.expect(!readable(fd), "not readable");

    struct Step {
      const char* what;
      const char* cmd;
    };
    const Step steps[] = {
        {"link up", "ip link set tun0 up"},
        {"address", "ip addr add 192.0.2.2/24 dev tun0"},
        {"route", "ip route add 203.0.113.0/24 via 192.0.2.1"},
        {"route removed", "ip route del 203.0.113.0/24"},
        {"link gone", "ip link del tun0"},
    };
    for (const Step& s : steps) {
      c.sh(s.cmd);
      c.expect(readable(fd), std::string(s.what) + ": readable");
      c.expect(watch->drain(), std::string(s.what) + ": drain() says changed");
      c.expect(!watch->drain(), std::string(s.what) + ": then nothing");
    }

    // More changes than the socket holds: the kernel drops some and says
    // ENOBUFS; drain() reports a change, reads on, and is empty after.
    int tiny = 1;  // the kernel rounds it up to its minimum
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    c.sh("ip link add tun1 type veth peer name tun1p && ip link set tun1 up && ip addr add 198.51.100.1/24 dev tun1");
    watch->drain();
    std::string batch;
    for (int i = 0; i < 200; ++i) batch += "route add 203.0.113." + std::to_string(i) + "/32 via 198.51.100.2\n";
    c.sh("printf '" + batch + "' | ip -batch -");
    c.expect(watch->drain(), "overrun: changed");
    c.expect(!watch->drain(), "overrun: then nothing");

    // Moved into another object, the watch keeps working.
    netlink::RouteWatch moved = std::move(*watch);
    c.sh("ip link add tun2 type veth peer name tun2p");
    c.expect(moved.drain(), "after a move");
  });
}
