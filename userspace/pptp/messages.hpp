#pragma once
// PPTP control messages (RFC 2637 section 2): one plain struct per message,
// an encoder and a decoder that checks every header field and the exact size
// for the type before reading the body.
//
// Reserved fields are not kept: they are written as zero and ignored on
// input. Length fields that describe a fixed text field (phone number
// length) are derived from the text on encode, so decode(encode(m)) == m.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace pptp {

inline constexpr std::uint16_t kControlMessage = 1;  // PPTP message type
inline constexpr std::uint32_t kMagicCookie = 0x1A2B3C4D;
inline constexpr std::uint16_t kProtocolVersion = 0x0100;
inline constexpr std::size_t kHeaderSize = 12;
// The largest message (ICRQ) is 220 bytes; anything claiming more than this
// is garbage, and bounding it bounds what a peer can make us buffer.
inline constexpr std::size_t kMaxMessageSize = 512;
inline constexpr std::size_t kHostnameSize = 64;
inline constexpr std::size_t kPhoneSize = 64;
inline constexpr std::size_t kStatsSize = 128;

enum class ControlType : std::uint16_t {
  StartControlConnectionRequest = 1,
  StartControlConnectionReply = 2,
  StopControlConnectionRequest = 3,
  StopControlConnectionReply = 4,
  EchoRequest = 5,
  EchoReply = 6,
  OutgoingCallRequest = 7,
  OutgoingCallReply = 8,
  IncomingCallRequest = 9,
  IncomingCallReply = 10,
  IncomingCallConnected = 11,
  CallClearRequest = 12,
  CallDisconnectNotify = 13,
  WanErrorNotify = 14,
  SetLinkInfo = 15,
};

// Short name as in the RFC ("SCCRQ", "OCRP", ...).
std::string_view name(ControlType t);
// The exact on-wire size of a message of this type, header included.
std::size_t wire_size(ControlType t);
// The type for a raw control-type number, if it is one we know.
std::optional<ControlType> control_type_from(std::uint16_t raw);

struct Sccrq {
  static constexpr ControlType kType = ControlType::StartControlConnectionRequest;
  std::uint16_t protocol_version = kProtocolVersion;
  std::uint32_t framing_capabilities = 0;
  std::uint32_t bearer_capabilities = 0;
  std::uint16_t maximum_channels = 0;
  std::uint16_t firmware_revision = 0;
  std::string hostname;
  std::string vendor;
  bool operator==(const Sccrq&) const = default;
};

struct Sccrp {
  static constexpr ControlType kType = ControlType::StartControlConnectionReply;
  std::uint16_t protocol_version = kProtocolVersion;
  std::uint8_t result = 0;
  std::uint8_t error = 0;
  std::uint32_t framing_capabilities = 0;
  std::uint32_t bearer_capabilities = 0;
  std::uint16_t maximum_channels = 0;
  std::uint16_t firmware_revision = 0;
  std::string hostname;
  std::string vendor;
  bool operator==(const Sccrp&) const = default;
};

struct StopCcrq {
  static constexpr ControlType kType = ControlType::StopControlConnectionRequest;
  std::uint8_t reason = 0;
  bool operator==(const StopCcrq&) const = default;
};

struct StopCcrp {
  static constexpr ControlType kType = ControlType::StopControlConnectionReply;
  std::uint8_t result = 0;
  std::uint8_t error = 0;
  bool operator==(const StopCcrp&) const = default;
};

struct EchoRequest {
  static constexpr ControlType kType = ControlType::EchoRequest;
  std::uint32_t identifier = 0;
  bool operator==(const EchoRequest&) const = default;
};

struct EchoReply {
  static constexpr ControlType kType = ControlType::EchoReply;
  std::uint32_t identifier = 0;
  std::uint8_t result = 0;
  std::uint8_t error = 0;
  bool operator==(const EchoReply&) const = default;
};

struct Ocrq {
  static constexpr ControlType kType = ControlType::OutgoingCallRequest;
  std::uint16_t call_id = 0;
  std::uint16_t call_serial = 0;
  std::uint32_t minimum_bps = 0;
  std::uint32_t maximum_bps = 0;
  std::uint32_t bearer_type = 0;
  std::uint32_t framing_type = 0;
  std::uint16_t receive_window = 0;
  std::uint16_t processing_delay = 0;
  std::string phone_number;
  std::string subaddress;
  bool operator==(const Ocrq&) const = default;
};

struct Ocrp {
  static constexpr ControlType kType = ControlType::OutgoingCallReply;
  std::uint16_t call_id = 0;
  std::uint16_t peer_call_id = 0;
  std::uint8_t result = 0;
  std::uint8_t error = 0;
  std::uint16_t cause_code = 0;
  std::uint32_t connect_speed = 0;
  std::uint16_t receive_window = 0;
  std::uint16_t processing_delay = 0;
  std::uint32_t physical_channel_id = 0;
  bool operator==(const Ocrp&) const = default;
};

struct Icrq {
  static constexpr ControlType kType = ControlType::IncomingCallRequest;
  std::uint16_t call_id = 0;
  std::uint16_t call_serial = 0;
  std::uint32_t bearer_type = 0;
  std::uint32_t physical_channel_id = 0;
  std::string dialed_number;
  std::string dialing_number;
  std::string subaddress;
  bool operator==(const Icrq&) const = default;
};

struct Icrp {
  static constexpr ControlType kType = ControlType::IncomingCallReply;
  std::uint16_t call_id = 0;
  std::uint16_t peer_call_id = 0;
  std::uint8_t result = 0;
  std::uint8_t error = 0;
  std::uint16_t receive_window = 0;
  std::uint16_t processing_delay = 0;
  bool operator==(const Icrp&) const = default;
};

struct Iccn {
  static constexpr ControlType kType = ControlType::IncomingCallConnected;
  std::uint16_t peer_call_id = 0;
  std::uint32_t connect_speed = 0;
  std::uint16_t receive_window = 0;
  std::uint16_t processing_delay = 0;
  std::uint32_t framing_type = 0;
  bool operator==(const Iccn&) const = default;
};

struct Ccrq {
  static constexpr ControlType kType = ControlType::CallClearRequest;
  std::uint16_t call_id = 0;
  bool operator==(const Ccrq&) const = default;
};

struct Cdn {
  static constexpr ControlType kType = ControlType::CallDisconnectNotify;
  // RFC 2637 says the PAC's call ID; some servers (accel-ppp) put the PNS's.
  std::uint16_t call_id = 0;
  std::uint8_t result = 0;
  std::uint8_t error = 0;
  std::uint16_t cause_code = 0;
  std::string call_statistics;
  bool operator==(const Cdn&) const = default;
};

struct Wen {
  static constexpr ControlType kType = ControlType::WanErrorNotify;
  std::uint16_t peer_call_id = 0;
  std::uint32_t crc_errors = 0;
  std::uint32_t framing_errors = 0;
  std::uint32_t hardware_overruns = 0;
  std::uint32_t buffer_overruns = 0;
  std::uint32_t timeout_errors = 0;
  std::uint32_t alignment_errors = 0;
  bool operator==(const Wen&) const = default;
};

struct Sli {
  static constexpr ControlType kType = ControlType::SetLinkInfo;
  std::uint16_t peer_call_id = 0;
  std::uint32_t send_accm = 0;
  std::uint32_t receive_accm = 0;
  bool operator==(const Sli&) const = default;
};

using Message = std::variant<Sccrq, Sccrp, StopCcrq, StopCcrp, EchoRequest, EchoReply, Ocrq, Ocrp, Icrq,
                             Icrp, Iccn, Ccrq, Cdn, Wen, Sli>;

ControlType control_type(const Message& m);

wire::Bytes encode(const Message& m);

// Decodes exactly one message occupying all of `data`. Errors:
//   Fatal  - wrong magic cookie, length field not equal to data.size(), or a
//            length that does not match the control type's fixed size;
//   Ignore - a well-formed header with PPTP message type other than 1
//            (management messages) or an unknown control type.
wire::Result<Message> decode(wire::ByteView data);

}  // namespace pptp
