#pragma once
// CCP (RFC 1962) carrying only MPPE (RFC 3078, option 18). We ask for
// exactly one MPPE option, the strongest allowed strength, stateless; we
// steer the server's offer towards the same; every other compressor
// (Deflate, BSD, Predictor, MPPC) is rejected. Reset-Request/Reset-Ack are
// handled for the kernel, which never sends them itself.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "ppp/fsm.hpp"

namespace ppp {

namespace ccp_option {
inline constexpr std::uint8_t Predictor1 = 1;
inline constexpr std::uint8_t Predictor2 = 2;
inline constexpr std::uint8_t Mppe = 18;
inline constexpr std::uint8_t BsdCompress = 21;
inline constexpr std::uint8_t Deflate = 26;
}  // namespace ccp_option

// The 32-bit MPPE option value, big-endian on the wire.
namespace mppe_bit {
inline constexpr std::uint32_t H = 0x01000000;  // stateless
inline constexpr std::uint32_t M = 0x80;        // 56-bit
inline constexpr std::uint32_t S = 0x40;        // 128-bit
inline constexpr std::uint32_t L = 0x20;        // 40-bit
inline constexpr std::uint32_t D = 0x10;        // obsolete
inline constexpr std::uint32_t C = 0x01;        // MPPC compression: never
inline constexpr std::uint32_t Strengths = S | M | L;
}  // namespace mppe_bit

struct CcpConfig {
  std::uint32_t allowed = mppe_bit::S;  // any of S, M, L
  bool allow_stateful = false;
  // Ask for stateful MPPE for what the server sends us (our ConfReq decides
  // that direction); needs allow_stateful. The server's own direction stays
  // its choice.
  bool request_stateful = false;
  bool required = true;  // fail the layer (and the caller the link) without MPPE both ways
  Clock::duration reset_timeout = std::chrono::seconds(1);
  std::uint8_t max_reset_tries = 5;
  FsmLimits limits{};
};

struct MppeMode {
  std::uint32_t bits = 0;  // exactly one strength bit, H if stateless
  bool stateless() const { return (bits & mppe_bit::H) != 0; }
  unsigned key_bits() const { return (bits & mppe_bit::S) ? 128u : (bits & mppe_bit::M) ? 56u : 40u; }
  // `12 06 b0 b1 b2 b3`: the head of the kernel's PPPIOCSCOMPRESS buffer.
  std::array<std::uint8_t, 6> option_bytes() const;
  bool operator==(const MppeMode&) const = default;
};

// Valid after an Up event. A ConfReq describes what its sender receives, so
// rx is our request the server acknowledged, tx the server's request we did.
struct CcpOutcome {
  std::optional<MppeMode> tx;
  std::optional<MppeMode> rx;
};

struct CcpFailure {
  enum class Kind : std::uint8_t {
    ServerRefused,  // the server rejected MPPE, or terminated / Protocol-Rejected CCP
    WeRefused,      // the server offered only what the profile does not allow
  };
  Kind kind = Kind::ServerRefused;
  std::string reason;
};

class Ccp final : private OptionsPolicy {
 public:
  explicit Ccp(CcpConfig config = {});

  Output up(TimePoint now);
  Output down(TimePoint now);
  Output open(TimePoint now);
  Output close(TimePoint now, std::string reason);
  Output receive(wire::ByteView packet, TimePoint now);
  Output timeout(TimePoint now);
  // A 0x00FD frame came up the unit fd (the kernel could not decrypt): send a
  // Reset-Request, retried until a Reset-Ack comes back. Repeated calls while
  // one is outstanding do nothing.
  Output request_reset(TimePoint now);
  // LCP reported that the server Protocol-Rejected CCP.
  Output protocol_rejected(TimePoint now);

  State state() const { return fsm_.state(); }
  const CcpOutcome& outcome() const { return outcome_; }
  const std::optional<CcpFailure>& failure() const { return failure_; }
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

  wire::Error refuse(CcpFailure::Kind kind, std::string reason);
  std::uint32_t preferred() const;
  Output finish(Output out);

  CcpConfig config_;
  Fsm fsm_;

  bool ask_ = true;          // we still send our MPPE option
  std::uint32_t want_ = 0;   // its value
  std::optional<MppeMode> peer_mode_;  // from the last reviewed server request
  std::string refusal_;      // why we could not take the server's last offer

  CcpOutcome outcome_;
  std::optional<CcpFailure> failure_;

  bool reset_pending_ = false;
  std::uint8_t reset_id_ = 0;
  std::uint8_t reset_tries_ = 0;
  std::optional<TimePoint> reset_deadline_;
};

}  // namespace ppp
