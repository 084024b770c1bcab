#pragma once
// IPCP (RFC 1332) with the Microsoft DNS/NBNS extensions (RFC 1877), client
// side: we ask for 0.0.0.0 and take the address the server Naks us, ask for
// DNS/WINS servers the same way, accept the server's own address, and reject
// VJ compression and everything else.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "ppp/fsm.hpp"
#include "wire/ipv4.hpp"

namespace ppp {

namespace ipcp_option {
inline constexpr std::uint8_t IpAddresses = 1;  // deprecated
inline constexpr std::uint8_t IpCompression = 2;
inline constexpr std::uint8_t IpAddress = 3;
inline constexpr std::uint8_t PrimaryDns = 129;
inline constexpr std::uint8_t PrimaryNbns = 130;
inline constexpr std::uint8_t SecondaryDns = 131;
inline constexpr std::uint8_t SecondaryNbns = 132;
}  // namespace ipcp_option

struct IpcpConfig {
  bool want_dns = true;
  bool want_wins = false;
  FsmLimits limits{};
};

// What was agreed, valid after an Up event.
struct IpcpOutcome {
  wire::Ipv4 local{};
  wire::Ipv4 peer{};  // 0.0.0.0 if the server did not say
  std::optional<wire::Ipv4> dns1, dns2, wins1, wins2;
};

class Ipcp final : private OptionsPolicy {
 public:
  explicit Ipcp(IpcpConfig config = {});

  Output up(TimePoint now) { return fsm_.up(now); }
  Output down(TimePoint now) { return fsm_.down(now); }
  Output open(TimePoint now) { return fsm_.open(now); }
  Output close(TimePoint now, std::string reason) { return fsm_.close(now, std::move(reason)); }
  Output receive(wire::ByteView packet, TimePoint now) { return fsm_.receive(packet, now); }
  Output timeout(TimePoint now) { return fsm_.timeout(now); }

  State state() const { return fsm_.state(); }
  const IpcpOutcome& outcome() const { return outcome_; }
  const Fsm& fsm() const { return fsm_; }

 private:
  // One thing we ask for: the option type, whether we still ask, the value.
  struct Wish {
    std::uint8_t type = 0;
    bool ask = false;
    wire::Ipv4 value{};
  };

  void reset() override;
  void write_request(wire::Writer& options) override;
  wire::Result<wire::Unit> review(std::span<const Option> options, bool reject_if_disagree,
                                  Review& review) override;
  wire::Result<wire::Unit> apply_nak(std::span<const Option> options) override;
  wire::Result<wire::Unit> apply_reject(std::span<const Option> options) override;
  wire::Result<wire::Unit> check_opened() override;

  Wish* wish(std::uint8_t type);

  IpcpConfig config_;
  Fsm fsm_;
  std::array<Wish, 5> wishes_{};  // address, dns1, wins1, dns2, wins2
  wire::Ipv4 peer_address_{};
  IpcpOutcome outcome_;
};

}  // namespace ppp
