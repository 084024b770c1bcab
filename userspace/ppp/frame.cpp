#include "ppp/frame.hpp"

#include <algorithm>

namespace ppp {

bool valid_protocol(std::uint16_t protocol) { return (protocol & 0x0001) != 0 && (protocol & 0x0100) == 0; }

wire::Result<Frame> decode_frame(wire::ByteView bytes) {
  wire::Reader r(bytes);
  // FF 03 cannot be the start of a protocol field (0xFF03 has an odd high
  // byte), so seeing it means the address/control prefix is there.
  if (bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0x03) r.skip(2);
  if (r.empty()) return wire::Error::ignore("PPP frame has no protocol field");
  std::uint16_t protocol = r.u8();
  if ((protocol & 0x01) == 0) {
    // Even first byte: the field is two bytes long.
    if (r.empty()) return wire::Error::ignore("PPP frame ends inside its protocol field");
    protocol = static_cast<std::uint16_t>((protocol << 8) | r.u8());
  }
  if (!valid_protocol(protocol)) return wire::Error::ignore("PPP frame has an invalid protocol number");
  return Frame{protocol, r.rest()};
}

wire::Bytes encode_frame(std::uint16_t protocol, wire::ByteView payload) {
  wire::Writer w(2 + payload.size());
  w.u16(protocol).bytes(payload);
  return w.take();
}

wire::Result<Packet> decode_packet(wire::ByteView bytes) {
  wire::Reader r(bytes);
  Packet p;
  p.code = r.u8();
  p.id = r.u8();
  const std::uint16_t length = r.u16();
  if (!r.ok()) return wire::Error::ignore("control packet shorter than its 4-byte header");
  if (length < kPacketHeader) return wire::Error::ignore("control packet length field is below 4");
  if (length > bytes.size()) return wire::Error::ignore("control packet length field runs past the frame");
  p.data = r.bytes(length - kPacketHeader);
  return p;
}

wire::Bytes encode_packet(std::uint8_t code, std::uint8_t id, wire::ByteView data) {
  data = data.first(std::min(data.size(), kMaxPacketData));
  wire::Writer w(kPacketHeader + data.size());
  w.u8(code).u8(id).u16(static_cast<std::uint16_t>(kPacketHeader + data.size())).bytes(data);
  return w.take();
}

wire::Bytes encode_control_frame(std::uint16_t protocol, std::uint8_t code, std::uint8_t id,
                                 wire::ByteView data) {
  return encode_frame(protocol, encode_packet(code, id, data));
}

}  // namespace ppp
