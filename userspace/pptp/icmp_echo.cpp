#include "pptp/icmp_echo.hpp"

namespace pptp {

namespace {

constexpr std::uint8_t kEchoReply = 0;    // RFC 792
constexpr std::uint8_t kEchoRequest = 8;  // RFC 792
constexpr std::uint8_t kProtocolIcmp = 1;

std::uint16_t be16(wire::ByteView b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

}  // namespace

std::uint16_t internet_checksum(wire::ByteView data) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += be16(data, i);
  if (i < data.size()) sum += static_cast<std::uint32_t>(data[i]) << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

wire::Bytes echo_request(std::uint16_t id, std::uint16_t seq, unsigned ip_size) {
  const unsigned icmp_size = ip_size > kIpv4HeaderMin + kIcmpEchoHeader ? ip_size - kIpv4HeaderMin
                                                                        : kIcmpEchoHeader;
  wire::Bytes out(icmp_size, 0);
  out[0] = kEchoRequest;
  out[4] = static_cast<std::uint8_t>(id >> 8);
  out[5] = static_cast<std::uint8_t>(id);
  out[6] = static_cast<std::uint8_t>(seq >> 8);
  out[7] = static_cast<std::uint8_t>(seq);
  // A pattern, not zeros: a link that compresses runs would carry a probe
  // of zeros in fewer bytes than it claims.
  for (std::size_t i = kIcmpEchoHeader; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i * 37 + 11);
  const std::uint16_t sum = internet_checksum(out);
  out[2] = static_cast<std::uint8_t>(sum >> 8);
  out[3] = static_cast<std::uint8_t>(sum);
  return out;
}

std::optional<std::uint16_t> echo_reply_seq(wire::ByteView packet, std::uint16_t id) {
  if (packet.size() < kIpv4HeaderMin) return std::nullopt;
  if ((packet[0] >> 4) != 4) return std::nullopt;
  const std::size_t ihl = static_cast<std::size_t>(packet[0] & 0x0F) * 4;
  if (ihl < kIpv4HeaderMin || packet.size() < ihl + kIcmpEchoHeader) return std::nullopt;
  if (packet[9] != kProtocolIcmp) return std::nullopt;
  // The IP total length bounds the ICMP message; a raw socket may hand over
  // less (truncated) or the same, never more that counts.
  const std::size_t total = be16(packet, 2);
  if (total < ihl + kIcmpEchoHeader || total > packet.size()) return std::nullopt;
  const auto icmp = packet.subspan(ihl, total - ihl);
  if (icmp[0] != kEchoReply || icmp[1] != 0) return std::nullopt;
  if (internet_checksum(icmp) != 0) return std::nullopt;
  if (be16(icmp, 4) != id) return std::nullopt;
  return be16(icmp, 6);
}

}  // namespace pptp
