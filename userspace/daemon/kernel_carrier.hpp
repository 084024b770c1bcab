#pragma once
// The kernel carries the call: a PPTP socket (GRE), a /dev/ppp channel for
// LCP and authentication, a /dev/ppp unit for the NCPs, CCP and the
// interface; ppp_mppe encrypts. What Attempt did itself before the
// userspace data path existed, moved here unchanged.
#include <cstdint>
#include <memory>

#include "daemon/carrier.hpp"
#include "kernel/ppp_unit.hpp"
#include "kernel/pptp_socket.hpp"

namespace pptpctl {

class KernelCarrier final : public Carrier {
 public:
  KernelCarrier(const config::Profile& profile, CarrierEvents events);
  ~KernelCarrier() override;

  std::string_view name() const override { return "kernel"; }
  CarrierStep open_call(in_addr local, in_addr server) override;
  std::uint16_t call_id() const override { return call_id_; }
  CarrierStep connect_call(std::uint16_t peer_call_id) override;
  CarrierStep network_phase(const ppp::session_event::NetworkPhase& n) override;
  CarrierStep mppe_up(const ppp::CcpOutcome& mppe) override;
  CarrierStep check_mppe(bool tx, bool rx) override;
  CarrierStep pass_ip(bool pass) override;
  void write(const wire::Bytes& frame) override;
  bool can_send_control() const override { return channel_.fd() >= 0; }
  void watch(Poller& poller) override;
  std::optional<TimePoint> deadline() const override { return std::nullopt; }
  void on_time(TimePoint) override {}
  const std::string& interface_name() const override { return unit_.interface_name(); }
  unsigned interface_index() const override { return unit_.interface_index(); }
  wire::Result<std::chrono::seconds> idle() const override { return unit_.idle(); }
  bool refuses_clear_ip() const override { return false; }
  void describe(nlohmann::json& j) const override;
  void close() override;

 private:
  void read(bool unit);

  const config::Profile& profile_;
  CarrierEvents events_;
  kernel::PptpSocket pptp_;
  kernel::PppChannel channel_;
  kernel::PppUnit unit_;
  in_addr server_{};
  std::uint16_t call_id_ = 0;
  // One frame from the channel or the unit; made at the first read, and not
  // zeroed, so only the bytes frames use are ever resident (issue 11).
  std::unique_ptr<std::uint8_t[]> frame_buf_;
};

}  // namespace pptpctl
