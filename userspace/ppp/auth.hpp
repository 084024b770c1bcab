#pragma once
// Client-side PPP authentication, sans-IO. LCP agrees on a protocol; the
// caller builds the matching machine with make_authenticator() and feeds it
// the payloads of PPP frames of ppp_protocol(), timer expiries and the time.
// The machine answers with payloads to send (the caller adds the PPP
// protocol number), the deadline to arm, and at most one final event.
//
// Timers: the CHAP family is driven by the server, which retransmits its
// Challenge; these machines never arm a timer. The caller must bound the
// wait for the first Challenge and for the verdict itself (pppd uses
// 30-60 s) and fail the link when it runs out. PAP is driven by us: it arms
// a 3 s restart timer and gives up after 10 Authenticate-Requests.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ppp/auth_text.hpp"
#include "ppp/lcp.hpp"
#include "ppp/mppe_keys.hpp"
#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp::auth {

using Clock = std::chrono::steady_clock;

// The protocol LCP agreed on (ppp/lcp.hpp owns the enum and its to_string).
using ppp::AuthProtocol;
// 0xC223 for the CHAP family, 0xC023 for PAP.
std::uint16_t ppp_protocol(AuthProtocol protocol);

enum class FailureCategory {
  WrongPassword,      // 691, CHAP-MD5 Failure, PAP Nak
  AccountRestricted,  // 646, 647, 649: the server knows us but will not let us in
  PasswordExpired,    // 648, 709
  Rejected,           // any other refusal, or one we could not parse
  Impostor,           // MS-CHAPv2 Success without the right S=: fail closed
  ProtocolError,      // the server broke the protocol (wrong challenge size, endless challenges)
  Timeout,            // PAP: no answer to any Authenticate-Request
};
std::string_view to_string(FailureCategory category);

struct AuthSucceeded {
  std::optional<MppeKeys> keys;  // MS-CHAPv2 and v1 only; PAP and CHAP-MD5 give no keys
  std::string message;           // the server's text, raw; print with printable()
};
struct AuthFailed {
  FailureCategory category = FailureCategory::Rejected;
  std::string reason;  // a sentence for a person, server text already made printable
};
using AuthEvent = std::variant<AuthSucceeded, AuthFailed>;

struct AuthOutput {
  std::vector<wire::Bytes> send;             // payloads for ppp_protocol()
  std::optional<Clock::time_point> deadline;  // the timer to have armed now; nullopt: none
  std::optional<AuthEvent> event;            // set once, when the machine finishes
  std::string dropped;                       // why the packet was ignored, for --debug
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual AuthProtocol protocol() const = 0;
  // Once, when LCP reaches Opened. PAP sends its first request here.
  virtual AuthOutput start(Clock::time_point now) = 0;
  virtual AuthOutput on_packet(wire::ByteView payload, Clock::time_point now) = 0;
  // When the last returned deadline passes. Early or stray calls are harmless.
  virtual AuthOutput on_timeout(Clock::time_point now) = 0;
  // True once an event has been returned. CHAP-MD5 keeps answering
  // re-challenges after success (RFC 1994 allows them at any time); a failed
  // re-authentication then brings a Failure event after the Success.
  virtual bool finished() const = 0;
};

struct AuthCredentials {
  std::string username;  // sent as is; MS-CHAPv2 drops "DOMAIN\" only inside its hash
  std::string password;  // wiped inside the machine once no longer needed
  // 16 random bytes from the caller (MS-CHAPv2). Reused if the server
  // re-challenges with a new id; the server's new challenge still makes the
  // response fresh.
  std::array<std::uint8_t, 16> peer_challenge{};
  // Every copy wipes its password when it dies (the session keeps one for
  // the link's life; each machine takes its own).
  ~AuthCredentials() { wipe(password); }
};

inline constexpr std::size_t kMaxNameLength = 255;
inline constexpr std::size_t kMaxPapPassword = 255;
inline constexpr unsigned kMaxChapResponses = 16;  // bounds a server that challenges forever
inline constexpr unsigned kPapMaxTransmits = 10;
inline constexpr std::chrono::seconds kPapRestart{3};

// Fails with a sentence when the credentials cannot be sent with that
// protocol (a name over 255 bytes, a password over the protocol's limit).
wire::Result<std::unique_ptr<Authenticator>> make_authenticator(AuthProtocol protocol, AuthCredentials credentials);

}  // namespace ppp::auth
