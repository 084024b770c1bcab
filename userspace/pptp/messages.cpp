#include "pptp/messages.hpp"

#include <algorithm>
#include <type_traits>

namespace pptp {

std::string_view name(ControlType t) {
  switch (t) {
    case ControlType::StartControlConnectionRequest: return "SCCRQ";
    case ControlType::StartControlConnectionReply: return "SCCRP";
    case ControlType::StopControlConnectionRequest: return "StopCCRQ";
    case ControlType::StopControlConnectionReply: return "StopCCRP";
    case ControlType::EchoRequest: return "Echo-Request";
    case ControlType::EchoReply: return "Echo-Reply";
    case ControlType::OutgoingCallRequest: return "OCRQ";
    case ControlType::OutgoingCallReply: return "OCRP";
    case ControlType::IncomingCallRequest: return "ICRQ";
    case ControlType::IncomingCallReply: return "ICRP";
    case ControlType::IncomingCallConnected: return "ICCN";
    case ControlType::CallClearRequest: return "CCRQ";
    case ControlType::CallDisconnectNotify: return "CDN";
    case ControlType::WanErrorNotify: return "WEN";
    case ControlType::SetLinkInfo: return "SLI";
  }
  return "unknown";
}

std::size_t wire_size(ControlType t) {
  switch (t) {
    case ControlType::StartControlConnectionRequest: return 156;
    case ControlType::StartControlConnectionReply: return 156;
    case ControlType::StopControlConnectionRequest: return 16;
    case ControlType::StopControlConnectionReply: return 16;
    case ControlType::EchoRequest: return 16;
    case ControlType::EchoReply: return 20;
    case ControlType::OutgoingCallRequest: return 168;
    case ControlType::OutgoingCallReply: return 32;
    case ControlType::IncomingCallRequest: return 220;
    case ControlType::IncomingCallReply: return 24;
    case ControlType::IncomingCallConnected: return 28;
    case ControlType::CallClearRequest: return 16;
    case ControlType::CallDisconnectNotify: return 148;
    case ControlType::WanErrorNotify: return 40;
    case ControlType::SetLinkInfo: return 24;
  }
  return 0;
}

std::optional<ControlType> control_type_from(std::uint16_t raw) {
  if (raw < 1 || raw > 15) return std::nullopt;
  return static_cast<ControlType>(raw);
}

namespace {

std::uint16_t text_length(const std::string& s, std::size_t field) {
  return static_cast<std::uint16_t>(std::min(s.size(), field));
}

// ---- bodies, in RFC 2637 field order; reserved fields are zero ----

void put(wire::Writer& w, const Sccrq& m) {
  w.u16(m.protocol_version).u16(0).u32(m.framing_capabilities).u32(m.bearer_capabilities);
  w.u16(m.maximum_channels).u16(m.firmware_revision);
  w.fixed_string(m.hostname, kHostnameSize).fixed_string(m.vendor, kHostnameSize);
}
void get(wire::Reader& r, Sccrq& m) {
  m.protocol_version = r.u16();
  r.skip(2);
  m.framing_capabilities = r.u32();
  m.bearer_capabilities = r.u32();
  m.maximum_channels = r.u16();
  m.firmware_revision = r.u16();
  m.hostname = r.fixed_string(kHostnameSize);
  m.vendor = r.fixed_string(kHostnameSize);
}

void put(wire::Writer& w, const Sccrp& m) {
  w.u16(m.protocol_version).u8(m.result).u8(m.error).u32(m.framing_capabilities).u32(m.bearer_capabilities);
  w.u16(m.maximum_channels).u16(m.firmware_revision);
  w.fixed_string(m.hostname, kHostnameSize).fixed_string(m.vendor, kHostnameSize);
}
void get(wire::Reader& r, Sccrp& m) {
  m.protocol_version = r.u16();
  m.result = r.u8();
  m.error = r.u8();
  m.framing_capabilities = r.u32();
  m.bearer_capabilities = r.u32();
  m.maximum_channels = r.u16();
  m.firmware_revision = r.u16();
  m.hostname = r.fixed_string(kHostnameSize);
  m.vendor = r.fixed_string(kHostnameSize);
}

void put(wire::Writer& w, const StopCcrq& m) { w.u8(m.reason).u8(0).u16(0); }
void get(wire::Reader& r, StopCcrq& m) {
  m.reason = r.u8();
  r.skip(3);
}

void put(wire::Writer& w, const StopCcrp& m) { w.u8(m.result).u8(m.error).u16(0); }
void get(wire::Reader& r, StopCcrp& m) {
  m.result = r.u8();
  m.error = r.u8();
  r.skip(2);
}

void put(wire::Writer& w, const EchoRequest& m) { w.u32(m.identifier); }
void get(wire::Reader& r, EchoRequest& m) { m.identifier = r.u32(); }

void put(wire::Writer& w, const EchoReply& m) { w.u32(m.identifier).u8(m.result).u8(m.error).u16(0); }
void get(wire::Reader& r, EchoReply& m) {
  m.identifier = r.u32();
  m.result = r.u8();
  m.error = r.u8();
  r.skip(2);
}

void put(wire::Writer& w, const Ocrq& m) {
  w.u16(m.call_id).u16(m.call_serial).u32(m.minimum_bps).u32(m.maximum_bps);
  w.u32(m.bearer_type).u32(m.framing_type).u16(m.receive_window).u16(m.processing_delay);
  w.u16(text_length(m.phone_number, kPhoneSize)).u16(0);
  w.fixed_string(m.phone_number, kPhoneSize).fixed_string(m.subaddress, kPhoneSize);
}
void get(wire::Reader& r, Ocrq& m) {
  m.call_id = r.u16();
  m.call_serial = r.u16();
  m.minimum_bps = r.u32();
  m.maximum_bps = r.u32();
  m.bearer_type = r.u32();
  m.framing_type = r.u32();
  m.receive_window = r.u16();
  m.processing_delay = r.u16();
  r.skip(4);  // phone number length (derived from the text) and reserved
  m.phone_number = r.fixed_string(kPhoneSize);
  m.subaddress = r.fixed_string(kPhoneSize);
}

void put(wire::Writer& w, const Ocrp& m) {
  w.u16(m.call_id).u16(m.peer_call_id).u8(m.result).u8(m.error).u16(m.cause_code);
  w.u32(m.connect_speed).u16(m.receive_window).u16(m.processing_delay).u32(m.physical_channel_id);
}
void get(wire::Reader& r, Ocrp& m) {
  m.call_id = r.u16();
  m.peer_call_id = r.u16();
  m.result = r.u8();
  m.error = r.u8();
  m.cause_code = r.u16();
  m.connect_speed = r.u32();
  m.receive_window = r.u16();
  m.processing_delay = r.u16();
  m.physical_channel_id = r.u32();
}

void put(wire::Writer& w, const Icrq& m) {
  w.u16(m.call_id).u16(m.call_serial).u32(m.bearer_type).u32(m.physical_channel_id);
  w.u16(text_length(m.dialed_number, kPhoneSize)).u16(text_length(m.dialing_number, kPhoneSize));
  w.fixed_string(m.dialed_number, kPhoneSize).fixed_string(m.dialing_number, kPhoneSize);
  w.fixed_string(m.subaddress, kPhoneSize);
}
void get(wire::Reader& r, Icrq& m) {
  m.call_id = r.u16();
  m.call_serial = r.u16();
  m.bearer_type = r.u32();
  m.physical_channel_id = r.u32();
  r.skip(4);  // dialed and dialing number lengths, derived from the text
  m.dialed_number = r.fixed_string(kPhoneSize);
  m.dialing_number = r.fixed_string(kPhoneSize);
  m.subaddress = r.fixed_string(kPhoneSize);
}

void put(wire::Writer& w, const Icrp& m) {
  w.u16(m.call_id).u16(m.peer_call_id).u8(m.result).u8(m.error);
  w.u16(m.receive_window).u16(m.processing_delay).u16(0);
}
void get(wire::Reader& r, Icrp& m) {
  m.call_id = r.u16();
  m.peer_call_id = r.u16();
  m.result = r.u8();
  m.error = r.u8();
  m.receive_window = r.u16();
  m.processing_delay = r.u16();
  r.skip(2);
}

void put(wire::Writer& w, const Iccn& m) {
  w.u16(m.peer_call_id).u16(0).u32(m.connect_speed).u16(m.receive_window).u16(m.processing_delay);
  w.u32(m.framing_type);
}
void get(wire::Reader& r, Iccn& m) {
  m.peer_call_id = r.u16();
  r.skip(2);
  m.connect_speed = r.u32();
  m.receive_window = r.u16();
  m.processing_delay = r.u16();
  m.framing_type = r.u32();
}

void put(wire::Writer& w, const Ccrq& m) { w.u16(m.call_id).u16(0); }
void get(wire::Reader& r, Ccrq& m) {
  m.call_id = r.u16();
  r.skip(2);
}

void put(wire::Writer& w, const Cdn& m) {
  w.u16(m.call_id).u8(m.result).u8(m.error).u16(m.cause_code).u16(0);
  w.fixed_string(m.call_statistics, kStatsSize);
}
void get(wire::Reader& r, Cdn& m) {
  m.call_id = r.u16();
  m.result = r.u8();
  m.error = r.u8();
  m.cause_code = r.u16();
  r.skip(2);
  m.call_statistics = r.fixed_string(kStatsSize);
}

void put(wire::Writer& w, const Wen& m) {
  w.u16(m.peer_call_id).u16(0).u32(m.crc_errors).u32(m.framing_errors).u32(m.hardware_overruns);
  w.u32(m.buffer_overruns).u32(m.timeout_errors).u32(m.alignment_errors);
}
void get(wire::Reader& r, Wen& m) {
  m.peer_call_id = r.u16();
  r.skip(2);
  m.crc_errors = r.u32();
  m.framing_errors = r.u32();
  m.hardware_overruns = r.u32();
  m.buffer_overruns = r.u32();
  m.timeout_errors = r.u32();
  m.alignment_errors = r.u32();
}

void put(wire::Writer& w, const Sli& m) { w.u16(m.peer_call_id).u16(0).u32(m.send_accm).u32(m.receive_accm); }
void get(wire::Reader& r, Sli& m) {
  m.peer_call_id = r.u16();
  r.skip(2);
  m.send_accm = r.u32();
  m.receive_accm = r.u32();
}

template <typename T>
Message read_body(wire::Reader& r) {
  T m;
  get(r, m);
  return m;
}

Message read_body(ControlType t, wire::Reader& r) {
  switch (t) {
    case ControlType::StartControlConnectionRequest: return read_body<Sccrq>(r);
    case ControlType::StartControlConnectionReply: return read_body<Sccrp>(r);
    case ControlType::StopControlConnectionRequest: return read_body<StopCcrq>(r);
    case ControlType::StopControlConnectionReply: return read_body<StopCcrp>(r);
    case ControlType::EchoRequest: return read_body<EchoRequest>(r);
    case ControlType::EchoReply: return read_body<EchoReply>(r);
    case ControlType::OutgoingCallRequest: return read_body<Ocrq>(r);
    case ControlType::OutgoingCallReply: return read_body<Ocrp>(r);
    case ControlType::IncomingCallRequest: return read_body<Icrq>(r);
    case ControlType::IncomingCallReply: return read_body<Icrp>(r);
    case ControlType::IncomingCallConnected: return read_body<Iccn>(r);
    case ControlType::CallClearRequest: return read_body<Ccrq>(r);
    case ControlType::CallDisconnectNotify: return read_body<Cdn>(r);
    case ControlType::WanErrorNotify: return read_body<Wen>(r);
    case ControlType::SetLinkInfo: return read_body<Sli>(r);
  }
  return read_body<Sccrq>(r);  // unreachable: t came from control_type_from
}

}  // namespace

ControlType control_type(const Message& m) {
  return std::visit([](const auto& v) { return std::decay_t<decltype(v)>::kType; }, m);
}

wire::Bytes encode(const Message& m) {
  const ControlType t = control_type(m);
  const std::size_t size = wire_size(t);
  wire::Writer w(size);
  w.u16(static_cast<std::uint16_t>(size)).u16(kControlMessage).u32(kMagicCookie);
  w.u16(static_cast<std::uint16_t>(t)).u16(0);
  std::visit([&w](const auto& v) { put(w, v); }, m);
  return w.take();
}

wire::Result<Message> decode(wire::ByteView data) {
  wire::Reader r(data);
  const std::uint16_t length = r.u16();
  const std::uint16_t message_type = r.u16();
  const std::uint32_t cookie = r.u32();
  const std::uint16_t raw_type = r.u16();
  r.skip(2);
  if (!r.ok()) {
    return wire::Error::fatal("PPTP control message truncated: " + std::to_string(data.size()) +
                              " bytes, shorter than the 12-byte header");
  }
  if (length != data.size()) {
    return wire::Error::fatal("PPTP control message length field says " + std::to_string(length) +
                              " bytes but the message has " + std::to_string(data.size()));
  }
  if (cookie != kMagicCookie) {
    return wire::Error::fatal("PPTP control message has a bad magic cookie (not a PPTP server?)");
  }
  if (message_type != kControlMessage) {
    return wire::Error::ignore("skipped a PPTP message of type " + std::to_string(message_type) +
                               " (only control messages, type 1, are used)");
  }
  const auto type = control_type_from(raw_type);
  if (!type) {
    return wire::Error::ignore("skipped a PPTP control message of unknown type " + std::to_string(raw_type));
  }
  if (length != wire_size(*type)) {
    return wire::Error::fatal("PPTP " + std::string(name(*type)) + " has length " + std::to_string(length) +
                              ", expected exactly " + std::to_string(wire_size(*type)));
  }
  Message m = read_body(*type, r);
  if (!r.ok() || !r.empty()) {
    // Cannot happen when the size table and the bodies agree; kept as a guard.
    return wire::Error::fatal("PPTP " + std::string(name(*type)) + " body does not match its length");
  }
  return m;
}

}  // namespace pptp
