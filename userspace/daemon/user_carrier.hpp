#pragma once
// The daemon carries the call itself, for kernels without pptp, ppp_generic
// or ppp_mppe: a TUN device for IP, a raw GRE socket to the server, and
// datapath::Engine between them doing GRE, MPPE and the receive window.
// Control frames from the session go to the engine; the engine's control
// frames go back to the session, as the kernel's channel and unit fds would
// deliver them.
#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "daemon/carrier.hpp"
#include "datapath/engine.hpp"
#include "kernel/gre_socket.hpp"
#include "kernel/tun.hpp"

namespace pptpctl {

class UserCarrier final : public Carrier {
 public:
  // Packets per poll wake-up, each way: one recvmmsg, one sendmmsg.
  static constexpr std::size_t kBatch = 64;

  UserCarrier(const config::Profile& profile, CarrierEvents events);
  ~UserCarrier() override;

  std::string_view name() const override { return "userspace"; }
  CarrierStep open_call(in_addr local, in_addr server) override;
  std::uint16_t call_id() const override { return call_id_; }
  CarrierStep connect_call(std::uint16_t peer_call_id) override;
  CarrierStep network_phase(const ppp::session_event::NetworkPhase& n) override;
  CarrierStep mppe_up(const ppp::CcpOutcome& mppe) override;
  CarrierStep check_mppe(bool tx, bool rx) override;
  CarrierStep pass_ip(bool pass) override;
  void write(const wire::Bytes& frame) override;
  bool can_send_control() const override { return gre_.fd() >= 0 && engine_ != nullptr; }
  void watch(Poller& poller) override;
  std::optional<TimePoint> deadline() const override;
  void on_time(TimePoint now) override;
  const std::string& interface_name() const override { return tun_.name(); }
  unsigned interface_index() const override { return tun_.index(); }
  wire::Result<std::chrono::seconds> idle() const override;
  // The engine refuses clear IP only when MPPE is required; otherwise the
  // nftables guard does it, as on the kernel path.
  bool refuses_clear_ip() const override { return profile_.mppe.required; }
  void describe(nlohmann::json& j) const override;
  void close() override;

 private:
  using Buffer = std::array<std::uint8_t, datapath::kMaxDatagram>;

  void read_gre();
  void read_tun();
  // Hands what one engine call produced to TUN, the GRE socket and the
  // session, in that order.
  void deliver();
  void send_gre(std::span<const wire::ByteView> packets);
  void note_traffic(TimePoint now);

  const config::Profile& profile_;
  CarrierEvents events_;
  kernel::GreSocket gre_;
  kernel::Tun tun_;
  std::unique_ptr<datapath::Engine> engine_;  // from connect_call until destruction
  datapath::Output out_;
  std::optional<ppp::auth::MppeKeys> keys_;
  in_addr server_{};
  std::uint16_t call_id_ = 0;
  // new[] default-initialises: a buffer's pages become resident when a
  // packet first lands in them, not all 256 KiB at construction (issue 11).
  std::unique_ptr<Buffer[]> rx_;
  std::unique_ptr<Buffer[]> tx_;
  TimePoint last_traffic_{};
  std::uint64_t last_packets_ = 0;
  std::uint64_t short_writes_ = 0;
  std::uint64_t not_ipv4_ = 0;  // IPv6 and anything else TUN hands us  // GRE packets the socket buffer had no room for
};

}  // namespace pptpctl
