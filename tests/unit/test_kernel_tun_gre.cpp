// The userspace data path's two sockets against a real kernel, in a private
// network namespace: GRE datagrams written into the TUN device come out of a
// connected raw GRE socket (source filtered, batched, truncation counted),
// and what the socket sends comes out of the TUN device as IPv4/GRE.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <poll.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernel/gre_socket.hpp"
#include "kernel/tun.hpp"
#include "netns_test_util.hpp"

namespace {

constexpr std::uint8_t kProtoGre = 47;

in_addr addr(const char* s) {
  in_addr a{};
  ::inet_pton(AF_INET, s, &a);
  return a;
}

// An IPv4 header (checksummed: the stack drops bad ones) with a GRE payload.
std::vector<std::uint8_t> ipv4_gre(in_addr src, in_addr dst, const std::vector<std::uint8_t>& payload) {
  const std::size_t total = 20 + payload.size();
  std::vector<std::uint8_t> p(total);
  if (!payload.empty()) std::memcpy(p.data() + 20, payload.data(), payload.size());
  p[0] = 0x45;
  p[2] = static_cast<std::uint8_t>(total >> 8);
  p[3] = static_cast<std::uint8_t>(total);
  p[8] = 64;
  p[9] = kProtoGre;
  std::memcpy(&p[12], &src, 4);
  std::memcpy(&p[16], &dst, 4);
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  const auto ck = static_cast<std::uint16_t>(~sum);
  p[10] = static_cast<std::uint8_t>(ck >> 8);
  p[11] = static_cast<std::uint8_t>(ck);
  return p;
}

// Enhanced GRE (RFC 2637 §4.1) with a sequence number and `n` payload bytes.
std::vector<std::uint8_t> gre(std::uint8_t tag, std::size_t n = 4) {
  std::vector<std::uint8_t> g = {0x30, 0x01, 0x88, 0x0B, 0, static_cast<std::uint8_t>(n), 0x12, 0x34, 0, 0, 0, tag};
  g.insert(g.end(), n, tag);
  return g;
}

void wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  ::poll(&p, 1, 1000);
}

}  // namespace

TEST_CASE("kernel: TUN and the raw GRE socket carry datagrams both ways, filtered and batched") {
  NETNS_RUN([](netns_test::Checks& c) {
    auto tun = kernel::Tun::open("pptp-test0");
    c.expect(tun.ok(), "Tun::open: " + (tun ? std::string() : tun.error().reason));
    if (!tun) return;
    c.expect(tun->name() == "pptp-test0", "name is " + tun->name());
    c.expect(tun->index() > 0, "an interface index");
    // A second device of the same name is refused in one sentence.
    auto again = kernel::Tun::open("pptp-test0");
    c.expect(!again.ok() && again.error().reason.find("exists already") != std::string::npos,
             "second open: " + (again ? std::string("succeeded") : again.error().reason));
    c.sh("ip link set lo up");
    c.sh("ip link set pptp-test0 up");
    c.sh("ip addr add 198.51.100.1/24 dev pptp-test0");

    const in_addr us = addr("198.51.100.1"), server = addr("198.51.100.2"), other = addr("198.51.100.3");
    auto sock = kernel::GreSocket::open(us, server);
    c.expect(sock.ok(), "GreSocket::open: " + (sock ? std::string() : sock.error().reason));
    if (!sock) return;

    // Three from the server, one from someone else: the connected socket
    // sees only the server's, in order, in one call.
    for (std::uint8_t tag : {std::uint8_t{1}, std::uint8_t{2}}) c.expect(tun->write(ipv4_gre(server, us, gre(tag))).ok(), "TUN write");
    c.expect(tun->write(ipv4_gre(other, us, gre(9))).ok(), "TUN write (other source)");
    // writev: the header and the payload as two pieces.
    const auto third = ipv4_gre(server, us, gre(3));
    const wire::ByteView pieces[] = {wire::ByteView(third).first(20), wire::ByteView(third).subspan(20)};
    c.expect(tun->write(std::span<const wire::ByteView>(pieces)).ok(), "TUN writev");
    wait_readable(sock->fd());
    std::vector<std::vector<std::uint8_t>> bufs(8, std::vector<std::uint8_t>(2048));
    std::vector<std::span<std::uint8_t>> spans(bufs.begin(), bufs.end());
    std::vector<std::size_t> sizes(8);
    auto got = sock->receive(spans, sizes);
    c.expect(got.ok() && *got == 3, "3 datagrams from the server, got " + (got ? std::to_string(*got) : got.error().reason));
    if (got && *got == 3) {
      for (std::size_t i = 0; i < 3; ++i) {
        c.expect(sizes[i] == 20 + 12 + 4, "datagram " + std::to_string(i) + " has its IPv4 header and GRE");
        c.expect(bufs[i][20] == 0x30 && bufs[i][20 + 11] == i + 1, "datagram " + std::to_string(i) + " in order");
      }
    }
    auto none = sock->receive(spans, sizes);
    c.expect(none.ok() && *none == 0, "nothing more: 0, not an error");

    // Longer than its buffer: dropped and counted, the next one kept.
    c.expect(tun->write(ipv4_gre(server, us, gre(4, 200))).ok(), "TUN write (long)");
    c.expect(tun->write(ipv4_gre(server, us, gre(5))).ok(), "TUN write (short)");
    wait_readable(sock->fd());
    std::vector<std::uint8_t> small_a(64), small_b(64);
    std::span<std::uint8_t> small[] = {small_a, small_b};
    std::size_t small_sizes[2] = {};
    got = sock->receive(small, small_sizes);
    c.expect(got.ok() && *got == 1 && small_a[20 + 11] == 5, "the long datagram is dropped, the short one kept");
    c.expect(sock->truncated() == 1, "one truncated datagram counted");

    // Out: one sendmmsg, read back from the TUN device as IPv4/GRE.
    const auto a = gre(6), b = gre(7);
    const wire::ByteView out[] = {a, b};
    auto sent = sock->send(out);
    c.expect(sent.ok() && *sent == 2, "both sent");
    std::vector<std::uint8_t> pkt(2048);
    for (std::uint8_t tag : {std::uint8_t{6}, std::uint8_t{7}}) {
      // IPv6 link-local chatter (router solicitations) may come first, and
      // the ICMP protocol-unreachable for the other source's datagram.
      wire::Result<kernel::Tun::Read> r = kernel::Tun::Read{};
      for (int tries = 0; tries < 20; ++tries) {
        wait_readable(tun->fd());
        r = tun->read(pkt);
        if (!r || r->status != kernel::Tun::IoStatus::Done || ((pkt[0] >> 4) == 4 && pkt[9] == kProtoGre)) break;
      }
      c.expect(r.ok() && r->status == kernel::Tun::IoStatus::Done, "TUN read");
      if (!r || r->status != kernel::Tun::IoStatus::Done) return;
      char dump[64];
      std::snprintf(dump, sizeof dump, "size %zu, %02x %02x .. proto %u, tag %u", r->size, pkt[0], pkt[1], pkt[9],
                    pkt[20 + 11]);
      c.expect(r->size == 20 + a.size() && pkt[9] == kProtoGre && std::memcmp(&pkt[16], &server, 4) == 0 &&
                   std::memcmp(&pkt[12], &us, 4) == 0 && pkt[20 + 11] == tag,
               "IPv4/GRE from us to the server, tag " + std::to_string(tag) + ": " + dump);
    }
    c.sh("sysctl -w net.ipv6.conf.pptp-test0.disable_ipv6=1");
    for (;;) {  // whatever IPv6 chatter is left, then nothing
      auto more = tun->read(pkt);
      c.expect(more.ok(), "TUN read");
      if (!more || more->status == kernel::Tun::IoStatus::WouldBlock) break;
      c.expect((pkt[0] >> 4) == 6, "only IPv6 chatter left");
    }

    // Closing the fd removes the interface.
    tun->close();
    c.expect(netns_test::Checks::capture("ip -o link show pptp-test0").find("pptp-test0:") == std::string::npos,
             "the interface is gone after close");
  });
}

TEST_CASE("kernel: TUN names are checked before the kernel sees them") {
  for (const char* bad : {"", "a-name-of-16-chr"}) {
    CAPTURE(bad);
    auto t = kernel::Tun::open(bad);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().reason.find("a name of 1 to 15 characters") != std::string::npos);
  }
}
