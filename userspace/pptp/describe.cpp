#include "pptp/describe.hpp"

#include <cstdint>

#include "pptp/codes.hpp"
#include "wire/hex.hpp"
#include "wire/text.hpp"

namespace pptp {
namespace {

// Host names, vendors, numbers and statistics are the peer's text (up to
// 64 bytes each, RFC 2637 2.2): the shared escaper (wire/text.hpp).
std::string quoted(const std::string& s) { return wire::quoted(s); }

std::string coded(std::uint8_t code, const std::string& words) {
  return std::to_string(code) + " (" + words + ")";
}

// The error field only means something when it is set.
std::string error_part(std::uint8_t error) {
  return error == 0 ? std::string() : " error=" + coded(error, general_error_name(error));
}

std::string cause_part(std::uint16_t cause) {
  return cause == 0 ? std::string() : " cause=" + std::to_string(cause);
}

std::string body(const Sccrq& m) {
  return " version=" + wire::hex(m.protocol_version, 4) + " framing=" + wire::hex(m.framing_capabilities, 1) +
         " bearer=" + wire::hex(m.bearer_capabilities, 1) + " channels=" + std::to_string(m.maximum_channels) +
         " firmware=" + wire::hex(m.firmware_revision, 1) + " host=" + quoted(m.hostname) + " vendor=" + quoted(m.vendor);
}
std::string body(const Sccrp& m) {
  return " version=" + wire::hex(m.protocol_version, 4) + " result=" + coded(m.result, sccrp_result_name(m.result)) +
         error_part(m.error) + " framing=" + wire::hex(m.framing_capabilities, 1) +
         " bearer=" + wire::hex(m.bearer_capabilities, 1) + " channels=" + std::to_string(m.maximum_channels) +
         " firmware=" + wire::hex(m.firmware_revision, 1) + " host=" + quoted(m.hostname) + " vendor=" + quoted(m.vendor);
}
std::string body(const StopCcrq& m) { return " reason=" + coded(m.reason, stop_reason_name(m.reason)); }
std::string body(const StopCcrp& m) {
  return " result=" + coded(m.result, stop_result_name(m.result)) + error_part(m.error);
}
std::string body(const EchoRequest& m) { return " id=" + wire::hex(m.identifier, 8); }
std::string body(const EchoReply& m) {
  return " id=" + wire::hex(m.identifier, 8) + " result=" + coded(m.result, echo_result_name(m.result)) +
         error_part(m.error);
}
std::string body(const Ocrq& m) {
  std::string s = " call=" + wire::hex16(m.call_id) + " serial=" + std::to_string(m.call_serial) +
                  " bps=" + std::to_string(m.minimum_bps) + ".." + std::to_string(m.maximum_bps) +
                  " bearer=" + wire::hex(m.bearer_type, 1) + " framing=" + wire::hex(m.framing_type, 1) +
                  " window=" + std::to_string(m.receive_window) + " delay=" + std::to_string(m.processing_delay);
  if (!m.phone_number.empty()) s += " phone=" + quoted(m.phone_number);
  if (!m.subaddress.empty()) s += " subaddress=" + quoted(m.subaddress);
  return s;
}
std::string body(const Ocrp& m) {
  return " call=" + wire::hex16(m.call_id) + " peer-call=" + wire::hex16(m.peer_call_id) +
         " result=" + coded(m.result, ocrp_result_name(m.result)) + error_part(m.error) + cause_part(m.cause_code) +
         " speed=" + std::to_string(m.connect_speed) + " window=" + std::to_string(m.receive_window);
}
std::string body(const Icrq& m) {
  return " call=" + wire::hex16(m.call_id) + " serial=" + std::to_string(m.call_serial) +
         " bearer=" + wire::hex(m.bearer_type, 1) + " dialed=" + quoted(m.dialed_number) +
         " dialing=" + quoted(m.dialing_number);
}
std::string body(const Icrp& m) {
  return " call=" + wire::hex16(m.call_id) + " peer-call=" + wire::hex16(m.peer_call_id) +
         " result=" + coded(m.result, icrp_result_name(m.result)) + error_part(m.error) +
         " window=" + std::to_string(m.receive_window);
}
std::string body(const Iccn& m) {
  return " peer-call=" + wire::hex16(m.peer_call_id) + " speed=" + std::to_string(m.connect_speed) +
         " window=" + std::to_string(m.receive_window) + " framing=" + wire::hex(m.framing_type, 1);
}
std::string body(const Ccrq& m) { return " call=" + wire::hex16(m.call_id); }
std::string body(const Cdn& m) {
  std::string s = " call=" + wire::hex16(m.call_id) + " result=" + coded(m.result, cdn_result_name(m.result)) +
                  error_part(m.error) + cause_part(m.cause_code);
  if (!m.call_statistics.empty()) s += " stats=" + quoted(m.call_statistics);
  return s;
}
std::string body(const Wen& m) {
  return " peer-call=" + wire::hex16(m.peer_call_id) + " crc=" + std::to_string(m.crc_errors) +
         " framing=" + std::to_string(m.framing_errors) + " hw-overruns=" + std::to_string(m.hardware_overruns) +
         " buf-overruns=" + std::to_string(m.buffer_overruns) + " timeouts=" + std::to_string(m.timeout_errors) +
         " alignment=" + std::to_string(m.alignment_errors);
}
std::string body(const Sli& m) {
  return " peer-call=" + wire::hex16(m.peer_call_id) + " send-accm=" + wire::hex(m.send_accm, 8) +
         " recv-accm=" + wire::hex(m.receive_accm, 8);
}

}  // namespace

std::string describe(const Message& m) {
  return std::string(name(control_type(m))) + std::visit([](const auto& v) { return body(v); }, m);
}

std::string describe(const ControlEstablished& e) {
  return "control connection up (server " + quoted(e.peer_hostname) + ", vendor " + quoted(e.peer_vendor) + ")";
}

}  // namespace pptp
