#pragma once
// What carries one call's PPP frames and IP packets: the kernel (pptp,
// ppp_generic and ppp_mppe: kernel_carrier) or the daemon itself (a TUN
// device, a raw GRE socket and datapath::Engine: user_carrier). Attempt
// drives either through this interface, so the PPTP and PPP flow, and the
// teardown order of kernel-facts, exist once.
#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "config/profile.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/poller.hpp"
#include "ppp/session.hpp"
#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace pptpctl {

struct CarrierFailure {
  Exit code = Exit::Failure;
  std::string reason;
};
// One step of the hand-off: nullopt when it was done.
using CarrierStep = std::optional<CarrierFailure>;

// How a carrier reaches the attempt that owns it.
struct CarrierEvents {
  std::function<void(wire::ByteView frame)> frame;  // a PPP frame for the session
  std::function<void(Exit code, const std::string& reason)> fail;
  std::function<void(const std::string& line)> debug;
};

class Carrier {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  virtual ~Carrier() = default;
  // "kernel" or "userspace", for status.
  virtual std::string_view name() const = 0;

  // TCP 1723 is up from `local` to `server`: reserve our call ID (never 0),
  // for the Outgoing-Call-Request.
  virtual CarrierStep open_call(in_addr local, in_addr server) = 0;
  virtual std::uint16_t call_id() const = 0;
  // The Outgoing-Call-Reply named the server's call ID: GRE can flow, and
  // LCP with it.
  virtual CarrierStep connect_call(std::uint16_t peer_call_id) = 0;
  // PPP's network phase: the interface comes to exist (down, IP and IPv6
  // dropped) and the MPPE keys are installed.
  virtual CarrierStep network_phase(const ppp::session_event::NetworkPhase& n) = 0;
  // CCP reached Opened: encryption starts.
  virtual CarrierStep mppe_up(const ppp::CcpOutcome& mppe) = 0;
  // Is MPPE really running in the directions negotiated?
  virtual CarrierStep check_mppe(bool tx, bool rx) = 0;
  // PPPIOCSNPMODE(PPP_IP) PASS or DROP.
  virtual CarrierStep pass_ip(bool pass) = 0;

  // A frame from the session ([proto_hi][proto_lo][payload]).
  virtual void write(const wire::Bytes& frame) = 0;
  // Can a frame still reach the server (LCP Terminate-Request)?
  virtual bool can_send_control() const = 0;

  virtual void watch(Poller& poller) = 0;
  virtual std::optional<TimePoint> deadline() const = 0;
  virtual void on_time(TimePoint now) = 0;

  // Valid after network_phase().
  virtual const std::string& interface_name() const = 0;
  virtual unsigned interface_index() const = 0;
  // Time since the last user packet either way, in whole seconds.
  virtual wire::Result<std::chrono::seconds> idle() const = 0;
  // True when the carrier itself drops clear IP from the server once MPPE
  // runs inbound, so the nftables injection guard is not needed.
  virtual bool refuses_clear_ip() const = 0;
  // "data_path" and what the carrier counts.
  virtual void describe(nlohmann::json& j) const = 0;

  // Everything goes, in the order of kernel-facts: the frames' way in, the
  // interface, then the call's socket. Idempotent.
  virtual void close() = 0;
};

}  // namespace pptpctl
