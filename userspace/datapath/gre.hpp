#pragma once
// Enhanced GRE (RFC 2637 §4.1), the PPTP data channel: parse what the raw
// socket returns (outer IPv4 header first) and write our header in front of
// a PPP frame. Everything the RFC fixes is checked; anything else is dropped.
//
//   byte 0: C R K S s Recur   must be 0 0 1 S 0 000   (0x30 or 0x20)
//   byte 1: A Flags Ver       must be A 0000 001      (0x01 or 0x81)
//   bytes 2-3: protocol 0x880B
//   key: payload length (16 bits), call ID (16 bits)
//   sequence number if S, acknowledgment number if A
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace datapath {

inline constexpr std::uint16_t kGreProtocolPpp = 0x880B;
inline constexpr std::uint8_t kIpProtocolGre = 47;
// Base header (flags, version, protocol, key) and the optional fields.
inline constexpr std::size_t kGreBase = 8;
inline constexpr std::size_t kGreMax = 16;

struct GreHeader {
  std::uint16_t payload_length = 0;
  std::uint16_t call_id = 0;
  std::optional<std::uint32_t> seq;  // present on every packet carrying PPP
  std::optional<std::uint32_t> ack;  // the highest sequence number received
};

struct GrePacket {
  GreHeader header;
  // The PPP frame: datagram[payload_offset, payload_offset + payload_length).
  std::size_t payload_offset = 0;
};

// One datagram from a SOCK_RAW/IPPROTO_GRE socket: IPv4 header (version 4,
// IHL >= 5, total length == the datagram's size, not a fragment, protocol
// 47), then enhanced GRE for our_call_id whose payload length is exactly what
// follows the header. A packet with S carries a payload, one without carries
// none and must have A (a stand-alone acknowledgment).
wire::Result<GrePacket> parse_gre(wire::ByteView datagram, std::uint16_t our_call_id);

inline constexpr std::size_t gre_header_size(bool seq, bool ack) {
  return kGreBase + (seq ? 4 : 0) + (ack ? 4 : 0);
}

// Writes the header at the start of `at` (gre_header_size bytes of it) and
// returns the size written; 0 if `at` is too short.
std::size_t write_gre(std::span<std::uint8_t> at, const GreHeader& header);

}  // namespace datapath
