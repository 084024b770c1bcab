#include "daemon/user_carrier.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <nlohmann/json.hpp>

#include "daemon/random.hpp"

namespace pptpctl {

namespace {

CarrierStep failed(Exit code, const wire::Error& e) { return CarrierFailure{code, e.reason}; }

bool within(wire::ByteView piece, const std::uint8_t* begin, std::size_t size) {
  return piece.data() >= begin && piece.data() + piece.size() <= begin + size;
}

datapath::MppeSetup setup_from(const ppp::auth::MppeKeys& keys, const std::optional<ppp::MppeMode>& tx,
                               const std::optional<ppp::MppeMode>& rx) {
  datapath::MppeSetup s;
  // One strength for both directions, as Linux's PPTP peers negotiate it;
  // the receive side's is the one our own request named.
  const auto& mode = rx ? rx : tx;
  s.key_bits = mode ? mode->key_bits() : 128u;
  s.tx_stateless = !tx || tx->stateless();
  s.rx_stateless = !rx || rx->stateless();
  s.send_start = keys.send;
  s.recv_start = keys.recv;
  s.tx = tx.has_value();
  s.rx = rx.has_value();
  return s;
}

void wipe(datapath::MppeSetup& s) {
  ::explicit_bzero(s.send_start.data(), s.send_start.size());
  ::explicit_bzero(s.recv_start.data(), s.recv_start.size());
}

void wipe(std::optional<ppp::auth::MppeKeys>& keys) {
  if (!keys) return;
  ::explicit_bzero(keys->send.data(), keys->send.size());
  ::explicit_bzero(keys->recv.data(), keys->recv.size());
  keys.reset();
}

}  // namespace

UserCarrier::UserCarrier(const config::Profile& profile, CarrierEvents events)
    : profile_(profile), events_(std::move(events)), rx_(new Buffer[kBatch]), tx_(new Buffer[kBatch]) {}

UserCarrier::~UserCarrier() {
  close();
  wipe(keys_);
}

CarrierStep UserCarrier::open_call(in_addr local, in_addr server) {
  server_ = server;
  auto sock = kernel::GreSocket::open(local, server);
  if (!sock) return failed(Exit::Failure, sock.error());
  gre_ = std::move(*sock);
  // Random, never 0: clients behind one NAT stay apart (as the kernel path's
  // IDs), and no kernel table to reserve it in.
  do call_id_ = random_value<std::uint16_t>();
  while (call_id_ == 0);
  return std::nullopt;
}

CarrierStep UserCarrier::connect_call(std::uint16_t peer_call_id) {
  datapath::Config c;
  c.peer_call_id = peer_call_id;
  c.our_call_id = call_id_;
  c.mppe_required = profile_.mppe.required;
  engine_ = std::make_unique<datapath::Engine>(c);
  return std::nullopt;
}

CarrierStep UserCarrier::network_phase(const ppp::session_event::NetworkPhase& n) {
  // The interface exists from here on, down; IP stays refused by the engine
  // until pass_ip(true), and IPv6 never passes (it is never negotiated).
  auto tun = kernel::Tun::open(profile_.interface);
  if (!tun) return failed(Exit::NetworkSetup, tun.error());
  tun_ = std::move(*tun);
  engine_->set_ip_pass(false);
  if (n.keys) {
    keys_ = *n.keys;
    auto setup = setup_from(*n.keys, n.mppe_hint, n.mppe_hint);
    engine_->set_mppe(setup);
    wipe(setup);
  }
  last_traffic_ = Clock::now();
  return std::nullopt;
}

CarrierStep UserCarrier::mppe_up(const ppp::CcpOutcome& mppe) {
  if (!engine_ || !keys_) return CarrierFailure{Exit::MppeMissing, "MPPE came up without keys"};
  // What CCP settled per direction, which the kernel would read off the
  // ConfAcks it saw go by.
  auto setup = setup_from(*keys_, mppe.tx, mppe.rx);
  engine_->set_mppe(setup);
  wipe(setup);
  wipe(keys_);  // the engine holds the only copy now
  engine_->mppe_up();
  return std::nullopt;
}

CarrierStep UserCarrier::check_mppe(bool tx, bool rx) {
  if (!engine_ || (tx && !engine_->mppe_tx_running()) || (rx && !engine_->mppe_rx_running()))
    return CarrierFailure{Exit::MppeMissing, "MPPE did not start in both directions; IP stays blocked"};
  return std::nullopt;
}

CarrierStep UserCarrier::pass_ip(bool pass) {
  if (engine_) engine_->set_ip_pass(pass);
  else if (pass) return CarrierFailure{Exit::Failure, "the userspace data path is not running"};
  return std::nullopt;
}

void UserCarrier::write(const wire::Bytes& frame) {
  if (!can_send_control()) {
    events_.debug("no call yet: frame dropped");
    return;
  }
  out_.clear();
  engine_->send_control(frame, Clock::now(), out_);
  deliver();
}

void UserCarrier::watch(Poller& poller) {
  poller.watch(gre_.fd(), POLLIN, [this](short) { if (gre_.fd() >= 0 && engine_) read_gre(); });
  poller.watch(tun_.fd(), POLLIN, [this](short) { if (tun_.fd() >= 0 && engine_) read_tun(); });
}

std::optional<Carrier::TimePoint> UserCarrier::deadline() const {
  if (!engine_ || gre_.fd() < 0) return std::nullopt;
  return engine_->deadline();
}

void UserCarrier::on_time(TimePoint now) {
  if (!engine_ || gre_.fd() < 0) return;
  out_.clear();
  engine_->on_time(now, out_);
  deliver();
}

void UserCarrier::read_gre() {
  std::array<std::span<std::uint8_t>, kBatch> spans;
  std::array<std::size_t, kBatch> sizes{};
  for (std::size_t i = 0; i < kBatch; ++i) spans[i] = rx_[i];
  auto got = gre_.receive(spans, sizes);
  if (!got) {
    if (got.error().kind == wire::ErrorKind::Ignore) return events_.debug(got.error().reason);
    return events_.fail(Exit::LinkLost, got.error().reason);
  }
  const auto now = Clock::now();
  // One datagram at a time into the engine, and what it gives back out at
  // once: a ConfAck reaches the session (and MPPE starts) before the next
  // datagram, which may be the first encrypted one.
  for (std::size_t i = 0; i < *got && gre_.fd() >= 0; ++i) {
    out_.clear();
    engine_->receive(std::span<std::uint8_t>(rx_[i].data(), sizes[i]), now, out_);
    deliver();
  }
  note_traffic(now);
}

void UserCarrier::read_tun() {
  const auto now = Clock::now();
  // Everything the engine returns for the batch, sent with one sendmmsg.
  // Packets it builds in our buffers stay valid; anything else is copied.
  std::vector<wire::ByteView> batch;
  std::deque<wire::Bytes> copies;
  batch.reserve(kBatch);
  for (std::size_t i = 0; i < kBatch && tun_.fd() >= 0; ++i) {
    auto r = tun_.read(std::span<std::uint8_t>(tx_[i]).subspan(datapath::kHeadroom));
    if (!r) {
      events_.fail(Exit::LinkLost, r.error().reason);
      break;
    }
    if (r->status == kernel::Tun::IoStatus::WouldBlock) break;
    // PPTP carries what IPCP negotiated, IPv4; the interface's own IPv6
    // chatter (router solicitations, MLD) goes nowhere, as NPMODE_DROP does.
    if (r->size == 0 || (tx_[i][datapath::kHeadroom] >> 4) != 4) {
      ++not_ipv4_;
      continue;
    }
    out_.clear();
    engine_->send_ip(tx_[i], r->size, now, out_);
    for (const auto& note : out_.notes) events_.debug("datapath: " + note);
    for (const auto& g : out_.gre) {
      if (within(g, tx_[i].data(), tx_[i].size())) {
        batch.push_back(g);
      } else {
        copies.emplace_back(g.begin(), g.end());
        batch.emplace_back(copies.back());
      }
    }
  }
  send_gre(batch);
  note_traffic(now);
}

void UserCarrier::deliver() {
  for (const auto& note : out_.notes) events_.debug("datapath: " + note);
  for (const auto& ip : out_.ip) {
    if (tun_.fd() < 0) break;
    auto w = tun_.write(ip);
    if (!w) events_.debug("TUN write: " + w.error().reason);
  }
  send_gre(out_.gre);
  // Moved out first: the session may answer (write()) while it reads them,
  // which refills out_.
  std::vector<wire::Bytes> control = std::move(out_.control);
  out_.control.clear();
  for (const auto& frame : control) {
    if (gre_.fd() < 0) break;
    events_.frame(frame);
  }
}

void UserCarrier::send_gre(std::span<const wire::ByteView> packets) {
  if (packets.empty() || gre_.fd() < 0) return;
  auto sent = gre_.send(packets);
  if (!sent) return events_.fail(Exit::LinkLost, sent.error().reason);
  // A full socket buffer loses datagrams, as a full link would.
  short_writes_ += packets.size() - *sent;
}

void UserCarrier::note_traffic(TimePoint now) {
  if (!engine_) return;
  const auto& c = engine_->counters();
  const std::uint64_t packets = c.tx_packets + c.rx_packets;
  if (packets != last_packets_) {
    last_packets_ = packets;
    last_traffic_ = now;
  }
}

wire::Result<std::chrono::seconds> UserCarrier::idle() const {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - last_traffic_);
}

void UserCarrier::describe(nlohmann::json& j) const {
  j["data_path"] = std::string(name());
  if (!engine_) return;
  const auto& c = engine_->counters();
  j["datapath"] = {
      {"reordered", c.rx_reordered},     {"late", c.rx_late},     {"lost", c.rx_lost},
      {"duplicate", c.rx_duplicate},     {"bad", c.rx_bad + gre_.truncated()},
      {"clear_dropped", c.rx_clear_dropped}, {"rx_dropped", c.rx_dropped}, {"tx_dropped", c.tx_dropped + short_writes_ + not_ipv4_},
      {"acks_sent", c.acks_sent},
  };
}

void UserCarrier::close() {
  // As the kernel path: first nothing more reaches the session, then the
  // interface goes (closing a non-persistent TUN fd removes it), then the
  // call's socket. The engine stays until destruction: a caller may be
  // inside one of its outputs.
  if (engine_) engine_->set_ip_pass(false);
  tun_.close();
  gre_.close();
}

}  // namespace pptpctl
