#pragma once
// The RFC 1661 option-negotiation automaton, shared by LCP, IPCP and CCP.
//
// Sans-IO: every input (lower layer up/down, administrative open/close, a
// received packet, a timeout) is a method taking the current time, and every
// method returns an Output: frames to write, layer events, and the deadline
// of the restart timer. The caller calls timeout(now) once that deadline has
// passed. What a protocol wants is supplied by an OptionsPolicy.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ppp/frame.hpp"
#include "ppp/options.hpp"
#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

enum class State : std::uint8_t {
  Initial,
  Starting,
  Closed,
  Stopped,
  Closing,
  Stopping,
  ReqSent,
  AckRcvd,
  AckSent,
  Opened,
};
std::string_view to_string(State s);

struct LayerEvent {
  enum class Kind : std::uint8_t {
    Up,        // This-Layer-Up: options agreed, the layer can carry traffic
    Down,      // This-Layer-Down: leaving Opened
    Started,   // This-Layer-Started: we want the lower layer up
    Finished,  // This-Layer-Finished: done with the lower layer
    Failed,    // negotiation cannot succeed; the layer is closing (reason says why)
    ProtocolRejected,  // LCP only: the peer Protocol-Rejected `protocol`
  };
  Kind kind = Kind::Up;
  std::string reason;
  std::uint16_t protocol = 0;
};
std::string_view to_string(LayerEvent::Kind k);

struct Output {
  // Kernel-ready frames, [proto_hi][proto_lo][packet], in sending order.
  std::vector<wire::Bytes> frames;
  std::vector<LayerEvent> events;
  // When to call timeout(): the earliest timer of this layer after this step,
  // or nothing when no timer is running. Always the full current state, so a
  // caller just re-arms its single timer from it.
  std::optional<TimePoint> deadline;
  // Why the input was dropped, if it was (for the caller's debug log).
  std::string discarded;

  bool has(LayerEvent::Kind k) const;
};

struct FsmLimits {
  Clock::duration restart = std::chrono::seconds(3);
  std::uint8_t max_configure = 10;
  std::uint8_t max_terminate = 2;
  std::uint8_t max_failure = 5;       // Naks we send before they turn into Rejects
  std::uint8_t max_naks_received = 20;  // Nak/Rej from the peer before we give up
  std::size_t max_packet = 1500;      // bound on Code-Reject and similar copies
};

// Collects the verdict on a peer's Configure-Request, option by option.
// Options not mentioned are acknowledged. Replies list options in the order
// the peer sent them, as RFC 1661 requires.
class Review {
 public:
  // Nak an option the peer sent, suggesting `value` instead.
  void nak(const Option& original, wire::ByteView value);
  // Nak with an option the peer did not send but we want it to (RFC 1661 5.3).
  void hint(std::uint8_t type, wire::ByteView value);
  void reject(const Option& original);

  bool any_reject() const;
  bool any_nak() const;

 private:
  friend class Fsm;
  enum class Kind : std::uint8_t { Nak, Hint, Reject };
  struct Entry {
    Kind kind;
    Option original;  // its value points into the request: that gives the order
    wire::Bytes value;
  };
  // Writes the options of one reply: rejects, naks, or (after max-failure)
  // the originals of the naks.
  wire::Bytes rejects() const;
  wire::Bytes naks() const;
  wire::Bytes naks_as_rejects() const;
  std::vector<Entry> sorted() const;

  std::vector<Entry> entries_;
};

class Fsm;

// What a protocol (LCP, IPCP, CCP) plugs into the automaton.
class OptionsPolicy {
 public:
  virtual ~OptionsPolicy() = default;
  // A new negotiation starts: go back to what we want from scratch.
  virtual void reset() = 0;
  // Options of our Configure-Request.
  virtual void write_request(wire::Writer& options) = 0;
  // Judge the peer's Configure-Request. Record what the peer asked for as if
  // it will be acknowledged (the last acknowledged request is the one in force
  // at This-Layer-Up). reject_if_disagree is set after max-failure Naks: the
  // automaton then turns every Nak into a Reject, and a policy that cannot
  // live with that returns a Fatal error (the layer closes with its reason).
  virtual wire::Result<wire::Unit> review(std::span<const Option> options, bool reject_if_disagree,
                                          Review& review) = 0;
  // The peer Nak'd / Rejected our request. Ignore errors drop the packet;
  // Fatal errors close the layer with their reason.
  virtual wire::Result<wire::Unit> apply_nak(std::span<const Option> options) = 0;
  virtual wire::Result<wire::Unit> apply_reject(std::span<const Option> options) = 0;
  // Both sides acknowledged. A Fatal error closes the layer instead of This-Layer-Up.
  virtual wire::Result<wire::Unit> check_opened() = 0;
  // Codes beyond 1..7 (LCP Echo, Protocol-Reject, CCP Reset). Return false to
  // have the automaton answer with a Code-Reject.
  virtual bool extra(Fsm& fsm, const Packet& packet, TimePoint now, Output& out) {
    (void)fsm, (void)packet, (void)now, (void)out;
    return false;
  }
  // The peer Code-Rejected one of our extra codes.
  virtual void code_rejected(std::uint8_t code) { (void)code; }
};

class Fsm {
 public:
  // `name` ("LCP") prefixes reasons. The policy must outlive the automaton.
  Fsm(std::uint16_t protocol, std::string name, OptionsPolicy& policy, FsmLimits limits = {});
  Fsm(const Fsm&) = delete;
  Fsm& operator=(const Fsm&) = delete;

  State state() const { return state_; }
  std::uint16_t protocol() const { return protocol_; }
  const std::string& name() const { return name_; }
  const FsmLimits& limits() const { return limits_; }
  std::optional<TimePoint> deadline() const { return deadline_; }

  Output up(TimePoint now);
  Output down(TimePoint now);
  Output open(TimePoint now);
  Output close(TimePoint now, std::string reason);
  // One control packet (code, id, length, data), without the protocol field.
  Output receive(wire::ByteView packet, TimePoint now);
  // Ignored unless the restart timer is running and its deadline has passed.
  Output timeout(TimePoint now);

  // The same, appending to an Output a wrapper already holds.
  void up(TimePoint now, Output& out);
  void down(TimePoint now, Output& out);
  void open(TimePoint now, Output& out);
  void close(TimePoint now, std::string reason, Output& out);
  void receive(wire::ByteView packet, TimePoint now, Output& out);
  void timeout(TimePoint now, Output& out);

  // For policies: send a packet of this protocol, take a fresh identifier,
  // and report a Code-Reject or Protocol-Reject (RXJ+ / RXJ-).
  void send(Output& out, std::uint8_t code, std::uint8_t id, wire::ByteView data) const;
  std::uint8_t next_id() { return ++id_; }
  void rxj(bool catastrophic, std::string reason, TimePoint now, Output& out);

 private:
  enum class Reply : std::uint8_t { Ack, Nak, Reject };

  void receive_conf_req(const Packet& p, TimePoint now, Output& out);
  void receive_conf_ack(const Packet& p, TimePoint now, Output& out);
  void receive_conf_nak_rej(const Packet& p, TimePoint now, Output& out);
  void receive_term_req(const Packet& p, TimePoint now, Output& out);
  void receive_term_ack(TimePoint now, Output& out);
  void receive_code_rej(const Packet& p, TimePoint now, Output& out);
  void receive_unknown(const Packet& p, wire::ByteView raw, Output& out);

  // RFC 1661 actions.
  void tlu(TimePoint now, Output& out);  // or fail, if the policy objects
  void tld(Output& out);
  void tls(Output& out);
  void tlf(Output& out);
  void irc_configure() { restart_count_ = limits_.max_configure; }
  void irc_terminate() { restart_count_ = limits_.max_terminate; }
  void zrc(TimePoint now);
  void scr(TimePoint now, Output& out, bool retransmit = false);
  void str(TimePoint now, Output& out);
  void sta(std::uint8_t id, Output& out);
  void set_state(State s);
  void fail(std::string reason, TimePoint now, Output& out);
  void finish(Output& out) const;

  std::uint16_t protocol_;
  std::string name_;
  OptionsPolicy& policy_;
  FsmLimits limits_;

  State state_ = State::Initial;
  std::uint8_t restart_count_ = 0;
  std::uint8_t failures_ = 0;       // Naks sent since the last Ack sent
  std::uint8_t naks_received_ = 0;  // Naks/Rejects received this negotiation
  std::uint8_t id_ = 0;
  std::uint8_t req_id_ = 0;         // id of our outstanding Configure-Request
  bool req_answered_ = true;        // a valid reply to req_id_ arrived already
  wire::Bytes req_options_;         // its options, to match the Ack exactly
  std::optional<TimePoint> deadline_;
  std::string reason_;              // why we are closing or finished
};

}  // namespace ppp
