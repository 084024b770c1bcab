#include "daemon/kernel_carrier.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "daemon/random.hpp"
#include "kernel/ppp_flags.hpp"
#include "ppp/describe.hpp"
#include "ppp/frame.hpp"

namespace pptpctl {

namespace {

constexpr std::uint16_t kProtocolIpv6 = 0x0057;

CarrierStep failed(Exit code, const wire::Error& e) { return CarrierFailure{code, e.reason}; }

}  // namespace

KernelCarrier::KernelCarrier(const config::Profile& profile, CarrierEvents events)
    : profile_(profile), events_(std::move(events)) {}

KernelCarrier::~KernelCarrier() { close(); }

CarrierStep KernelCarrier::open_call(in_addr local, in_addr server) {
  server_ = server;
  // The OCRQ must carry the call ID the kernel socket is bound to. Random IDs
  // keep clients behind one NAT apart; the kernel's own pick is the fallback.
  auto sock = kernel::PptpSocket::open();
  if (!sock) return failed(Exit::KernelMissing, sock.error());
  pptp_ = std::move(*sock);
  wire::Result<std::uint16_t> call = wire::Error::retry("no call ID tried yet");
  for (int i = 0; i < 8 && !call; ++i) {
    auto id = random_value<std::uint16_t>();
    if (id != 0) call = pptp_.bind(id, local);
  }
  if (!call) call = pptp_.bind(0, local);
  if (!call) return failed(Exit::Failure, call.error());
  call_id_ = *call;
  return std::nullopt;
}

CarrierStep KernelCarrier::connect_call(std::uint16_t peer_call_id) {
  auto ok = pptp_.connect(peer_call_id, server_);
  if (!ok) return failed(Exit::Failure, ok.error());
  auto idx = pptp_.channel_index();
  if (!idx) return failed(Exit::KernelMissing, idx.error());
  auto ch = kernel::PppChannel::attach(*idx);
  if (!ch) return failed(Exit::KernelMissing, ch.error());
  channel_ = std::move(*ch);
  return std::nullopt;
}

CarrierStep KernelCarrier::network_phase(const ppp::session_event::NetworkPhase& n) {
  auto unit = kernel::PppUnit::create();
  if (!unit) return failed(Exit::KernelMissing, unit.error());
  unit_ = std::move(*unit);
  auto step = [](wire::Result<wire::Unit> r, Exit code) -> CarrierStep {
    if (!r) return failed(code, r.error());
    return std::nullopt;
  };
  if (auto f = step(unit_.rename(profile_.interface), Exit::NetworkSetup)) return f;
  if (auto f = step(unit_.set_mru(std::max<int>(kernel::kMinUnitMru, profile_.mru)), Exit::Failure)) return f;
  // IP stays dropped until MPPE runs both ways: the kernel would send clear text.
  if (auto f = step(unit_.set_np_mode(kernel::kProtocolIp, kernel::NpMode::Drop), Exit::Failure)) return f;
  // IPv6 is never negotiated, so it never passes: a new unit would let it.
  if (auto f = step(unit_.set_np_mode(kProtocolIpv6, kernel::NpMode::Drop), Exit::Failure)) return f;
  if (auto f = step(channel_.connect_to(unit_), Exit::Failure)) return f;
  if (n.keys) {
    const std::uint32_t must = profile_.mppe.required ? kernel::kFlagMustComp : 0;
    if (auto f = step(unit_.open_ccp(), Exit::MppeMissing)) return f;
    if (must) {
      if (auto f = step(unit_.update_flags(must, 0), Exit::MppeMissing)) return f;
    }
    kernel::MppeParams p;
    const auto bits = n.mppe_hint ? n.mppe_hint->key_bits() : 128u;
    p.strength = bits == 128 ? kernel::MppeStrength::Bits128
                 : bits == 56 ? kernel::MppeStrength::Bits56
                              : kernel::MppeStrength::Bits40;
    p.stateless = !n.mppe_hint || n.mppe_hint->stateless();
    p.start_key = n.keys->recv;
    if (auto f = step(unit_.install_mppe_key(kernel::Direction::Receive, p), Exit::MppeMissing)) return f;
    p.start_key = n.keys->send;
    if (auto f = step(unit_.install_mppe_key(kernel::Direction::Transmit, p), Exit::MppeMissing)) return f;
  }
  return std::nullopt;
}

CarrierStep KernelCarrier::mppe_up(const ppp::CcpOutcome&) {
  auto r = unit_.ccp_up();
  if (!r) return failed(Exit::MppeMissing, r.error());
  return std::nullopt;
}

CarrierStep KernelCarrier::check_mppe(bool tx, bool rx) {
  // The kernel starts MPPE when it sees each ConfAck go by; if it refused
  // one, SC_MUST_COMP would not stop clear text. Trust the run bits only.
  auto f = unit_.flags();
  const std::uint32_t want = (tx ? kernel::kFlagCompRun : 0u) | (rx ? kernel::kFlagDecompRun : 0u);
  if (!f || (*f & want) != want)
    return CarrierFailure{Exit::MppeMissing, "the kernel did not start MPPE in both directions; IP stays blocked"};
  return std::nullopt;
}

CarrierStep KernelCarrier::pass_ip(bool pass) {
  if (unit_.fd() < 0) {
    if (!pass) return std::nullopt;  // no unit: nothing can pass anyway
    return CarrierFailure{Exit::Failure, "the PPP unit is gone"};
  }
  auto r = unit_.set_np_mode(kernel::kProtocolIp, pass ? kernel::NpMode::Pass : kernel::NpMode::Drop);
  if (!r) return failed(Exit::Failure, r.error());
  return std::nullopt;
}

void KernelCarrier::write(const wire::Bytes& frame) {
  const auto protocol = static_cast<std::uint16_t>((frame[0] << 8) | frame[1]);
  const bool via_channel = ppp::uses_channel_fd(protocol);
  if (!via_channel && unit_.fd() < 0) {
    events_.debug("no unit yet for " + ppp::protocol_name(protocol) + ": frame dropped");
    return;
  }
  auto r = via_channel ? channel_.write(frame) : unit_.write(frame);
  if (!r) events_.debug("write failed: " + r.error().reason);
}

void KernelCarrier::watch(Poller& poller) {
  poller.watch(channel_.fd(), POLLIN, [this](short) { if (channel_.fd() >= 0) read(false); });
  poller.watch(unit_.fd(), POLLIN, [this](short) { if (unit_.fd() >= 0) read(true); });
}

void KernelCarrier::read(bool unit) {
  // new[] default-initialises: no page is touched before the kernel writes
  // a frame into it (a zeroed 64 KiB vector per read kept 64 KiB of heap).
  if (!frame_buf_) frame_buf_.reset(new std::uint8_t[kernel::kFrameBufferSize]);
  const std::span<std::uint8_t> buf(frame_buf_.get(), kernel::kFrameBufferSize);
  // Bounded, so one busy fd cannot starve the others; the session may close
  // the fd while handling a frame (teardown), which ends the loop too.
  for (int i = 0; i < 64 && (unit ? unit_.fd() : channel_.fd()) >= 0; ++i) {
    auto r = unit ? unit_.read(buf) : channel_.read(buf);
    if (!r) {
      events_.debug("read: " + r.error().reason);
      if (r.error().kind == wire::ErrorKind::Ignore) continue;
      return;
    }
    if (r->status == kernel::ReadStatus::WouldBlock) return;
    if (r->status == kernel::ReadStatus::Hangup) {
      events_.fail(Exit::LinkLost, "the kernel closed the PPP " + std::string(unit ? "unit" : "channel"));
      if (unit) unit_.close(); else channel_.close();
      return;
    }
    events_.frame(wire::ByteView(buf.data(), r->size));
  }
}

void KernelCarrier::describe(nlohmann::json& j) const { j["data_path"] = std::string(name()); }

void KernelCarrier::close() {
  // The order of kernel-facts: channel, unit (removes the interface), socket.
  channel_.close();
  unit_.close();
  pptp_.close();
}

}  // namespace pptpctl
