#include "ppp/chap.hpp"

#include <nettle/md5.h>
#include <string.h>  // explicit_bzero

#include "ppp/auth_text.hpp"
#include "wire/hex.hpp"
#include "wire/text.hpp"

namespace ppp::auth {

namespace {
constexpr std::size_t kHeader = 4;

std::string as_string(wire::ByteView v) { return std::string(v.begin(), v.end()); }

const char* code_name(ChapCode code) {
  switch (code) {
    case ChapCode::Challenge: return "Challenge";
    case ChapCode::Response: return "Response";
    case ChapCode::Success: return "Success";
    case ChapCode::Failure: return "Failure";
  }
  return "?";
}
}  // namespace

wire::Result<ChapPacket> decode_chap(wire::ByteView packet) {
  wire::Reader r(packet);
  auto code = r.u8();
  auto id = r.u8();
  auto length = r.u16();
  if (!r.ok()) return wire::Error::fatal("CHAP packet shorter than its header");
  if (length < kHeader) return wire::Error::fatal("CHAP length field below the header size");
  if (length > packet.size()) return wire::Error::fatal("CHAP length field runs past the end of the packet");
  if (code < 1 || code > 4) return wire::Error::ignore("CHAP packet with unknown code " + std::to_string(code));
  wire::Reader body(packet.subspan(kHeader, length - kHeader));
  ChapPacket p;
  p.code = static_cast<ChapCode>(code);
  p.id = id;
  switch (p.code) {
    case ChapCode::Challenge:
    case ChapCode::Response: {
      auto value_size = body.u8();
      if (!body.ok()) return wire::Error::fatal("CHAP packet has no Value-Size");
      if (value_size == 0) return wire::Error::fatal("CHAP packet has an empty value");
      auto value = body.bytes(value_size);
      if (!body.ok()) return wire::Error::fatal("CHAP Value-Size runs past the end of the packet");
      p.value.assign(value.begin(), value.end());
      p.name = as_string(body.rest());
      break;
    }
    case ChapCode::Success:
    case ChapCode::Failure:
      p.message = as_string(body.rest());
      break;
  }
  return p;
}

wire::Result<wire::Bytes> encode_chap(const ChapPacket& p) {
  wire::Writer w;
  w.u8(static_cast<std::uint8_t>(p.code)).u8(p.id).u16(0);
  switch (p.code) {
    case ChapCode::Challenge:
    case ChapCode::Response:
      if (p.value.empty() || p.value.size() > 255) return wire::Error::fatal("CHAP value must be 1..255 bytes");
      w.u8(static_cast<std::uint8_t>(p.value.size())).bytes(p.value);
      w.bytes(wire::ByteView(reinterpret_cast<const std::uint8_t*>(p.name.data()), p.name.size()));
      break;
    case ChapCode::Success:
    case ChapCode::Failure:
      w.bytes(wire::ByteView(reinterpret_cast<const std::uint8_t*>(p.message.data()), p.message.size()));
      break;
  }
  if (w.size() > 0xFFFF) return wire::Error::fatal("CHAP packet longer than 65535 bytes");
  w.patch_u16(2, static_cast<std::uint16_t>(w.size()));
  return w.take();
}

std::array<std::uint8_t, 16> chap_md5_response(std::uint8_t id, std::string_view secret, wire::ByteView challenge) {
  md5_ctx ctx;
  md5_init(&ctx);
  md5_update(&ctx, 1, &id);
  md5_update(&ctx, secret.size(), reinterpret_cast<const std::uint8_t*>(secret.data()));
  md5_update(&ctx, challenge.size(), challenge.data());
  std::array<std::uint8_t, 16> out{};
  md5_digest(&ctx, out.size(), out.data());
  explicit_bzero(&ctx, sizeof ctx);  // its block buffer held the secret
  return out;
}

std::string describe_chap(wire::ByteView packet) {
  auto decoded = decode_chap(packet);
  if (!decoded) return "[CHAP malformed: " + decoded.error().reason + "]";
  const auto& p = *decoded;
  std::string out = std::string("[CHAP ") + code_name(p.code) + " id=" + wire::hex(p.id);
  switch (p.code) {
    case ChapCode::Challenge:
    case ChapCode::Response:
      out += " <" + std::to_string(p.value.size()) + " bytes> name=\"" + wire::printable(p.name) + "\"";
      break;
    case ChapCode::Success:
    case ChapCode::Failure:
      if (!p.message.empty()) out += " \"" + wire::printable(p.message) + "\"";
      break;
  }
  return out + "]";
}

}  // namespace ppp::auth
