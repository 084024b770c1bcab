#include "datapath/gre.hpp"

namespace datapath {

namespace {

// RFC 2637 §4.1 fixes every bit but S and A.
constexpr std::uint8_t kFlagKey = 0x20;
constexpr std::uint8_t kFlagSeq = 0x10;
constexpr std::uint8_t kFlagAck = 0x80;
constexpr std::uint8_t kVersion = 0x01;
// C, R, K, s and Recur must be exactly 0 0 1 0 000 once S is masked off.
constexpr std::uint8_t kByte0Mask = static_cast<std::uint8_t>(~kFlagSeq);
// Flags (4 bits) must be 0 and Ver 1 once A is masked off.
constexpr std::uint8_t kByte1Mask = static_cast<std::uint8_t>(~kFlagAck);

constexpr std::size_t kIpv4MinHeader = 20;

void put_u16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

void put_u32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

}  // namespace

wire::Result<GrePacket> parse_gre(wire::ByteView datagram, std::uint16_t our_call_id) {
  // Outer IPv4 (RFC 791 §3.1). The kernel has checked the checksum and
  // reassembled fragments; the rest is cheap to check again.
  wire::Reader ip(datagram);
  const std::uint8_t version_ihl = ip.u8();
  ip.skip(1);  // type of service
  const std::uint16_t total_length = ip.u16();
  ip.skip(2);  // identification
  const std::uint16_t fragment = ip.u16();
  ip.skip(1);  // TTL
  const std::uint8_t protocol = ip.u8();
  if (!ip.ok() || datagram.size() < kIpv4MinHeader)
    return wire::Error::ignore("datagram shorter than an IPv4 header");
  if ((version_ihl >> 4) != 4) return wire::Error::ignore("datagram is not IPv4");
  const std::size_t ihl = std::size_t{version_ihl & 0x0Fu} * 4;
  if (ihl < kIpv4MinHeader || ihl > datagram.size())
    return wire::Error::ignore("IPv4 header length is out of range");
  if (total_length != datagram.size())
    return wire::Error::ignore("IPv4 total length differs from the datagram's size");
  // More-fragments set or a non-zero offset: the kernel reassembles before a
  // raw socket sees anything, so this is not a packet we can trust.
  if ((fragment & 0x3FFF) != 0) return wire::Error::ignore("IPv4 fragment");
  if (protocol != kIpProtocolGre) return wire::Error::ignore("IPv4 payload is not GRE");

  wire::Reader r(datagram.subspan(ihl));
  const std::uint8_t b0 = r.u8();
  const std::uint8_t b1 = r.u8();
  const std::uint16_t gre_protocol = r.u16();
  GrePacket p;
  p.header.payload_length = r.u16();
  p.header.call_id = r.u16();
  if (!r.ok()) return wire::Error::ignore("GRE header is truncated");
  if ((b0 & kByte0Mask) != kFlagKey)
    return wire::Error::ignore("GRE flags are not those of RFC 2637 (C=0 R=0 K=1 s=0 Recur=0)");
  if ((b1 & kByte1Mask) != kVersion) return wire::Error::ignore("GRE version is not 1 (enhanced GRE)");
  if (gre_protocol != kGreProtocolPpp) return wire::Error::ignore("GRE protocol is not PPP (0x880B)");
  if ((b0 & kFlagSeq) != 0) p.header.seq = r.u32();
  if ((b1 & kFlagAck) != 0) p.header.ack = r.u32();
  if (!r.ok()) return wire::Error::ignore("GRE header is truncated");
  if (p.header.payload_length != r.remaining())
    return wire::Error::ignore("GRE payload length differs from the datagram");
  // RFC 2637 §4.1: S is set when a payload is present; a packet without one
  // exists only to acknowledge.
  if (p.header.seq.has_value() != (p.header.payload_length != 0))
    return wire::Error::ignore("GRE sequence flag disagrees with the payload");
  if (!p.header.seq && !p.header.ack) return wire::Error::ignore("GRE packet carries neither data nor ack");
  if (p.header.call_id != our_call_id) return wire::Error::ignore("GRE packet for another call");
  p.payload_offset = ihl + r.position();
  return p;
}

std::size_t write_gre(std::span<std::uint8_t> at, const GreHeader& header) {
  const std::size_t size = gre_header_size(header.seq.has_value(), header.ack.has_value());
  if (at.size() < size) return 0;
  std::uint8_t* p = at.data();
  p[0] = static_cast<std::uint8_t>(kFlagKey | (header.seq ? kFlagSeq : 0));
  p[1] = static_cast<std::uint8_t>(kVersion | (header.ack ? kFlagAck : 0));
  put_u16(p + 2, kGreProtocolPpp);
  put_u16(p + 4, header.payload_length);
  put_u16(p + 6, header.call_id);
  std::size_t at_field = kGreBase;
  if (header.seq) {
    put_u32(p + at_field, *header.seq);
    at_field += 4;
  }
  if (header.ack) put_u32(p + at_field, *header.ack);
  return size;
}

}  // namespace datapath
