#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <string>

#include "daemon/tcp.hpp"
#include "kernel/in_addr.hpp"
#include "wire/fd.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;
using pptpctl::TcpDialer;

namespace {

in_addr loopback() {
  in_addr a{};
  ::inet_pton(AF_INET, "127.0.0.1", &a);
  return a;
}

// A TCP socket bound to 127.0.0.1 on a free port; listening when asked. A
// bound socket that does not listen answers SYN with RST: a closed port.
struct Server {
  wire::Fd fd;
  std::uint16_t port = 0;
  explicit Server(bool listening) {
    fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(fd);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr = loopback();
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
    socklen_t len = sizeof sa;
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) == 0);
    port = ntohs(sa.sin_port);
    if (listening) REQUIRE(::listen(fd.get(), 4) == 0);
  }
};

bool writable(int fd, int ms) {
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, ms) == 1;
}

}  // namespace

TEST_CASE("tcp: a dialer connects to a listening port once the socket is writable") {
  Server srv(true);
  auto d = TcpDialer::start(loopback(), srv.port);
  REQUIRE_MESSAGE(d.ok(), (d.ok() ? std::string() : d.error().reason));
  CHECK(d->where() == "127.0.0.1:" + std::to_string(srv.port));
  REQUIRE(writable(d->fd(), 5000));
  auto c = d->finish();
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().reason));
  CHECK(wire::to_string(kernel::to_ipv4(c->server)) == "127.0.0.1");
  CHECK(wire::to_string(kernel::to_ipv4(c->local)) == "127.0.0.1");
  int nodelay = 0;
  socklen_t len = sizeof nodelay;
  REQUIRE(::getsockopt(c->fd.get(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) == 0);
  CHECK(nodelay != 0);
  // The connection is handed over once.
  CHECK(d->fd() == -1);
  CHECK_FALSE(d->finish().ok());
}

TEST_CASE("tcp: failures are today's sentences") {
  Server closed(false);
  auto d = TcpDialer::start(loopback(), closed.port);
  REQUIRE(d.ok());
  REQUIRE(writable(d->fd(), 5000));
  auto c = d->finish();
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().reason == "cannot reach 127.0.0.1:" + std::to_string(closed.port) +
                                ": connection refused (no PPTP server listening on port 1723)");
}

TEST_CASE("tcp: connect_tcp resolves, connects and reports like before") {
  Server srv(true);
  struct Case {
    const char* host;
  } cases[] = {{"127.0.0.1"}, {"localhost"}};
  for (const auto& k : cases) {
    CAPTURE(k.host);
    auto c = pptpctl::connect_tcp(k.host, srv.port, std::chrono::seconds(5));
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().reason));
    CHECK(wire::to_string(kernel::to_ipv4(c->server)) == "127.0.0.1");
  }
  Server closed(false);
  auto refused = pptpctl::connect_tcp("127.0.0.1", closed.port, std::chrono::seconds(5));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason.find("connection refused") != std::string::npos);
}

TEST_CASE("tcp: no route fails at start; a silent peer times out") {
  NETNS_RUN([](Checks& c) {
    in_addr far{};
    ::inet_pton(AF_INET, "192.0.2.9", &far);
    auto d = TcpDialer::start(far, pptpctl::kPptpPort);
    c.expect(!d.ok(), "connected without a route");
    if (!d) c.expect(d.error().reason == "cannot reach 192.0.2.9:1723: network unreachable", d.error().reason);

    // A veth whose peer nobody answers ARP on: the SYN never gets out.
    c.sh("ip link add v0 type veth peer name v1");
    c.sh("ip addr add 192.0.2.2/24 dev v0");
    c.sh("ip link set v0 up");
    c.sh("ip link set v1 up");
    const auto start = std::chrono::steady_clock::now();
    auto t = pptpctl::connect_tcp("192.0.2.9", pptpctl::kPptpPort, std::chrono::milliseconds(500));
    const auto spent = std::chrono::steady_clock::now() - start;
    c.expect(!t.ok(), "connected to nobody");
    if (!t) c.expect(t.error().reason == "cannot reach 192.0.2.9:1723: no answer (timed out)", t.error().reason);
    c.expect(spent < std::chrono::seconds(3), "the timeout was not kept");
  });
}
