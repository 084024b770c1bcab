#include "ppp/pap.hpp"


#include "ppp/auth_text.hpp"
#include "wire/hex.hpp"
#include "wire/text.hpp"

namespace ppp::auth {

namespace {
constexpr std::size_t kHeader = 4;

std::string as_string(wire::ByteView v) { return std::string(v.begin(), v.end()); }

wire::ByteView as_bytes(const std::string& s) {
  return wire::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
}  // namespace

wire::Result<PapPacket> decode_pap(wire::ByteView packet) {
  wire::Reader r(packet);
  auto code = r.u8();
  auto id = r.u8();
  auto length = r.u16();
  if (!r.ok()) return wire::Error::fatal("PAP packet shorter than its header");
  if (length < kHeader) return wire::Error::fatal("PAP length field below the header size");
  if (length > packet.size()) return wire::Error::fatal("PAP length field runs past the end of the packet");
  if (code < 1 || code > 3) return wire::Error::ignore("PAP packet with unknown code " + std::to_string(code));
  wire::Reader body(packet.subspan(kHeader, length - kHeader));
  PapPacket p;
  p.code = static_cast<PapCode>(code);
  p.id = id;
  switch (p.code) {
    case PapCode::AuthRequest: {
      auto peer_len = body.u8();
      p.peer_id = as_string(body.bytes(peer_len));
      auto pass_len = body.u8();
      p.password = as_string(body.bytes(pass_len));
      if (!body.ok()) return wire::Error::fatal("PAP Authenticate-Request field runs past the end of the packet");
      break;
    }
    case PapCode::AuthAck:
    case PapCode::AuthNak: {
      if (body.empty()) break;
      auto msg_len = body.u8();
      p.message = as_string(body.bytes(msg_len));
      if (!body.ok()) return wire::Error::fatal("PAP Msg-Length runs past the end of the packet");
      break;
    }
  }
  return p;
}

wire::Result<wire::Bytes> encode_pap(const PapPacket& p) {
  // Sized once: a growing buffer would leave copies of the password in the
  // blocks it frees.
  wire::Writer w(4 + 2 + p.peer_id.size() + p.password.size() + p.message.size());
  w.u8(static_cast<std::uint8_t>(p.code)).u8(p.id).u16(0);
  switch (p.code) {
    case PapCode::AuthRequest:
      if (p.peer_id.size() > 255 || p.password.size() > 255)
        return wire::Error::fatal("PAP peer id and password must be at most 255 bytes");
      w.u8(static_cast<std::uint8_t>(p.peer_id.size())).bytes(as_bytes(p.peer_id));
      w.u8(static_cast<std::uint8_t>(p.password.size())).bytes(as_bytes(p.password));
      break;
    case PapCode::AuthAck:
    case PapCode::AuthNak:
      if (p.message.size() > 255) return wire::Error::fatal("PAP message must be at most 255 bytes");
      w.u8(static_cast<std::uint8_t>(p.message.size())).bytes(as_bytes(p.message));
      break;
  }
  w.patch_u16(2, static_cast<std::uint16_t>(w.size()));
  return w.take();
}

std::string describe_pap(wire::ByteView packet) {
  auto decoded = decode_pap(packet);
  if (!decoded) return "[PAP malformed: " + decoded.error().reason + "]";
  auto& p = *decoded;
  const std::string id = wire::hex(p.id);
  std::string out;
  switch (p.code) {
    case PapCode::AuthRequest:
      out = std::string("[PAP AuthReq id=") + id + " user=\"" + wire::printable(p.peer_id) + "\" password=<hidden>]";
      break;
    case PapCode::AuthAck:
    case PapCode::AuthNak:
      out = std::string(p.code == PapCode::AuthAck ? "[PAP AuthAck id=" : "[PAP AuthNak id=") + id;
      if (!p.message.empty()) out += " \"" + wire::printable(p.message) + "\"";
      out += "]";
      break;
  }
  wipe(p.password);
  return out;
}

}  // namespace ppp::auth
