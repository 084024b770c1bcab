#include "ppp/describe.hpp"

#include <algorithm>

#include "ppp/ccp.hpp"
#include "ppp/frame.hpp"
#include "ppp/ipcp.hpp"
#include "ppp/lcp.hpp"
#include "ppp/options.hpp"
#include "wire/hex.hpp"
#include "wire/text.hpp"
#include "wire/ipv4.hpp"

namespace ppp {

namespace {

// Long dumps help nobody in a one-line log.
constexpr std::size_t kMaxHexBytes = 32;
constexpr std::size_t kMaxTextBytes = 64;

std::string hex_bytes(wire::ByteView b) { return wire::hex_dump(b, kMaxHexBytes); }

// Names and messages are the peer's text: the shared escaper (wire/text.hpp).
std::string quoted(wire::ByteView b) { return wire::quoted(b, kMaxTextBytes); }

// The first four bytes of v, which the caller has checked are there.
std::string address(wire::ByteView v) { return wire::to_string(wire::Ipv4{v[0], v[1], v[2], v[3]}); }

std::string raw_option(const Option& o) {
  wire::Writer w;
  write_option(w, o);
  return "<" + hex_bytes(w.view()) + ">";
}

std::string lcp_option_text(const Option& o) {
  const auto n = o.value.size();
  switch (o.type) {
    case lcp_option::Mru:
      if (n == 2) return "<mru " + std::to_string(option_u16(o)) + ">";
      break;
    case lcp_option::Accm:
      if (n == 4) return "<asyncmap " + wire::hex(option_u32(o)) + ">";
      break;
    case lcp_option::AuthProtocol: {
      if (n < 2) break;
      const auto p = option_u16(o);
      if (p == proto::PAP && n == 2) return "<auth pap>";
      if (p == proto::EAP && n == 2) return "<auth eap>";
      if (p == proto::CHAP && n == 3) {
        switch (o.value[2]) {
          case chap_algorithm::MsChapV2: return "<auth chap MS-v2>";
          case chap_algorithm::MsChapV1: return "<auth chap MS>";
          case chap_algorithm::Md5: return "<auth chap MD5>";
          default: return "<auth chap " + wire::hex(o.value[2]) + ">";  // a byte from the wire
        }
      }
      return "<auth " + wire::hex(p) + (n > 2 ? " " + hex_bytes(o.value.subspan(2)) : "") + ">";
    }
    case lcp_option::QualityProtocol:
      if (n >= 2) return "<quality " + wire::hex(option_u16(o)) + ">";
      break;
    case lcp_option::MagicNumber:
      if (n == 4) return "<magic " + wire::hex(option_u32(o)) + ">";
      break;
    case lcp_option::Pfc:
      if (n == 0) return "<pcomp>";
      break;
    case lcp_option::Acfc:
      if (n == 0) return "<accomp>";
      break;
    case lcp_option::Callback:
      if (n >= 1) return "<callback " + wire::hex(o.value[0]) + ">";
      break;
    case lcp_option::Mrru:
      if (n == 2) return "<mrru " + std::to_string(option_u16(o)) + ">";
      break;
    case lcp_option::EndpointDiscriminator:
      if (n >= 1) return "<endpoint class " + std::to_string(o.value[0]) + ">";
      break;
    default:  // a byte from the wire
      break;
  }
  return raw_option(o);
}

std::string ipcp_option_text(const Option& o) {
  const auto n = o.value.size();
  switch (o.type) {
    case ipcp_option::IpAddresses:
      if (n == 8) return "<addrs " + address(o.value) + " " + address(o.value.subspan(4)) + ">";
      break;
    case ipcp_option::IpCompression:
      if (n >= 2) {
        const auto p = option_u16(o);
        return p == 0x002D ? "<compress VJ>" : "<compress " + wire::hex(p) + ">";
      }
      break;
    case ipcp_option::IpAddress:
      if (n == 4) return "<addr " + address(o.value) + ">";
      break;
    case ipcp_option::PrimaryDns:
      if (n == 4) return "<ms-dns1 " + address(o.value) + ">";
      break;
    case ipcp_option::PrimaryNbns:
      if (n == 4) return "<ms-wins1 " + address(o.value) + ">";
      break;
    case ipcp_option::SecondaryDns:
      if (n == 4) return "<ms-dns2 " + address(o.value) + ">";
      break;
    case ipcp_option::SecondaryNbns:
      if (n == 4) return "<ms-wins2 " + address(o.value) + ">";
      break;
    default:  // a byte from the wire
      break;
  }
  return raw_option(o);
}

std::string ccp_option_text(const Option& o) {
  const auto n = o.value.size();
  switch (o.type) {
    case ccp_option::Mppe: {
      if (n != 4) break;
      const auto v = option_u32(o);
      auto flag = [v](std::uint32_t bit, char name) { return std::string(" ") + ((v & bit) ? '+' : '-') + name; };
      std::string s = "<mppe" + flag(mppe_bit::H, 'H') + flag(mppe_bit::M, 'M') + flag(mppe_bit::S, 'S') +
                      flag(mppe_bit::L, 'L') + flag(mppe_bit::D, 'D') + flag(mppe_bit::C, 'C');
      const auto known = mppe_bit::H | mppe_bit::M | mppe_bit::S | mppe_bit::L | mppe_bit::D | mppe_bit::C;
      if (v & ~known) s += " +" + wire::hex(v & ~known);
      return s + ">";
    }
    case ccp_option::Deflate:
    case 24:  // the draft's Deflate number, still sent by old pppd
      if (n == 2) return std::string("<deflate") + (o.type == 24 ? "(old#)" : "") + " " +
                         std::to_string((o.value[0] >> 4) + 8) + ">";
      break;
    case ccp_option::BsdCompress:
      if (n == 1) return "<bsd v" + std::to_string(o.value[0] >> 5) + " " + std::to_string(o.value[0] & 0x1F) + ">";
      break;
    case ccp_option::Predictor1:
      if (n == 0) return "<predictor 1>";
      break;
    case ccp_option::Predictor2:
      if (n == 0) return "<predictor 2>";
      break;
    default:  // a byte from the wire
      break;
  }
  return raw_option(o);
}

std::string code_name(std::uint16_t protocol, std::uint8_t c) {
  static constexpr const char* kNames[] = {nullptr,   "ConfReq", "ConfAck", "ConfNak", "ConfRej",
                                           "TermReq", "TermAck", "CodeRej", "ProtRej", "EchoReq",
                                           "EchoRep", "DiscReq", "Ident",   "TimeRem"};
  const std::uint8_t ncp_last = protocol == proto::LCP ? 13 : 7;
  if (c >= 1 && c <= ncp_last) return kNames[c];
  if (protocol == proto::CCP && c == code::ResetReq) return "ResetReq";
  if (protocol == proto::CCP && c == code::ResetAck) return "ResetAck";
  return "code=" + wire::hex(c);
}

std::string header(std::uint16_t protocol, const std::string& what, std::uint8_t id) {
  return "[" + protocol_name(protocol) + " " + what + " id=" + wire::hex(id);
}

std::string malformed(std::uint16_t protocol, wire::ByteView packet) {
  return "[" + protocol_name(protocol) + " malformed" + (packet.empty() ? "" : " " + hex_bytes(packet)) + "]";
}

}  // namespace

std::string protocol_name(std::uint16_t protocol) {
  switch (protocol) {
    case proto::IP: return "IP";
    case proto::IPV6: return "IPV6";
    case proto::CompressedData: return "CompressedData";
    case proto::IPCP: return "IPCP";
    case proto::IPV6CP: return "IPV6CP";
    case proto::CCP: return "CCP";
    case proto::LCP: return "LCP";
    case proto::PAP: return "PAP";
    case proto::CHAP: return "CHAP";
    case proto::EAP: return "EAP";
    default: return "proto=" + wire::hex(protocol);  // a number from the wire
  }
}

std::string describe_control(std::uint16_t protocol, wire::ByteView packet) {
  auto p = decode_packet(packet);
  if (!p) return malformed(protocol, packet);
  std::string s = header(protocol, code_name(protocol, p->code), p->id);
  wire::Reader r(p->data);
  switch (p->code) {
    case code::ConfReq:
    case code::ConfAck:
    case code::ConfNak:
    case code::ConfRej: {
      auto options = decode_options(p->data);
      if (!options) return s + " bad options " + hex_bytes(p->data) + "]";
      for (const auto& o : *options) {
        s += ' ';
        s += protocol == proto::LCP    ? lcp_option_text(o)
             : protocol == proto::IPCP ? ipcp_option_text(o)
             : protocol == proto::CCP  ? ccp_option_text(o)
                                       : raw_option(o);
      }
      return s + "]";
    }
    case code::TermReq:
    case code::TermAck:
      if (!p->data.empty()) s += " " + quoted(p->data);
      return s + "]";
    case code::CodeRej:
      if (!p->data.empty()) s += " rejected " + hex_bytes(p->data);
      return s + "]";
    default:  // a byte from the wire
      break;
  }
  if (protocol == proto::LCP) {
    if (p->code == code::ProtoRej && p->data.size() >= 2) {
      s += " proto=" + protocol_name(r.u16());
      if (!r.empty()) s += " " + hex_bytes(r.rest());
      return s + "]";
    }
    if ((p->code == code::EchoReq || p->code == code::EchoReply || p->code == code::DiscardReq) &&
        p->data.size() >= 4) {
      s += " magic=" + wire::hex(r.u32());
      if (!r.empty()) s += " " + hex_bytes(r.rest());
      return s + "]";
    }
  }
  if (!p->data.empty()) s += " " + hex_bytes(p->data);
  return s + "]";
}

std::string describe_chap(wire::ByteView packet) {
  auto p = decode_packet(packet);
  if (!p) return malformed(proto::CHAP, packet);
  static constexpr const char* kNames[] = {nullptr, "Challenge", "Response", "Success", "Failure"};
  std::string s = header(proto::CHAP, p->code >= 1 && p->code <= 4 ? kNames[p->code] : "code=" + wire::hex(p->code),
                         p->id);
  wire::Reader r(p->data);
  if (p->code == 1 || p->code == 2) {
    const auto size = r.u8();
    auto value = r.bytes(size);
    if (!r.ok()) return s + " bad " + hex_bytes(p->data) + "]";
    s += " <" + std::to_string(value.size()) + "-byte value> name=" + quoted(r.rest());
  } else if (!p->data.empty()) {
    s += " " + quoted(p->data);
  }
  return s + "]";
}

std::string describe_pap(wire::ByteView packet) {
  auto p = decode_packet(packet);
  if (!p) return malformed(proto::PAP, packet);
  static constexpr const char* kNames[] = {nullptr, "AuthReq", "AuthAck", "AuthNak"};
  std::string s = header(proto::PAP, p->code >= 1 && p->code <= 3 ? kNames[p->code] : "code=" + wire::hex(p->code),
                         p->id);
  wire::Reader r(p->data);
  if (p->code == 1) {
    auto user = r.bytes(r.u8());
    r.bytes(r.u8());
    if (!r.ok()) return s + " bad]";
    s += " user=" + quoted(user) + " password=<hidden>";
  } else if (p->code == 2 || p->code == 3) {
    auto message = r.bytes(r.u8());
    if (r.ok() && !message.empty()) s += " " + quoted(message);
  }
  return s + "]";
}

std::string describe_eap(wire::ByteView packet) {
  auto p = decode_packet(packet);
  if (!p) return malformed(proto::EAP, packet);
  static constexpr const char* kNames[] = {nullptr, "Request", "Response", "Success", "Failure"};
  std::string s = header(proto::EAP, p->code >= 1 && p->code <= 4 ? kNames[p->code] : "code=" + wire::hex(p->code),
                         p->id);
  if ((p->code == 1 || p->code == 2) && !p->data.empty()) s += " type=" + std::to_string(p->data[0]);
  return s + "]";
}

std::string describe(std::uint16_t protocol, wire::ByteView packet) {
  switch (protocol) {
    case proto::LCP:
    case proto::IPCP:
    case proto::CCP:
    case proto::IPV6CP:
      return describe_control(protocol, packet);
    case proto::CHAP: return describe_chap(packet);
    case proto::PAP: return describe_pap(packet);
    case proto::EAP: return describe_eap(packet);
    default:  // a number from the wire
      if (protocol < 0x4000) return "[" + protocol_name(protocol) + " " + std::to_string(packet.size()) + " bytes]";
      return "[" + protocol_name(protocol) + (packet.empty() ? "" : " " + hex_bytes(packet)) + "]";
  }
}

std::string describe_frame(wire::ByteView frame) {
  auto f = decode_frame(frame);
  if (!f) return "[bad frame" + (frame.empty() ? std::string() : " " + hex_bytes(frame)) + "]";
  return describe(f->protocol, f->payload);
}

}  // namespace ppp
