#pragma once
// Builds the packets an on-path attacker would send into a PPTP call: an IPv4
// packet carrying enhanced GRE (RFC 2637 §4.1) with a PPP frame inside. Used
// by the unit test of the injection guard and by the lab's gre_inject tool.
// Header only, no project dependencies.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace gre_forge {

using Bytes = std::vector<std::uint8_t>;
using Addr = std::array<std::uint8_t, 4>;

inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}

// RFC 1071 Internet checksum.
inline std::uint16_t checksum(const std::uint8_t* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
  if (n % 2) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// An IPv4 header (no options) in front of `payload`, checksum filled in.
inline Bytes ipv4(const Addr& src, const Addr& dst, std::uint8_t protocol, const Bytes& payload) {
  Bytes b;
  b.push_back(0x45);
  b.push_back(0);
  put16(b, static_cast<std::uint16_t>(20 + payload.size()));
  put16(b, 0x4242);  // identification
  put16(b, 0x4000);  // DF
  b.push_back(64);
  b.push_back(protocol);
  put16(b, 0);
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  const std::uint16_t c = checksum(b.data(), 20);
  b[10] = static_cast<std::uint8_t>(c >> 8);
  b[11] = static_cast<std::uint8_t>(c);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// An ICMP echo request from src to dst, as an IPv4 packet.
inline Bytes icmp_echo(const Addr& src, const Addr& dst, std::uint16_t id, std::uint16_t seq) {
  Bytes icmp{8, 0, 0, 0};
  put16(icmp, id);
  put16(icmp, seq);
  for (char ch : {'i', 'n', 'j', 'e', 'c', 't', 'e', 'd'}) icmp.push_back(static_cast<std::uint8_t>(ch));
  const std::uint16_t c = checksum(icmp.data(), icmp.size());
  icmp[2] = static_cast<std::uint8_t>(c >> 8);
  icmp[3] = static_cast<std::uint8_t>(c);
  return ipv4(src, dst, 1, icmp);
}

struct Gre {
  std::uint16_t call_id = 0;           // the receiver's call ID
  std::optional<std::uint32_t> seq;    // S bit
  std::optional<std::uint32_t> ack;    // A bit
  bool address_control = true;         // FF 03 before the protocol
  Bytes ppp;                           // protocol (1 or 2 bytes) and information
};

// The GRE header and payload (what follows the IP header).
inline Bytes gre(const Gre& g) {
  Bytes payload;
  if (g.address_control && !g.ppp.empty()) payload = {0xFF, 0x03};
  payload.insert(payload.end(), g.ppp.begin(), g.ppp.end());
  Bytes b;
  b.push_back(static_cast<std::uint8_t>(0x20 | (g.seq ? 0x10 : 0)));  // K, S
  b.push_back(static_cast<std::uint8_t>((g.ack ? 0x80 : 0) | 0x01));  // A, version 1
  put16(b, 0x880B);
  put16(b, static_cast<std::uint16_t>(payload.size()));
  put16(b, g.call_id);
  if (g.seq) put32(b, *g.seq);
  if (g.ack) put32(b, *g.ack);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// A PPP frame carrying `packet` as IPv4 (protocol 0x0021), uncompressed.
inline Bytes ppp_ipv4(const Bytes& packet) {
  Bytes b{0x00, 0x21};
  b.insert(b.end(), packet.begin(), packet.end());
  return b;
}

}  // namespace gre_forge
