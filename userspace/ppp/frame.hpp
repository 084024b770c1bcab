#pragma once
// PPP frames and control packets (RFC 1661 sections 2 and 5).
//
// Frames come in from the peer with or without the FF 03 address/control
// prefix and with a one- or two-byte protocol field; we always write them as
// the kernel's /dev/ppp fds want: [proto_hi][proto_lo][payload].
#include <cstdint>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp {

// PPP protocol numbers.
namespace proto {
inline constexpr std::uint16_t IP = 0x0021;
inline constexpr std::uint16_t IPV6 = 0x0057;
inline constexpr std::uint16_t CompressedData = 0x00FD;  // MPPE-encrypted or undecryptable
inline constexpr std::uint16_t IPCP = 0x8021;
inline constexpr std::uint16_t IPV6CP = 0x8057;
inline constexpr std::uint16_t CCP = 0x80FD;
inline constexpr std::uint16_t LCP = 0xC021;
inline constexpr std::uint16_t PAP = 0xC023;
inline constexpr std::uint16_t CHAP = 0xC223;
inline constexpr std::uint16_t EAP = 0xC227;
}  // namespace proto

// Control packet codes. Codes 1..11 are LCP's; the NCPs use 1..7, CCP adds
// 14/15. Kept as plain numbers because a peer may send any byte.
namespace code {
inline constexpr std::uint8_t ConfReq = 1;
inline constexpr std::uint8_t ConfAck = 2;
inline constexpr std::uint8_t ConfNak = 3;
inline constexpr std::uint8_t ConfRej = 4;
inline constexpr std::uint8_t TermReq = 5;
inline constexpr std::uint8_t TermAck = 6;
inline constexpr std::uint8_t CodeRej = 7;
inline constexpr std::uint8_t ProtoRej = 8;
inline constexpr std::uint8_t EchoReq = 9;
inline constexpr std::uint8_t EchoReply = 10;
inline constexpr std::uint8_t DiscardReq = 11;
inline constexpr std::uint8_t ResetReq = 14;
inline constexpr std::uint8_t ResetAck = 15;
}  // namespace code

// Header of code, id and length; the rest of a packet is data.
inline constexpr std::size_t kPacketHeader = 4;
// The length field is 16 bits, so this is the most data a packet can carry.
inline constexpr std::size_t kMaxPacketData = 0xFFFF - kPacketHeader;

// Protocol-field rules of RFC 1661 section 2: low byte odd, high byte even.
bool valid_protocol(std::uint16_t protocol);
// The kernel routes >= 0xC000 (LCP and authentication) through the channel
// fd and everything else through the unit fd.
inline bool uses_channel_fd(std::uint16_t protocol) { return protocol >= 0xC000; }

struct Frame {
  std::uint16_t protocol = 0;
  wire::ByteView payload;  // points into the decoded buffer
};

// Accepts FF 03 or nothing in front, and a compressed (one-byte) protocol.
wire::Result<Frame> decode_frame(wire::ByteView bytes);
// [proto_hi][proto_lo][payload], as written to /dev/ppp.
wire::Bytes encode_frame(std::uint16_t protocol, wire::ByteView payload);

struct Packet {
  std::uint8_t code = 0;
  std::uint8_t id = 0;
  wire::ByteView data;  // exactly length - 4 bytes; padding beyond is dropped
};

// Length must be >= 4 and within the buffer; bytes after it are padding.
wire::Result<Packet> decode_packet(wire::ByteView bytes);
// Data longer than kMaxPacketData is cut there: the length field cannot say more.
wire::Bytes encode_packet(std::uint8_t code, std::uint8_t id, wire::ByteView data);
// Both in one, ready for the kernel.
wire::Bytes encode_control_frame(std::uint16_t protocol, std::uint8_t code, std::uint8_t id,
                                 wire::ByteView data);

}  // namespace ppp
