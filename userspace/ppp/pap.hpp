#pragma once
// PAP packets (RFC 1334 §2.2), PPP protocol 0xC023.
#include <cstdint>
#include <string>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp::auth {

inline constexpr std::uint16_t kProtoPap = 0xC023;

enum class PapCode : std::uint8_t { AuthRequest = 1, AuthAck = 2, AuthNak = 3 };

struct PapPacket {
  PapCode code = PapCode::AuthRequest;
  std::uint8_t id = 0;
  std::string peer_id;   // AuthRequest
  std::string password;  // AuthRequest: a secret, never log it
  std::string message;   // AuthAck / AuthNak
};

// Length is checked against the buffer (bytes past it are padding). An
// Ack/Nak without the Msg-Length byte is accepted with an empty message, as
// some servers send one; a Msg-Length past the end is rejected.
wire::Result<PapPacket> decode_pap(wire::ByteView packet);
// Fails if a field is over 255 bytes.
wire::Result<wire::Bytes> encode_pap(const PapPacket& packet);

// One line for --debug; the password is never shown:
// [PAP AuthReq id=0x1 user="alice" password=<hidden>].
std::string describe_pap(wire::ByteView packet);

}  // namespace ppp::auth
