#pragma once
// One PPP link from the client's side, sans-IO: LCP, then authentication,
// then (once the caller has created the kernel unit and installed the MPPE
// keys) CCP and IPCP side by side. Frames in and out are kernel-ready
// ([proto_hi][proto_lo][payload]); the caller writes each to the channel fd
// or the unit fd by ppp::uses_channel_fd(protocol).
//
// Phases, and what the caller does at each event:
//   start()            → LCP ConfReqs (channel fd)
//   LinkEstablished    → print progress
//   Authenticated      → print progress
//   NetworkPhase       → create the unit, install keys, SC_CCP_OPEN, IP DROP,
//                        then call network_ready()
//   MppeUp             → SC_CCP_UP at once: with SC_MUST_COMP the kernel drops
//                        every NCP frame while compression runs but CCP is
//                        not marked up, so IPCP would starve
//   Up                 → address/routes/DNS, IP PASS
//   Failed / Closed    → tear down; Failed says why, in a category
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ppp/auth.hpp"
#include "ppp/ccp.hpp"
#include "ppp/ipcp.hpp"
#include "ppp/lcp.hpp"

namespace ppp {

struct SessionConfig {
  LcpConfig lcp;
  auth::AuthCredentials credentials;
  CcpConfig ccp;  // ccp.required: no link without MPPE both ways
  IpcpConfig ipcp;
  // The server drives CHAP; this bounds the wait for its Challenge and verdict.
  Clock::duration auth_timeout = std::chrono::seconds(30);
  // How long NCPs may take once the network phase starts.
  Clock::duration network_timeout = std::chrono::seconds(30);
};

// Why a link failed, in kinds the CLI maps to exit codes.
enum class FailureKind : std::uint8_t {
  NoAnswer,          // not one LCP packet came back: GRE never got through
  LcpFailed,         // LCP negotiation failed (options, loopback)
  WrongPassword,
  AuthRefused,       // other refusals: account restricted, expired, ...
  Impostor,          // the server could not prove it knows the password
  AuthProtocol,      // the server broke or refused the authentication protocol
  MppeServerRefused,
  MppeWeRefused,
  IpcpFailed,
  PeerTerminated,    // the server closed the link
  LinkDead,          // keepalives went unanswered
  MppeLostSync,      // stateful MPPE decrypts garbage: the keys drifted apart
};
std::string_view to_string(FailureKind kind);

namespace session_event {
struct LinkEstablished {
  LcpOutcome lcp;
};
struct Authenticated {
  std::optional<AuthProtocol> protocol;  // none: the server asked for no authentication
  std::optional<auth::MppeKeys> keys;
  std::string message;
};
struct NetworkPhase {
  std::optional<auth::MppeKeys> keys;  // to install before CCP starts
  std::optional<MppeMode> mppe_hint;   // the mode we will ask for
};
struct MppeUp {
  CcpOutcome mppe;
};
struct Up {
  IpcpOutcome ip;
  std::optional<CcpOutcome> mppe;  // none: no encryption (only when the profile allows it)
  std::uint16_t peer_mru = 1500;
};
struct Failed {
  FailureKind kind = FailureKind::LcpFailed;
  std::string reason;
};
struct Closed {
  std::string reason;
};
}  // namespace session_event

using SessionEvent = std::variant<session_event::LinkEstablished, session_event::Authenticated,
                                  session_event::NetworkPhase, session_event::MppeUp, session_event::Up,
                                  session_event::Failed,
                                  session_event::Closed>;

struct SessionOutput {
  std::vector<wire::Bytes> frames;
  std::vector<SessionEvent> events;
  std::optional<TimePoint> deadline;  // call timeout() then; always the current earliest
  std::vector<std::string> notes;      // dropped packets and similar, for --debug
};

class Session {
 public:
  enum class Phase : std::uint8_t { Dead, Establish, Authenticate, WaitUnit, Network, Running, Terminate };

  explicit Session(SessionConfig config);

  SessionOutput start(TimePoint now);
  // One frame read from the channel or the unit fd.
  SessionOutput receive(wire::ByteView frame, TimePoint now);
  SessionOutput timeout(TimePoint now);
  // The caller has the unit ready for NCP frames.
  SessionOutput network_ready(TimePoint now);
  // Orderly close: LCP Terminate-Request, Closed once answered or timed out.
  SessionOutput close(TimePoint now, std::string reason);

  Phase phase() const { return phase_; }
  // GRE can be blocked either way. Nothing heard: the server's packets do not
  // reach us. Heard but never answered: ours do not reach the server.
  bool heard_from_peer() const { return lcp_heard_; }
  bool peer_answered() const { return lcp_answered_; }
  // The sentence for an LCP that got nowhere, naming the blocked direction.
  std::string no_answer_reason() const;
  const Lcp& lcp() const { return lcp_; }
  const Ccp& ccp() const { return ccp_; }
  const Ipcp& ipcp() const { return ipcp_; }

 private:
  static void absorb(Output& layer, std::optional<TimePoint>& timer, SessionOutput& out);
  void on_lcp(Output&& o, TimePoint now, SessionOutput& out);
  void on_auth(auth::AuthOutput&& o, TimePoint now, SessionOutput& out);
  void on_ccp(Output&& o, TimePoint now, SessionOutput& out);
  void on_ipcp(Output&& o, TimePoint now, SessionOutput& out);
  void maybe_up(SessionOutput& out);
  void start_ipcp(TimePoint now, SessionOutput& out);
  void fail(FailureKind kind, std::string reason, TimePoint now, SessionOutput& out);
  void finish(SessionOutput& out) const;

  SessionConfig config_;
  Phase phase_ = Phase::Dead;
  Lcp lcp_;
  Ccp ccp_;
  Ipcp ipcp_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::optional<auth::MppeKeys> keys_;
  // Each layer's own timer, as its last output said, and the session's bounds.
  std::optional<TimePoint> lcp_timer_, ccp_timer_, ipcp_timer_, auth_timer_;
  std::optional<TimePoint> auth_deadline_;
  std::optional<TimePoint> network_deadline_;
  bool lcp_heard_ = false;     // any LCP packet from the peer at all
  bool lcp_answered_ = false;  // an Ack, Nak or Reject of our Configure-Request
  bool ccp_up_ = false;
  bool ccp_given_up_ = false;  // MPPE optional and the server would not do it
  bool ipcp_up_ = false;
  bool ipcp_started_ = false;
  std::optional<wire::Bytes> early_ipcp_;  // the server's, before we started IPCP
  bool up_sent_ = false;
  unsigned garbage_frames_ = 0;  // undecodable protocols on a stateful receive side
  bool failed_ = false;
  std::string close_reason_;
};

}  // namespace ppp
