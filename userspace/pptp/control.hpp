#pragma once
// The client (PNS) side of the PPTP control connection, sans-IO: bytes read
// from TCP, timer expiries, EOF and the user's hangup go in; bytes to write,
// the next deadline and events come out. Nothing here reads a clock or
// touches a socket: every entry point takes `now`, and the caller calls
// on_timer() once `now` reaches the returned deadline.
//
//   start ──SCCRQ──> WaitSccrp ──SCCRP ok, OCRQ──> WaitOcrp ──OCRP ok──> Established
//   hangup: ──CCRQ──> WaitCdn ──CDN──> ──StopCCRQ──> WaitStopCcrp ──StopCCRP──> Done
//
// Every session ends in exactly one Closed or Failed event, after which the
// machine is Done and ignores all input. Closed follows a CallDisconnected
// when a call had been established; Failed is self-contained.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pptp/framer.hpp"
#include "pptp/messages.hpp"
#include "wire/bytes.hpp"

namespace pptp {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

struct Config {
  std::string hostname;              // our SCCRQ host name; may be empty
  std::string vendor = "pptpctl";    // our SCCRQ vendor string
  std::uint16_t call_id = 0;         // random, non-zero, chosen by the caller
  std::uint16_t call_serial = 0;
  std::uint16_t receive_window = 64;  // GRE packets we can buffer out of order
  std::string phone_number;          // OCRQ phone number; servers ignore it
  Clock::duration connect_timeout = std::chrono::seconds(30);  // SCCRQ until SCCRP
  Clock::duration call_timeout = std::chrono::seconds(30);     // OCRQ until OCRP
  Clock::duration echo_idle = std::chrono::seconds(60);  // silence before we send an Echo-Request
  Clock::duration echo_wait = std::chrono::seconds(60);  // how long that Echo-Request may go unanswered
  Clock::duration stop_timeout = std::chrono::seconds(10);  // each hangup step: CCRQ→CDN, StopCCRQ→StopCCRP
};

enum class FailureCategory { ControlRefused, CallRefused, Timeout, ProtocolError, PeerClosed };
std::string_view name(FailureCategory c);

// The server accepted the control connection (SCCRP ok).
struct ControlEstablished {
  std::uint16_t peer_protocol_version = 0;
  std::uint16_t peer_firmware_revision = 0;
  std::string peer_hostname;
  std::string peer_vendor;
  bool operator==(const ControlEstablished&) const = default;
};

// The call is up: the caller can now set up GRE with these IDs.
struct CallEstablished {
  std::uint16_t our_call_id = 0;
  std::uint16_t peer_call_id = 0;
  std::uint32_t connect_speed = 0;
  std::uint16_t peer_receive_window = 0;
  std::uint16_t peer_processing_delay = 0;
  bool operator==(const CallEstablished&) const = default;
};

struct CallDisconnected {
  std::string reason;
  bool operator==(const CallDisconnected&) const = default;
};

// The control connection ended; was_clean says the stop handshake completed
// (or was never needed), so the server has forgotten us.
struct Closed {
  std::string reason;
  bool was_clean = false;
  bool operator==(const Closed&) const = default;
};

struct Failed {
  std::string reason;
  FailureCategory category = FailureCategory::ProtocolError;
  bool operator==(const Failed&) const = default;
};

using Event = std::variant<ControlEstablished, CallEstablished, CallDisconnected, Closed, Failed>;

enum class Direction { Sent, Received };
struct Traced {
  Direction direction;
  Message message;
};

struct Effects {
  std::vector<wire::Bytes> send;  // whole messages to write to the TCP socket, in order
  std::vector<Event> events;
  std::optional<TimePoint> deadline;  // call on_timer() at this time; nullopt: no timer
  std::vector<Traced> trace;          // every message sent and received, for --debug
  std::vector<std::string> notes;     // input that was skipped, for --debug
};

class Control {
 public:
  enum class State { Idle, WaitSccrp, WaitOcrp, Established, WaitCdn, WaitStopCcrp, Done };

  explicit Control(Config config);

  // Sends SCCRQ. Call once, when the TCP connection is up.
  Effects start(TimePoint now);
  // Bytes read from the TCP socket, in any chunking.
  Effects on_bytes(wire::ByteView data, TimePoint now);
  // Call when `now` reaches the last returned deadline; early calls are harmless.
  Effects on_timer(TimePoint now);
  // The TCP reader reached end of stream.
  Effects on_eof(TimePoint now);
  // Orderly shutdown: CCRQ, wait for CDN, StopCCRQ, wait for StopCCRP.
  Effects hangup(TimePoint now);

  State state() const { return state_; }
  bool done() const { return state_ == State::Done; }
  std::optional<TimePoint> deadline() const;
  std::uint16_t peer_call_id() const { return peer_call_id_.value_or(0); }

 private:
  Effects take();
  void send(Message m);
  void handle(const Message& m, TimePoint now);
  void on_sccrp(const Sccrp& m, TimePoint now);
  void on_ocrp(const Ocrp& m, TimePoint now);
  void on_cdn(const Cdn& m, TimePoint now);
  void on_peer_stop(const StopCcrq& m);
  void unexpected(const Message& m);
  void send_stop(TimePoint now);
  void finish_closed(std::string reason, bool was_clean);
  void fail(FailureCategory category, std::string reason, bool say_goodbye);
  bool is_our_call(std::uint16_t call_id) const;
  bool control_up() const;

  Config config_;
  State state_ = State::Idle;
  Framer framer_;
  Effects fx_;
  std::optional<std::uint16_t> peer_call_id_;  // once an OCRP named it
  bool call_up_ = false;
  std::optional<TimePoint> step_deadline_;  // the one timeout of every waiting state
  TimePoint last_received_{};
  std::optional<TimePoint> echo_sent_;  // our Echo-Request awaiting any sign of life
  std::uint32_t next_echo_id_ = 1;
  std::string close_reason_;  // what Closed will say once the stop handshake ends
};

std::string_view name(Control::State s);

}  // namespace pptp
