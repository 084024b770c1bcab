#pragma once
// IPCP (RFC 1332) with the Microsoft DNS/NBNS extensions (RFC 1877), client
// side: we ask for 0.0.0.0 and take the address the server Naks us, ask for
// DNS/WINS servers the same way, accept the server's own address, and reject
// VJ compression and everything else.
//
// Sanity (issue 9): an address or server the server hands out that is in
// 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4, 240.0.0.0/4, is 255.255.255.255, or
// is the PPTP server's own real address, is refused. Our own address: ask
// again with 0.0.0.0 (RFC 1332 §3.3), and fail after kMaxBadAddressNaks such
// Naks. A DNS or NBNS server: stop asking for that option, as if Rejected
// (RFC 1877 §1), and carry on without it. The server's own address in its
// request is only the route's peer: refused (failing) only when it is in one
// of the ranges, never for being the server.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  // The PPTP server's real address (the TCP peer), known before PPP starts:
  // the core never asks a socket. An assignment equal to it is refused.
  std::optional<wire::Ipv4> server;
  FsmLimits limits{};
};

// What was agreed, valid after an Up event.
struct IpcpOutcome {
  wire::Ipv4 local{};
  wire::Ipv4 peer{};  // 0.0.0.0 if the server did not say
  std::optional<wire::Ipv4> dns1, dns2, wins1, wins2;
  // One sentence per server option we stopped asking for because the value
  // offered was unusable, for the log.
  std::vector<std::string> refused;
};

// How many Naks with an unusable address for us before IPCP fails.
inline constexpr unsigned kMaxBadAddressNaks = 3;

// Why an address the server hands out cannot be used, as the end of a
// sentence ("a loopback address (127.0.0.0/8)"), or nullopt when it can.
// `server`: the PPTP server's real address, if known.
std::optional<std::string> unusable_address(const wire::Ipv4& a, const std::optional<wire::Ipv4>& server);

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
  // Kept across renegotiations (reset()), so a server cannot loop us.
  unsigned bad_address_naks_ = 0;
  std::vector<std::uint8_t> refused_options_;  // server options we stopped asking for
  std::vector<std::string> refused_;           // why, one sentence each
};

}  // namespace ppp
