#include "daemon/attempt.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "daemon/failure.hpp"
#include "daemon/kernel_carrier.hpp"
#include "daemon/random.hpp"
#include "daemon/session_config.hpp"
#include "daemon/user_carrier.hpp"
#include "kernel/in_addr.hpp"
#include "netlink/link.hpp"
#include "ppp/describe.hpp"
#include "pptp/describe.hpp"
#include "wire/hex.hpp"

namespace pptpctl {

namespace ev = ppp::session_event;
using namespace std::chrono_literals;

namespace {

// `path` is Kernel or Userspace (Auto is resolved before: choose_data_path).
// Only here does an attempt name an implementation; the rest of it sees the
// Carrier interface.
std::unique_ptr<Carrier> make_carrier(config::DataPath path, const config::Profile& profile, CarrierEvents events) {
  switch (path) {
    case config::DataPath::Auto:
    case config::DataPath::Kernel:
      return std::make_unique<KernelCarrier>(profile, std::move(events));
    case config::DataPath::Userspace:
      return std::make_unique<UserCarrier>(profile, std::move(events));
  }
  return std::make_unique<KernelCarrier>(profile, std::move(events));
}

std::string mppe_words(const std::optional<ppp::MppeMode>& m) {
  if (!m) return "none";
  return "MPPE " + std::to_string(m->key_bits()) + "-bit " + (m->stateless() ? "stateless" : "stateful");
}

std::string auth_words(const std::optional<ppp::AuthProtocol>& a) {
  if (!a) return "no authentication";
  switch (*a) {
    case ppp::AuthProtocol::MsChapV2: return "MS-CHAPv2; the server proved it knows the password";
    case ppp::AuthProtocol::MsChapV1: return "MS-CHAPv1 (the server is not verified)";
    case ppp::AuthProtocol::ChapMd5: return "CHAP-MD5 (the server is not verified, no MPPE keys)";
    case ppp::AuthProtocol::Pap: return "PAP (the password went in the clear inside the tunnel)";
  }
  return "unknown";
}

}  // namespace

std::string_view name(Attempt::State s) {
  switch (s) {
    case Attempt::State::Dialing: return "dialing";
    case Attempt::State::Negotiating: return "negotiating";
    case Attempt::State::Up: return "up";
    case Attempt::State::Closing: return "closing";
    case Attempt::State::Ended: return "ended";
  }
  return "unknown";
}

Attempt::Attempt(const config::Profile& profile, Progress& progress, NetworkSetup& network, config::DataPath path)
    : profile_(profile), progress_(progress), network_(network) {
  CarrierEvents events;
  events.frame = [this](wire::ByteView frame) { on_frame(frame); };
  events.fail = [this](Exit code, const std::string& reason) { fail(code, reason); };
  events.debug = [this](const std::string& line) { progress_.debug(line); };
  carrier_ = make_carrier(path, profile_, std::move(events));
}

Attempt::~Attempt() {
  // Normally ended by close(); a tunnel that is itself being destroyed must
  // still not leave a unit, a call or routes behind.
  if (state_ != State::Ended) {
    network_.undo_link([this](const std::string& s) { progress_.info(s); });
    carrier_->close();
  }
}

std::optional<wire::Ipv4> Attempt::server() const {
  if (!tcp_) return std::nullopt;
  return kernel::to_ipv4(tcp_->server);
}

ppp::SessionConfig Attempt::session_config() {
  // The seed first, then the challenge: the order they were always drawn in.
  const auto seed = random_value<std::uint64_t>();
  const auto peer_challenge = random_value<std::array<std::uint8_t, 16>>();
  return pptpctl::session_config(profile_, seed, peer_challenge, server());
}

void Attempt::start(TimePoint now) {
  connect_deadline_ = now + std::chrono::seconds(profile_.connect_timeout_s);
  // Resolved afresh on every attempt: the server may have moved.
  progress_.phase("connecting to " + profile_.server + ":1723");
  auto r = Resolver::start(profile_.server);
  if (!r) return fail(Exit::Unreachable, r.error().reason);
  resolver_.emplace(std::move(*r));
  if (resolver_->done()) on_resolved();
}

void Attempt::on_resolved() {
  auto addrs = resolver_->result();
  resolver_.reset();
  if (!addrs) return fail(Exit::Unreachable, addrs.error().reason);
  addresses_ = std::move(*addrs);
  next_address_ = 0;
  try_next_address();
}

// Every address the name has, in turn, each with its share of the time.
void Attempt::try_next_address() {
  dialer_.reset();
  while (next_address_ < addresses_.size()) {
    const in_addr addr = addresses_[next_address_++];
    target_ = kernel::to_ipv4(addr);
    // Pinned first: with block_while_down, the way to the server would
    // otherwise be unreachable between two links.
    auto held = network_.hold_server(profile_, kernel::to_ipv4(addr), [this](const std::string& s) { progress_.info(s); });
    if (!held) return fail(Exit::NetworkSetup, held.error().reason);
    auto d = TcpDialer::start(addr, kPptpPort);
    if (!d) {
      last_dial_error_ = d.error().reason;
      continue;
    }
    dialer_.emplace(std::move(*d));
    if (addresses_.size() > 1) {
      progress_.info("trying " + dialer_->where() + " (address " + std::to_string(next_address_) + " of " +
                     std::to_string(addresses_.size()) + " for " + profile_.server + ")");
    }
    const auto share = std::chrono::seconds(profile_.connect_timeout_s) / addresses_.size();
    dial_deadline_ = std::min(connect_deadline_, Clock::now() + std::max<Clock::duration>(share, 3s));
    return;
  }
  fail(Exit::Unreachable, last_dial_error_.empty() ? "no address to connect to for " + profile_.server
                                                   : last_dial_error_);
}

void Attempt::on_connected() {
  auto tcp = dialer_->finish();
  if (!tcp && tcp.error().kind == wire::ErrorKind::Retry) return;  // still shaking hands
  dialer_.reset();
  if (!tcp) {
    last_dial_error_ = tcp.error().reason;
    if (next_address_ < addresses_.size()) progress_.info(last_dial_error_ + "; trying the next address");
    return try_next_address();
  }
  tcp_ = std::move(*tcp);

  // The OCRQ must carry the call ID the carrier is bound to.
  if (auto f = carrier_->open_call(tcp_->local, tcp_->server)) return fail(f->code, f->reason);
  our_call_ = carrier_->call_id();

  pptp::Config pc;
  char host[64] = {};
  ::gethostname(host, sizeof host - 1);
  pc.hostname = host;
  pc.call_id = our_call_;
  pc.call_serial = random_value<std::uint16_t>();
  control_.emplace(pc);
  state_ = State::Negotiating;
  apply(control_->start(Clock::now()));
}

void Attempt::watch(Poller& poller) {
  if (resolver_) poller.watch(resolver_->fd(), POLLIN, [this](short) { if (resolver_ && resolver_->done()) on_resolved(); });
  if (dialer_) poller.watch(dialer_->fd(), POLLOUT, [this](short) { if (dialer_) on_connected(); });
  if (tcp_) {
    const short events = out_.pending() ? POLLIN | POLLOUT : POLLIN;
    poller.watch(tcp_->fd.get(), events, [this](short revents) {
      if (tcp_ && (revents & POLLOUT)) flush_control();
      if (tcp_ && (revents & (POLLIN | POLLHUP | POLLERR))) read_tcp();
    });
  }
  carrier_->watch(poller);
  if (mtu_check_ && state_ == State::Up && !mtu_check_->done()) mtu_check_->watch(poller);
}

std::optional<Attempt::TimePoint> Attempt::deadline() const {
  std::optional<TimePoint> next;
  auto consider = [&](std::optional<TimePoint> d) {
    if (d && (!next || *d < *next)) next = d;
  };
  consider(control_deadline_);
  consider(session_deadline_);
  if (state_ == State::Dialing || state_ == State::Negotiating) consider(connect_deadline_);
  if (dialer_) consider(dial_deadline_);
  if (state_ == State::Closing) consider(close_deadline_);
  consider(carrier_->deadline());
  if (mtu_check_ && state_ == State::Up) consider(mtu_check_->deadline());
  return next;
}

void Attempt::on_time(TimePoint now) {
  if (auto d = carrier_->deadline(); d && *d <= now) carrier_->on_time(now);
  if (mtu_check_ && state_ == State::Up) mtu_check_->on_time(now);
  if (control_deadline_ && *control_deadline_ <= now && control_) {
    control_deadline_.reset();
    apply(control_->on_timer(now));
  }
  if (session_deadline_ && *session_deadline_ <= now && session_) {
    session_deadline_.reset();
    apply(session_->timeout(now));
  }
  if (dialer_ && dial_deadline_ <= now && connect_deadline_ > now) {
    last_dial_error_ = "cannot reach " + dialer_->where() + ": no answer (timed out)";
    if (next_address_ < addresses_.size()) progress_.info(last_dial_error_ + "; trying the next address");
    try_next_address();
  }
  if ((state_ == State::Dialing || state_ == State::Negotiating) && connect_deadline_ <= now) {
    if (session_ && session_->phase() == ppp::Session::Phase::Establish && !session_->peer_answered()) {
      fail(Exit::GreBlocked, session_->no_answer_reason() + " " + profile_.server + " (TCP 1723 works)");
    } else {
      fail(Exit::Timeout, "the tunnel did not come up within " + std::to_string(profile_.connect_timeout_s) +
                              " s (connect_timeout_s)");
    }
  }
  if (state_ == State::Closing && close_deadline_ <= now) {
    progress_.info("teardown: the server did not answer in time, closing anyway");
    end();
  }
}

void Attempt::apply(pptp::Effects fx) {
  for (const auto& t : fx.trace)
    progress_.debug(std::string(t.direction == pptp::Direction::Sent ? "sent " : "rcvd ") + pptp::describe(t.message));
  for (const auto& note : fx.notes) progress_.debug("pptp: " + note);
  // Whole messages into the buffer, then as much as the socket takes: a
  // short write never lets the next message start inside this one.
  for (const auto& bytes : fx.send) {
    if (!tcp_) break;
    if (auto r = out_.push(bytes); !r) {
      fail(Exit::LinkLost, "the server stopped reading the control connection");
      break;
    }
  }
  if (tcp_ && out_.pending()) flush_control();
  control_deadline_ = fx.deadline;
  const bool was_up = state_ == State::Up;
  for (auto& e : fx.events) {
    if (auto* est = std::get_if<pptp::ControlEstablished>(&e)) {
      progress_.phase(pptp::describe(*est));
    } else if (auto* call = std::get_if<pptp::CallEstablished>(&e)) {
      on_call(*call);
    } else if (auto* dis = std::get_if<pptp::CallDisconnected>(&e)) {
      fail(was_up ? Exit::LinkLost : Exit::ServerRefused, dis->reason);
    } else if (auto* closed = std::get_if<pptp::Closed>(&e)) {
      fail(was_up ? Exit::LinkLost : Exit::ServerRefused, closed->reason);
      progress_.info(std::string("control connection closed") + (closed->was_clean ? " cleanly" : ""));
      control_gone();
    } else if (auto* f = std::get_if<pptp::Failed>(&e)) {
      fail(exit_for(f->category, was_up), f->reason);
      control_gone();
    }
  }
}

void Attempt::on_call(const pptp::CallEstablished& call) {
  peer_call_ = call.peer_call_id;
  progress_.phase("call established (our call ID " + wire::hex16(call.our_call_id) + ", the server's " +
                  wire::hex16(call.peer_call_id) + ")");
  if (auto f = carrier_->connect_call(call.peer_call_id)) return fail(f->code, f->reason);
  session_.emplace(session_config());
  apply(session_->start(Clock::now()));
  // After LCP's first Configure-Request is on its way.
  prepare_table();
}

void Attempt::write_frame(const wire::Bytes& frame) {
  if (frame.size() < 2) return;
  progress_.debug("sent " + ppp::describe_frame(frame));
  carrier_->write(frame);
}

void Attempt::apply(ppp::SessionOutput out) {
  // SC_CCP_UP before this output's frames: they include the first encrypted
  // IPCP request, which the kernel drops (SC_MUST_COMP) until CCP is marked up.
  for (auto& e : out.events) {
    if (auto* m = std::get_if<ev::MppeUp>(&e)) {
      if (auto f = carrier_->mppe_up(m->mppe)) return fail(f->code, f->reason);
      progress_.phase("encrypted: send " + mppe_words(m->mppe.tx) + ", receive " + mppe_words(m->mppe.rx));
    }
  }
  for (const auto& f : out.frames) write_frame(f);
  for (const auto& note : out.notes) progress_.debug("ppp: " + note);
  session_deadline_ = out.deadline;
  for (auto& e : out.events) {
    if (auto* est = std::get_if<ev::LinkEstablished>(&e)) {
      progress_.phase("LCP up (the server asks for " +
                      (est->lcp.auth ? std::string(ppp::to_string(*est->lcp.auth)) : std::string("no authentication")) +
                      ")");
    } else if (auto* a = std::get_if<ev::Authenticated>(&e)) {
      progress_.phase("authenticated with " + auth_words(a->protocol));
    } else if (auto* n = std::get_if<ev::NetworkPhase>(&e)) {
      on_network(*n);
    } else if (std::get_if<ev::MppeUp>(&e)) {
      // Applied above, before the frames.
    } else if (auto* up = std::get_if<ev::Up>(&e)) {
      on_up(*up);
    } else if (auto* f = std::get_if<ev::Failed>(&e)) {
      fail(exit_for(f->kind), f->reason);
    } else if (std::get_if<ev::Closed>(&e)) {
      if (link_closing_) after_link_closed();
    }
  }
}

// The nftables table goes in while PPP negotiates: all it needs is known
// once the call is (kernel data path; pptp/tunnel_mtu for the MSS, with the
// server's MRU still unknown and so taken as 1500). Not before: the SCCRQ
// must not wait behind nft, as pptpd drops a control connection whose first
// message is slow to come (its manager's "dropped slow initial connection").
void Attempt::prepare_table() {
  if (carrier_->refuses_clear_ip()) return;
  TunnelAddresses t;
  t.ifname = profile_.interface;
  t.server = kernel::to_ipv4(tcp_->server);
  t.call_id = our_call_;
  t.rx_encrypted = true;
  t.mtu = tunnel_mtu(true, 1500, 0).mtu;
  network_.prepare_table(profile_, t);
}

// The profile's number, or "auto" from the path to the server as it is now
// (pptp/tunnel_mtu.hpp); `tunnel_ifindex` is never the way there.
pptp::MtuChoice Attempt::tunnel_mtu(bool mppe, unsigned peer_mru, int tunnel_ifindex) const {
  const auto fixed = profile_.mtu ? std::optional<unsigned>(*profile_.mtu) : std::nullopt;
  const auto path = profile_.mtu ? pptp::PathMtu{}
                                 : network_.path_mtu(kernel::to_ipv4(tcp_->server), tunnel_ifindex);
  return pptp::choose_tunnel_mtu(fixed, path, mppe, peer_mru);
}

void Attempt::on_network(const ev::NetworkPhase& n) {
  if (auto f = carrier_->network_phase(n)) return fail(f->code, f->reason);
  progress_.phase("negotiating " + std::string(n.keys ? "MPPE and " : "") + "an IP address on " +
                  carrier_->interface_name());
  apply(session_->network_ready(Clock::now()));
}

void Attempt::on_up(const ev::Up& up) {
  if (state_ != State::Negotiating) return;
  const bool both_ways = up.mppe && up.mppe->tx && up.mppe->rx;
  if (!both_ways) {
    progress_.phase("WARNING: the link is NOT encrypted both ways (the profile allows it: mppe.required is false)");
  }
  if (up.mppe) {
    if (auto f = carrier_->check_mppe(up.mppe->tx.has_value(), up.mppe->rx.has_value())) return fail(f->code, f->reason);
  }
  TunnelAddresses t;
  t.ifname = carrier_->interface_name();
  t.ifindex = static_cast<int>(carrier_->interface_index());
  // The path's MTU less PPTP's own bytes, or the profile's number; either
  // way MPPE's header must fit in the peer's MRU (pptp/tunnel_mtu.hpp).
  const auto mtu = tunnel_mtu(up.mppe && up.mppe->tx, up.peer_mru, t.ifindex);
  t.mtu = mtu.mtu;
  t.mtu_how = mtu.how;
  mtu_ = mtu;
  t.local = up.ip.local;
  t.peer = up.ip.peer;
  t.server = kernel::to_ipv4(tcp_->server);
  t.call_id = our_call_;
  t.rx_encrypted = up.mppe && up.mppe->rx.has_value();
  t.carrier_guards = carrier_->refuses_clear_ip();
  for (const auto& d : {up.ip.dns1, up.ip.dns2})
    if (d) t.dns.push_back(*d);
  auto say = [this](const std::string& s) { progress_.info(s); };
  for (const auto& line : up.ip.refused) progress_.warning(line);
  auto net = network_.apply(profile_, t, say);
  if (!net) return fail(Exit::NetworkSetup, net.error().reason);
  if (auto f = carrier_->pass_ip(true)) return fail(f->code, f->reason);
  link_ = up;
  state_ = State::Up;
  outcome_.was_up = true;
  up_since_ = std::chrono::system_clock::now();
  up_at_ = Clock::now();
  // Only an MTU we chose is ours to correct: a profile's number stands.
  if (!profile_.mtu) mtu_check_due_ = MtuCheckDue{t.ifname, t.peer, t.mtu};
}

void Attempt::start_mtu_check() {
  if (!mtu_check_due_ || state_ != State::Up) return;
  const auto due = std::move(*mtu_check_due_);
  mtu_check_due_.reset();
  mtu_check_ = MtuCheck::start(due.ifname, due.peer, due.mtu, progress_,
                               [this](const pptp::MtuProbe::Verdict& v) { on_mtu_verdict(v); }, Clock::now());
}

void Attempt::on_mtu_verdict(const pptp::MtuProbe::Verdict& v) {
  using R = pptp::MtuProbe::Result;
  switch (v.result) {
    case R::Fits:
      progress_.info("mtu " + std::to_string(v.mtu) + " checked: a full-size packet reaches the peer");
      return;
    case R::NoAnswer:
      progress_.info("mtu " + std::to_string(v.mtu) + " not checked: the peer does not answer pings");
      return;
    case R::Lowered:
      break;
  }
  if (state_ != State::Up) return;
  progress_.warning("path drops packets over " + std::to_string(v.passed) + " bytes (" + std::to_string(v.failed) +
                    " got no answer); tunnel MTU set to " + std::to_string(v.mtu));
  auto r = network_.lower_mtu(static_cast<int>(carrier_->interface_index()), carrier_->interface_name(), v.mtu,
                              [this](const std::string& s) { progress_.info(s); });
  if (!r) {
    progress_.warning("cannot lower the MTU: " + r.error().reason);
    return;
  }
  mtu_.how += "; lowered to " + std::to_string(v.mtu) + ": the path dropped " + std::to_string(v.failed) + " bytes";
  mtu_.mtu = v.mtu;
}

void Attempt::flush_control() {
  // A broken connection shows on the read side as EOF or an error, where
  // the control machine turns it into the right event.
  if (auto r = out_.flush(tcp_->fd.get()); !r) progress_.debug("control write: " + r.error().reason);
}

void Attempt::read_tcp() {
  char buf[4096];
  ssize_t n = ::read(tcp_->fd.get(), buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    apply(control_->on_eof(Clock::now()));
    control_gone();
    return;
  }
  apply(control_->on_bytes(wire::ByteView(reinterpret_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n)),
                           Clock::now()));
}

void Attempt::on_frame(wire::ByteView frame) {
  progress_.debug("rcvd " + ppp::describe_frame(frame));
  if (session_) apply(session_->receive(frame, Clock::now()));
}

void Attempt::describe(nlohmann::json& j) const {
  if (target_) j["server_address"] = wire::to_string(*target_);
  j["call_id"] = our_call_;
  carrier_->describe(j);
  j["peer_call_id"] = peer_call_;
  if (!link_ || state_ != State::Up) return;
  j["local"] = wire::to_string(link_->ip.local);
  j["peer"] = wire::to_string(link_->ip.peer);
  auto dns = nlohmann::json::array();
  for (const auto& d : {link_->ip.dns1, link_->ip.dns2})
    if (d) dns.push_back(wire::to_string(*d));
  j["dns"] = dns;
  j["dns_backend"] = network_.dns_backend();
  if (auto table = network_.inject_guard_table()) {
    j["inject_guard"] = "ip " + *table;
  } else {
    j["inject_guard"] = nullptr;
  }
  j["mtu"] = mtu_.mtu;
  j["mtu_source"] = mtu_.how;
  if (auto mss = network_.clamped_mss()) {
    j["clamp_mss"] = *mss;
  } else {
    j["clamp_mss"] = nullptr;
  }
  if (link_->mppe) {
    j["mppe"] = {{"send", mppe_words(link_->mppe->tx)}, {"receive", mppe_words(link_->mppe->rx)}};
  } else {
    j["mppe"] = nullptr;
  }
  j["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - up_at_).count();
  j["up_since"] = std::chrono::duration_cast<std::chrono::seconds>(up_since_.time_since_epoch()).count();
  auto links = netlink::LinkControl::open();
  auto counters = links ? links->counters(static_cast<int>(carrier_->interface_index()))
                        : wire::Result<netlink::LinkCounters>(links.error());
  if (counters) {
    j["rx_bytes"] = counters->rx_bytes;
    j["tx_bytes"] = counters->tx_bytes;
    j["rx_packets"] = counters->rx_packets;
    j["tx_packets"] = counters->tx_packets;
  }
}

void Attempt::fail(Exit code, const std::string& reason) {
  if (outcome_.code == Exit::Ok && state_ != State::Closing && state_ != State::Ended) {
    outcome_.code = code;
    outcome_.reason = reason;
  }
  // A dead or refusing server is not waited for long: the tunnel wants to
  // redial, or to report, soon.
  close(reason, 3s);
}

void Attempt::close(const std::string& why, Clock::duration patience) {
  if (state_ == State::Closing || state_ == State::Ended) return;
  close_reason_ = why;
  // No clear text in the teardown window: a CCP ConfReq from the server now
  // would switch the kernel's encryption off while routes still point here.
  (void)carrier_->pass_ip(false);
  state_ = State::Closing;
  close_deadline_ = Clock::now() + patience;
  // Routes and DNS first, while the interface still exists.
  network_.undo_link([this](const std::string& s) { progress_.info(s); });
  // A Terminate-Request is owed only to a peer that opened LCP with us; one
  // that never answered would only make us wait out the retries.
  if (session_ && session_->lcp().state() == ppp::State::Opened && carrier_->can_send_control()) {
    link_closing_ = true;
    apply(session_->close(Clock::now(), why));
  } else {
    after_link_closed();
  }
}

// LCP is closed (or was never open): the kernel's pieces go, then the call
// and the control connection, politely while the server still listens.
void Attempt::after_link_closed() {
  link_closing_ = false;
  session_deadline_.reset();
  // The order of kernel-facts: channel, unit (removes the interface), socket.
  carrier_->close();
  if (state_ == State::Ended) return;
  if (control_ && !control_->done() && tcp_) {
    apply(control_->hangup(Clock::now()));
    if (control_->done()) end();
  } else {
    end();
  }
}

// The control connection ended (EOF, reset, or its own Closed/Failed).
void Attempt::control_gone() {
  tcp_.reset();
  control_deadline_.reset();
  if (state_ != State::Closing) return;
  if (link_closing_) {
    after_link_closed();  // no call left to terminate LCP over
  } else {
    end();
  }
}

void Attempt::end() {
  if (state_ == State::Ended) return;
  carrier_->close();
  tcp_.reset();
  control_deadline_.reset();
  session_deadline_.reset();
  state_ = State::Ended;
  progress_.info("link closed: " + close_reason_);
}

}  // namespace pptpctl
