#pragma once
// LCP (RFC 1661) for a PPTP client: MRU, magic number with loop detection,
// the authentication protocol the server asks for (checked against the
// profile's allowed list), echo keepalive, Protocol-Reject. Everything else
// (ACCM, PFC, ACFC, callback, multilink, ...) is rejected: the PPTP frame
// path through the kernel needs none of it.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ppp/fsm.hpp"

namespace ppp {

enum class AuthProtocol : std::uint8_t { MsChapV2, MsChapV1, ChapMd5, Pap };
std::string_view to_string(AuthProtocol a);

namespace lcp_option {
inline constexpr std::uint8_t Mru = 1;
inline constexpr std::uint8_t Accm = 2;
inline constexpr std::uint8_t AuthProtocol = 3;
inline constexpr std::uint8_t QualityProtocol = 4;
inline constexpr std::uint8_t MagicNumber = 5;
inline constexpr std::uint8_t Pfc = 7;
inline constexpr std::uint8_t Acfc = 8;
inline constexpr std::uint8_t Callback = 13;
inline constexpr std::uint8_t Mrru = 17;
inline constexpr std::uint8_t EndpointDiscriminator = 19;
}  // namespace lcp_option

// CHAP algorithm bytes in the Authentication-Protocol option.
namespace chap_algorithm {
inline constexpr std::uint8_t Md5 = 0x05;
inline constexpr std::uint8_t MsChapV1 = 0x80;
inline constexpr std::uint8_t MsChapV2 = 0x81;
}  // namespace chap_algorithm

inline constexpr std::uint16_t kMinMru = 128;

struct LcpConfig {
  std::uint16_t mru = 1500;  // asked for in our request; 0 = don't ask (default 1500)
  // In order of preference. The server picks; we Nak what is not listed.
  std::vector<AuthProtocol> allowed_auth{AuthProtocol::MsChapV2};
  std::uint64_t seed = 0;  // randomness for magic numbers, from the caller
  Clock::duration echo_interval = std::chrono::seconds(30);  // zero: no keepalive
  std::uint8_t echo_failures = 4;  // unanswered echoes before the link is declared dead
  std::uint8_t max_loopback = 5;   // our own magic seen this often: the link is looped
  FsmLimits limits{};
};

// What was agreed, valid after an Up event.
struct LcpOutcome {
  std::uint16_t our_mru = 1500;   // the most the peer sends us
  std::uint16_t peer_mru = 1500;  // the most we may send the peer
  std::optional<AuthProtocol> auth;  // how the server wants us to authenticate; none: no auth
  std::uint32_t our_magic = 0;
  std::uint32_t peer_magic = 0;
};

class Lcp final : private OptionsPolicy {
 public:
  explicit Lcp(LcpConfig config);

  // Drive it like an Fsm; Output.deadline covers both the restart timer and
  // the echo timer, and timeout(now) handles whichever is due.
  Output up(TimePoint now);
  Output down(TimePoint now);
  Output open(TimePoint now);
  Output close(TimePoint now, std::string reason);
  Output receive(wire::ByteView packet, TimePoint now);
  Output timeout(TimePoint now);
  // Reject a frame of a protocol we do not run (only sent when Opened; the
  // rejected information is cut to fit the peer's MRU).
  Output reject_protocol(std::uint16_t protocol, wire::ByteView payload, TimePoint now);

  State state() const { return fsm_.state(); }
  const LcpOutcome& outcome() const { return outcome_; }
  const Fsm& fsm() const { return fsm_; }

 private:
  void reset() override;
  void write_request(wire::Writer& options) override;
  wire::Result<wire::Unit> review(std::span<const Option> options, bool reject_if_disagree,
                                  Review& review) override;
  wire::Result<wire::Unit> apply_nak(std::span<const Option> options) override;
  wire::Result<wire::Unit> apply_reject(std::span<const Option> options) override;
  wire::Result<wire::Unit> check_opened() override;
  bool extra(Fsm& fsm, const Packet& packet, TimePoint now, Output& out) override;
  void code_rejected(std::uint8_t code) override;

  std::uint32_t random_magic();
  void review_auth(const Option& o, Review& review);
  void write_auth(wire::Writer& w, AuthProtocol a) const;
  void echo_timeout(TimePoint now, Output& out);
  Output finish(Output out, TimePoint now);

  LcpConfig config_;
  Fsm fsm_;
  std::uint64_t rng_;

  // Our wishes for the current negotiation.
  std::uint16_t want_mru_ = 0;
  bool want_magic_ = true;
  std::uint32_t magic_ = 0;
  std::uint8_t loops_ = 0;

  // The peer's last reviewed request.
  std::uint16_t peer_mru_ = 1500;
  std::uint32_t peer_magic_ = 0;
  std::optional<AuthProtocol> peer_auth_;

  LcpOutcome outcome_;

  bool echo_enabled_ = true;  // false once the peer Code-Rejects echoes
  std::optional<TimePoint> echo_deadline_;
  std::uint8_t echo_pending_ = 0;
};

// A Protocol-Reject packet body: the rejected protocol and as much of the
// rejected frame as fits in `mru`.
wire::Bytes protocol_reject_data(std::uint16_t protocol, wire::ByteView payload, std::uint16_t mru);

}  // namespace ppp
