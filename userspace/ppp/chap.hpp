#pragma once
// CHAP packets (RFC 1994), as carried in PPP protocol 0xC223 by CHAP-MD5 and
// both MS-CHAP versions, plus the CHAP-MD5 response itself.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp::auth {

inline constexpr std::uint16_t kProtoChap = 0xC223;

enum class ChapCode : std::uint8_t { Challenge = 1, Response = 2, Success = 3, Failure = 4 };

// Challenge/Response carry value + name; Success/Failure carry message.
struct ChapPacket {
  ChapCode code = ChapCode::Challenge;
  std::uint8_t id = 0;
  wire::Bytes value;    // Challenge/Response: 1..255 bytes
  std::string name;     // Challenge/Response: the sender's name (raw bytes)
  std::string message;  // Success/Failure (raw bytes, may be empty)
};

// Checks the header length against the buffer (bytes past Length are PPP
// padding and ignored) and Value-Size against the packet. An unknown code is
// an Ignore error; a malformed packet is Fatal to the packet, not the link.
wire::Result<ChapPacket> decode_chap(wire::ByteView packet);
// Fails if the value is empty or over 255 bytes or the packet over 65535.
wire::Result<wire::Bytes> encode_chap(const ChapPacket& packet);

// CHAP-MD5 response value: MD5(id || secret || challenge).
std::array<std::uint8_t, 16> chap_md5_response(std::uint8_t id, std::string_view secret, wire::ByteView challenge);

// One line for --debug, e.g. [CHAP Challenge id=0x1 <16 bytes> name="pptpd"].
// Values are never printed (a Response is password-derived).
std::string describe_chap(wire::ByteView packet);

}  // namespace ppp::auth
