#include "daemon/connection.hpp"

#include <poll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "daemon/ipc.hpp"
#include "kernel/modules.hpp"
#include "kernel/ppp_flags.hpp"
#include "netlink/link.hpp"
#include "ppp/describe.hpp"
#include "pptp/describe.hpp"

namespace pptpctl {

namespace ev = ppp::session_event;
using namespace std::chrono_literals;

namespace {

constexpr std::uint16_t kProtocolIpv6 = 0x0057;

template <typename T>
T random_value() {
  T v{};
  // getrandom() blocks until the pool is ready and does not return short
  // for buffers this small; a failure here means no randomness at all.
  if (::getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) std::abort();
  return v;
}

Exit exit_for(ppp::FailureKind k) {
  switch (k) {
    case ppp::FailureKind::NoAnswer: return Exit::GreBlocked;
    case ppp::FailureKind::LcpFailed: return Exit::Failure;
    case ppp::FailureKind::WrongPassword: return Exit::WrongPassword;
    case ppp::FailureKind::AuthRefused: return Exit::AuthFailed;
    case ppp::FailureKind::Impostor: return Exit::Impostor;
    case ppp::FailureKind::AuthProtocol: return Exit::AuthFailed;
    case ppp::FailureKind::MppeServerRefused: return Exit::MppeRefusedByPeer;
    case ppp::FailureKind::MppeWeRefused: return Exit::MppeRefusedByUs;
    case ppp::FailureKind::IpcpFailed: return Exit::NoAddress;
    case ppp::FailureKind::PeerTerminated: return Exit::LinkLost;
    case ppp::FailureKind::LinkDead: return Exit::LinkLost;
    case ppp::FailureKind::MppeLostSync: return Exit::LinkLost;
  }
  return Exit::Failure;
}

Exit exit_for(pptp::FailureCategory c, bool was_up) {
  switch (c) {
    case pptp::FailureCategory::ControlRefused:
    case pptp::FailureCategory::CallRefused: return Exit::ServerRefused;
    case pptp::FailureCategory::Timeout: return was_up ? Exit::LinkLost : Exit::Timeout;
    case pptp::FailureCategory::ProtocolError: return Exit::Failure;
    case pptp::FailureCategory::PeerClosed: return was_up ? Exit::LinkLost : Exit::ServerRefused;
  }
  return Exit::Failure;
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

ppp::Ipv4 to_ipv4(in_addr a) {
  ppp::Ipv4 v{};
  std::memcpy(v.data(), &a.s_addr, 4);
  return v;
}

char hex_digit(unsigned v) { return "0123456789abcdef"[v & 0xF]; }

std::string hex16(std::uint16_t v) {
  std::string s = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) s += hex_digit(static_cast<unsigned>(v >> shift));
  return s;
}

}  // namespace

Connection::Connection(config::Profile profile, ConnectionOptions options)
    : profile_(std::move(profile)),
      options_(options),
      progress_(profile_.name, options.progress_fd, options.debug || profile_.debug) {}

Connection::~Connection() {
  // Only the lock holder ever created the socket, so only it removes it.
  if (listen_ && lock_) ::unlink(socket_path(profile_.name).c_str());
}

ppp::SessionConfig Connection::session_config() {
  ppp::SessionConfig c;
  c.lcp.mru = profile_.mru;
  c.lcp.allowed_auth.clear();
  for (auto m : profile_.auth) {
    switch (m) {
      case config::AuthMethod::MsChapV2: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::MsChapV2); break;
      case config::AuthMethod::MsChapV1: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::MsChapV1); break;
      case config::AuthMethod::ChapMd5: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::ChapMd5); break;
      case config::AuthMethod::Pap: c.lcp.allowed_auth.push_back(ppp::AuthProtocol::Pap); break;
    }
  }
  c.lcp.seed = random_value<std::uint64_t>();
  c.lcp.echo_interval = std::chrono::seconds(profile_.lcp_echo.interval_s);
  c.lcp.echo_failures = profile_.lcp_echo.failures;
  c.credentials.username = profile_.username;
  c.credentials.password = std::string(profile_.password.reveal());
  c.credentials.peer_challenge = random_value<std::array<std::uint8_t, 16>>();
  // Linux's MPPE does 40 and 128 bits only: a 56-bit ConfAck would leave the
  // kernel without a running compressor, so 56 is never offered or accepted.
  c.ccp.allowed = (profile_.mppe.bits.b128 ? ppp::mppe_bit::S : 0u) | (profile_.mppe.bits.b40 ? ppp::mppe_bit::L : 0u);
  c.ccp.allow_stateful = profile_.mppe.stateful;
  c.ccp.request_stateful = profile_.mppe.stateful;
  c.ccp.required = profile_.mppe.required;
  c.ipcp.want_dns = profile_.dns.use_peer;
  return c;
}

bool Connection::prepare() {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  signals_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signals_) {
    // With the signals blocked and no fd to read them, SIGTERM would never land.
    exit_ = Exit::Failure;
    progress_.fail(exit_, std::string("cannot watch for signals: ") + std::strerror(errno));
    return false;
  }

  auto lock = lock_profile(profile_.name);
  if (!lock) {
    exit_ = Exit::AlreadyRunning;
    progress_.fail(exit_, lock.error().reason);
    return false;
  }
  lock_ = std::move(*lock);
  auto sock = listen_control(profile_.name);
  if (!sock) {
    exit_ = Exit::Failure;
    progress_.fail(exit_, sock.error().reason);
    return false;
  }
  listen_ = std::move(*sock);
  // A predecessor that crashed left its routes and DNS recorded: take them
  // back first, or its pinned host route would look like someone else's.
  if (auto undone = NetworkSetup::undo_record(changes_path(profile_.name)); undone) {
    for (const auto& line : *undone) progress_.info("left by a previous run, undone: " + line);
  } else {
    progress_.info("could not undo a previous run's changes: " + undone.error().reason);
  }
  network_.set_record_path(changes_path(profile_.name));

  progress_.phase("checking the kernel for PPP, PPTP and MPPE");
  for (const auto& gap : kernel::probe_kernel_support()) {
    switch (gap.piece) {
      case kernel::KernelPiece::Ppp:
      case kernel::KernelPiece::Pptp:
        exit_ = Exit::KernelMissing;
        break;
      case kernel::KernelPiece::Mppe:
        if (!profile_.mppe.required) continue;
        exit_ = Exit::MppeMissing;
        break;
    }
    progress_.fail(exit_, gap.sentence);
    return false;
  }
  return true;
}

bool Connection::dial() {
  const auto now = Clock::now();
  connect_deadline_ = now + std::chrono::seconds(profile_.connect_timeout_s);
  progress_.phase("connecting to " + profile_.server + ":1723");
  auto tcp = connect_tcp(profile_.server, kPptpPort, std::chrono::seconds(profile_.connect_timeout_s));
  if (!tcp) {
    exit_ = Exit::Unreachable;
    progress_.fail(exit_, tcp.error().reason);
    return false;
  }
  tcp_ = std::move(*tcp);

  // The OCRQ must carry the call ID the kernel socket is bound to. Random IDs
  // keep clients behind one NAT apart; the kernel's own pick is the fallback.
  auto sock = kernel::PptpSocket::open();
  if (!sock) {
    exit_ = Exit::KernelMissing;
    progress_.fail(exit_, sock.error().reason);
    return false;
  }
  pptp_ = std::move(*sock);
  wire::Result<std::uint16_t> call = wire::Error::retry("no call ID tried yet");
  for (int attempt = 0; attempt < 8 && !call; ++attempt) {
    auto id = random_value<std::uint16_t>();
    if (id != 0) call = pptp_.bind(id, tcp_->local);
  }
  if (!call) call = pptp_.bind(0, tcp_->local);
  if (!call) {
    exit_ = Exit::Failure;
    progress_.fail(exit_, call.error().reason);
    return false;
  }
  our_call_ = *call;

  pptp::Config pc;
  char host[64] = {};
  ::gethostname(host, sizeof host - 1);
  pc.hostname = host;
  pc.call_id = our_call_;
  pc.call_serial = random_value<std::uint16_t>();
  control_.emplace(pc);
  apply(control_->start(Clock::now()));
  return true;
}

Exit Connection::run() {
  if (!prepare() || !dial()) return exit_;
  while (stage_ != Stage::Done) loop_once();
  for (auto& c : clients_) {
    if (!c.waits_for_down) continue;
    nlohmann::json j{{"ok", true}, {"reason", end_reason_}};
    std::string line = j.dump() + "\n";
    [[maybe_unused]] auto n = ::send(c.fd.get(), line.data(), line.size(), MSG_NOSIGNAL);
  }
  return exit_;
}

void Connection::loop_once() {
  std::vector<pollfd> fds;
  enum Slot { Signals, Listen, Tcp, Channel, Unit, FirstClient };
  fds.push_back({signals_.get(), POLLIN, 0});
  fds.push_back({listen_.get(), POLLIN, 0});
  fds.push_back({tcp_ ? tcp_->fd.get() : -1, POLLIN, 0});
  fds.push_back({channel_.fd(), POLLIN, 0});
  fds.push_back({unit_.fd(), POLLIN, 0});
  for (auto& c : clients_) fds.push_back({c.fd.get(), POLLIN, 0});

  auto now = Clock::now();
  TimePoint next = now + 60s;
  for (const auto& d : {control_deadline_, session_deadline_})
    if (d && *d < next) next = *d;
  if (stage_ == Stage::Connecting && connect_deadline_ < next) next = connect_deadline_;
  if ((stage_ == Stage::StoppingLink || stage_ == Stage::StoppingControl) && stop_deadline_ < next)
    next = stop_deadline_;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
  int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(0, wait)));
  if (n < 0 && errno != EINTR) {
    fail(Exit::Failure, std::string("poll failed: ") + std::strerror(errno));
    finish();
    return;
  }
  const std::size_t client_count = clients_.size();
  if (n > 0) {
    if (fds[Signals].revents) {
      signalfd_siginfo si{};
      while (::read(signals_.get(), &si, sizeof si) == sizeof si) {
        stop(std::string("stopped by signal ") + ::strsignal(static_cast<int>(si.ssi_signo)));
      }
    }
    if (fds[Tcp].revents && tcp_) read_tcp();
    if (fds[Channel].revents && channel_.fd() >= 0) read_ppp(false);
    if (fds[Unit].revents && unit_.fd() >= 0) read_ppp(true);
    for (std::size_t i = 0; i < client_count && i < clients_.size(); ++i)
      if (fds[FirstClient + i].revents) serve(clients_[i]);
    if (fds[Listen].revents) accept_client();
  }
  // Clients that were answered have closed their fd.
  std::erase_if(clients_, [](const Client& c) { return !c.fd.valid(); });
  check_timers(Clock::now());
}

void Connection::check_timers(TimePoint now) {
  if (control_deadline_ && *control_deadline_ <= now && control_) {
    control_deadline_.reset();
    apply(control_->on_timer(now));
  }
  if (session_deadline_ && *session_deadline_ <= now && session_) {
    session_deadline_.reset();
    apply(session_->timeout(now));
  }
  if (stage_ == Stage::Connecting && connect_deadline_ <= now) {
    if (session_ && session_->phase() == ppp::Session::Phase::Establish && !session_->peer_answered()) {
      fail(Exit::GreBlocked, session_->no_answer_reason() + " " + profile_.server + " (TCP 1723 works)");
    } else {
      fail(Exit::Timeout, "the tunnel did not come up within " + std::to_string(profile_.connect_timeout_s) +
                              " s (connect_timeout_s)");
    }
  }
  if ((stage_ == Stage::StoppingLink || stage_ == Stage::StoppingControl) && stop_deadline_ <= now) {
    progress_.info("teardown: the server did not answer in time, closing anyway");
    if (stage_ == Stage::StoppingLink) after_link_closed();
    if (stage_ == Stage::StoppingControl) finish();
  }
}

void Connection::apply(pptp::Effects fx) {
  for (const auto& t : fx.trace)
    progress_.debug(std::string(t.direction == pptp::Direction::Sent ? "sent " : "rcvd ") + pptp::describe(t.message));
  for (const auto& note : fx.notes) progress_.debug("pptp: " + note);
  for (const auto& bytes : fx.send) {
    if (!tcp_) break;
    std::size_t off = 0;
    while (off < bytes.size()) {
      ssize_t w = ::send(tcp_->fd.get(), bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (w > 0) {
        off += static_cast<std::size_t>(w);
      } else if (w < 0 && errno == EAGAIN) {
        pollfd p{tcp_->fd.get(), POLLOUT, 0};
        if (::poll(&p, 1, 1000) <= 0) break;
      } else {
        break;  // the read side will see the connection end
      }
    }
  }
  control_deadline_ = fx.deadline;
  for (auto& e : fx.events) {
    if (auto* est = std::get_if<pptp::ControlEstablished>(&e)) {
      progress_.phase("control connection up (server \"" + est->peer_hostname + "\", vendor \"" + est->peer_vendor +
                      "\")");
    } else if (auto* call = std::get_if<pptp::CallEstablished>(&e)) {
      on_call(*call);
    } else if (auto* dis = std::get_if<pptp::CallDisconnected>(&e)) {
      if (stage_ == Stage::Connecting || stage_ == Stage::Up)
        fail(stage_ == Stage::Up ? Exit::LinkLost : Exit::ServerRefused, dis->reason);
    } else if (auto* closed = std::get_if<pptp::Closed>(&e)) {
      if (stage_ == Stage::Connecting || stage_ == Stage::Up)
        fail(stage_ == Stage::Up ? Exit::LinkLost : Exit::ServerRefused, closed->reason);
      progress_.info(std::string("control connection closed") + (closed->was_clean ? " cleanly" : ""));
      tcp_.reset();
      if (stage_ == Stage::StoppingControl) finish();
    } else if (auto* f = std::get_if<pptp::Failed>(&e)) {
      fail(exit_for(f->category, stage_ == Stage::Up), f->reason);
      tcp_.reset();
      if (stage_ == Stage::StoppingControl) finish();
    }
  }
}

void Connection::on_call(const pptp::CallEstablished& call) {
  peer_call_ = call.peer_call_id;
  progress_.phase("call established (our call ID " + hex16(call.our_call_id) + ", the server's " +
                  hex16(call.peer_call_id) + ")");
  auto ok = pptp_.connect(call.peer_call_id, tcp_->server);
  if (!ok) return fail(Exit::Failure, ok.error().reason);
  auto idx = pptp_.channel_index();
  if (!idx) return fail(Exit::KernelMissing, idx.error().reason);
  auto ch = kernel::PppChannel::attach(*idx);
  if (!ch) return fail(Exit::KernelMissing, ch.error().reason);
  channel_ = std::move(*ch);
  session_.emplace(session_config());
  apply(session_->start(Clock::now()));
}

void Connection::write_frame(const wire::Bytes& frame) {
  if (frame.size() < 2) return;
  const auto protocol = static_cast<std::uint16_t>((frame[0] << 8) | frame[1]);
  progress_.debug("sent " + ppp::describe_frame(frame));
  const bool via_channel = ppp::uses_channel_fd(protocol);
  if (!via_channel && unit_.fd() < 0) {
    progress_.debug("no unit yet for " + ppp::protocol_name(protocol) + ": frame dropped");
    return;
  }
  auto r = via_channel ? channel_.write(frame) : unit_.write(frame);
  if (!r) progress_.debug("write failed: " + r.error().reason);
}

void Connection::apply(ppp::SessionOutput out) {
  // SC_CCP_UP before this output's frames: they include the first encrypted
  // IPCP request, which the kernel drops (SC_MUST_COMP) until CCP is marked up.
  for (auto& e : out.events) {
    if (auto* m = std::get_if<ev::MppeUp>(&e)) {
      auto r = unit_.ccp_up();
      if (!r) return fail(Exit::MppeMissing, r.error().reason);
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
      if (stage_ == Stage::StoppingLink) after_link_closed();
    }
  }
}

void Connection::on_network(const ev::NetworkPhase& n) {
  auto unit = kernel::PppUnit::create();
  if (!unit) return fail(Exit::KernelMissing, unit.error().reason);
  unit_ = std::move(*unit);
  auto step = [&](wire::Result<wire::Unit> r, Exit code) {
    if (!r) fail(code, r.error().reason);
    return r.ok();
  };
  if (!step(unit_.rename(profile_.interface), Exit::NetworkSetup)) return;
  if (!step(unit_.set_mru(std::max<int>(kernel::kMinUnitMru, profile_.mru)), Exit::Failure)) return;
  // IP stays dropped until MPPE runs both ways: the kernel would send clear text.
  if (!step(unit_.set_np_mode(kernel::kProtocolIp, kernel::NpMode::Drop), Exit::Failure)) return;
  // IPv6 is never negotiated, so it never passes: a new unit would let it.
  if (!step(unit_.set_np_mode(kProtocolIpv6, kernel::NpMode::Drop), Exit::Failure)) return;
  if (!step(channel_.connect_to(unit_), Exit::Failure)) return;
  if (n.keys) {
    const std::uint32_t must = profile_.mppe.required ? kernel::kFlagMustComp : 0;
    if (!step(unit_.open_ccp(), Exit::MppeMissing)) return;
    if (must && !step(unit_.update_flags(must, 0), Exit::MppeMissing)) return;
    kernel::MppeParams p;
    const auto bits = n.mppe_hint ? n.mppe_hint->key_bits() : 128u;
    p.strength = bits == 128 ? kernel::MppeStrength::Bits128
                 : bits == 56 ? kernel::MppeStrength::Bits56
                              : kernel::MppeStrength::Bits40;
    p.stateless = !n.mppe_hint || n.mppe_hint->stateless();
    p.start_key = n.keys->recv;
    if (!step(unit_.install_mppe_key(kernel::Direction::Receive, p), Exit::MppeMissing)) return;
    p.start_key = n.keys->send;
    if (!step(unit_.install_mppe_key(kernel::Direction::Transmit, p), Exit::MppeMissing)) return;
  }
  progress_.phase("negotiating " + std::string(n.keys ? "MPPE and " : "") + "an IP address on " +
                  unit_.interface_name());
  apply(session_->network_ready(Clock::now()));
}

void Connection::on_up(const ev::Up& up) {
  const bool both_ways = up.mppe && up.mppe->tx && up.mppe->rx;
  if (!both_ways) {
    progress_.phase("WARNING: the link is NOT encrypted both ways (the profile allows it: mppe.required is false)");
  }
  if (up.mppe) {
    // The kernel starts MPPE when it sees each ConfAck go by; if it refused
    // one, SC_MUST_COMP would not stop clear text. Trust the run bits only.
    auto f = unit_.flags();
    const std::uint32_t want = (up.mppe->tx ? kernel::kFlagCompRun : 0u) | (up.mppe->rx ? kernel::kFlagDecompRun : 0u);
    if (!f || (*f & want) != want)
      return fail(Exit::MppeMissing, "the kernel did not start MPPE in both directions; IP stays blocked");
  }
  TunnelAddresses t;
  t.ifname = unit_.interface_name();
  t.ifindex = static_cast<int>(unit_.interface_index());
  // Room for MPPE's header inside the peer's MRU.
  const unsigned overhead = up.mppe && up.mppe->tx ? 4u : 0u;
  t.mtu = std::min<unsigned>(profile_.mtu, static_cast<unsigned>(up.peer_mru) - overhead);
  t.local = up.ip.local;
  t.peer = up.ip.peer;
  t.server = to_ipv4(tcp_->server);
  for (const auto& d : {up.ip.dns1, up.ip.dns2})
    if (d) t.dns.push_back(*d);
  auto say = [this](const std::string& s) { progress_.info(s); };
  auto net = network_.apply(profile_, t, say);
  if (!net) return fail(Exit::NetworkSetup, net.error().reason);
  auto pass = unit_.set_np_mode(kernel::kProtocolIp, kernel::NpMode::Pass);
  if (!pass) return fail(Exit::Failure, pass.error().reason);
  link_ = up;
  stage_ = Stage::Up;
  up_since_ = std::chrono::system_clock::now();
  up_at_ = Clock::now();
  progress_.up("up: " + ppp::to_string(up.ip.local) + " peer " + ppp::to_string(up.ip.peer) + " on " +
               unit_.interface_name());
}

void Connection::read_tcp() {
  char buf[4096];
  ssize_t n = ::read(tcp_->fd.get(), buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    apply(control_->on_eof(Clock::now()));
    tcp_.reset();
    return;
  }
  apply(control_->on_bytes(wire::ByteView(reinterpret_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n)),
                           Clock::now()));
}

void Connection::read_ppp(bool unit) {
  std::vector<std::uint8_t> buf(kernel::kFrameBufferSize);
  // Bounded, so one busy fd cannot starve the others; the session may close
  // the fd while handling a frame (teardown), which ends the loop too.
  for (int i = 0; i < 64 && (unit ? unit_.fd() : channel_.fd()) >= 0; ++i) {
    auto r = unit ? unit_.read(buf) : channel_.read(buf);
    if (!r) {
      progress_.debug("read: " + r.error().reason);
      if (r.error().kind == wire::ErrorKind::Ignore) continue;
      return;
    }
    if (r->status == kernel::ReadStatus::WouldBlock) return;
    if (r->status == kernel::ReadStatus::Hangup) {
      if (stage_ == Stage::Connecting || stage_ == Stage::Up)
        fail(Exit::LinkLost, "the kernel closed the PPP " + std::string(unit ? "unit" : "channel"));
      if (unit) unit_.close(); else channel_.close();
      return;
    }
    wire::ByteView frame(buf.data(), r->size);
    progress_.debug("rcvd " + ppp::describe_frame(frame));
    if (session_) apply(session_->receive(frame, Clock::now()));
  }
}

void Connection::accept_client() {
  kernel::Fd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd) return;
  if (!peer_is_root(fd.get()) || clients_.size() >= 16) return;
  clients_.push_back(Client{std::move(fd), {}, false});
}

void Connection::serve(Client& c) {
  char buf[256];
  ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
  if (n <= 0) {
    // Nobody is left to answer, and a hung-up fd would wake poll forever.
    c.fd.reset();
    return;
  }
  if (c.waits_for_down) return;
  c.in.append(buf, static_cast<std::size_t>(n));
  auto nl = c.in.find('\n');
  if (nl == std::string::npos) {
    if (c.in.size() > 128) c.fd.reset();
    return;
  }
  const std::string cmd = c.in.substr(0, nl);
  if (cmd == "status") {
    std::string line = status_json() + "\n";
    [[maybe_unused]] auto w = ::send(c.fd.get(), line.data(), line.size(), MSG_NOSIGNAL);
    c.fd.reset();
  } else if (cmd == "down") {
    c.waits_for_down = true;
    stop("stopped by pptpctl down");
  } else {
    std::string line = R"({"ok":false,"reason":"unknown request"})" "\n";
    [[maybe_unused]] auto w = ::send(c.fd.get(), line.data(), line.size(), MSG_NOSIGNAL);
    c.fd.reset();
  }
}

std::string Connection::status_json() const {
  nlohmann::json j;
  j["name"] = profile_.name;
  j["pid"] = ::getpid();
  j["server"] = profile_.server;
  j["interface"] = profile_.interface;
  switch (stage_) {
    case Stage::Connecting: j["state"] = "connecting"; break;
    case Stage::Up: j["state"] = "up"; break;
    case Stage::StoppingLink:
    case Stage::StoppingControl: j["state"] = "stopping"; break;
    case Stage::Done: j["state"] = "stopped"; break;
  }
  j["call_id"] = our_call_;
  j["peer_call_id"] = peer_call_;
  if (link_) {
    j["local"] = ppp::to_string(link_->ip.local);
    j["peer"] = ppp::to_string(link_->ip.peer);
    auto dns = nlohmann::json::array();
    for (const auto& d : {link_->ip.dns1, link_->ip.dns2})
      if (d) dns.push_back(ppp::to_string(*d));
    j["dns"] = dns;
    j["dns_backend"] = network_.dns_backend();
    if (link_->mppe) {
      j["mppe"] = {{"send", mppe_words(link_->mppe->tx)}, {"receive", mppe_words(link_->mppe->rx)}};
    } else {
      j["mppe"] = nullptr;
    }
    j["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - up_at_).count();
    j["up_since"] = std::chrono::duration_cast<std::chrono::seconds>(up_since_.time_since_epoch()).count();
    auto routes = nlohmann::json::array();
    for (const auto& r : profile_.routes) routes.push_back(config::to_string(r));
    j["routes"] = routes;
    j["default_route"] = profile_.default_route;
    auto links = netlink::LinkControl::open();
    auto counters = links ? links->counters(static_cast<int>(unit_.interface_index()))
                          : wire::Result<netlink::LinkCounters>(links.error());
    if (counters) {
      j["rx_bytes"] = counters->rx_bytes;
      j["tx_bytes"] = counters->tx_bytes;
      j["rx_packets"] = counters->rx_packets;
      j["tx_packets"] = counters->tx_packets;
    }
  }
  return j.dump();
}

void Connection::fail(Exit code, const std::string& reason) {
  if (!failed_ && stage_ != Stage::StoppingLink && stage_ != Stage::StoppingControl && stage_ != Stage::Done) {
    failed_ = true;
    exit_ = code;
    progress_.fail(code, reason);
  }
  stop(reason);
}

void Connection::stop(const std::string& why) {
  if (stage_ == Stage::StoppingLink || stage_ == Stage::StoppingControl || stage_ == Stage::Done) return;
  end_reason_ = why;
  // No clear text in the teardown window: a CCP ConfReq from the server now
  // would switch the kernel's encryption off while routes still point here.
  if (unit_.fd() >= 0) (void)unit_.set_np_mode(kernel::kProtocolIp, kernel::NpMode::Drop);
  progress_.stopping(why);
  stop_deadline_ = Clock::now() + 15s;
  // Routes and DNS first, while the interface still exists.
  network_.undo([this](const std::string& s) { progress_.info(s); });
  // A Terminate-Request is owed only to a peer that opened LCP with us; one
  // that never answered would only make us wait out the retries.
  if (session_ && session_->lcp().state() == ppp::State::Opened && channel_.fd() >= 0) {
    stage_ = Stage::StoppingLink;
    apply(session_->close(Clock::now(), why));
  } else {
    after_link_closed();
  }
}

void Connection::after_link_closed() {
  if (stage_ == Stage::StoppingControl || stage_ == Stage::Done) return;
  session_deadline_.reset();
  // The order of kernel-facts: channel, unit (removes the interface), socket.
  channel_.close();
  unit_.close();
  pptp_.close();
  stage_ = Stage::StoppingControl;
  if (control_ && !control_->done() && tcp_) {
    apply(control_->hangup(Clock::now()));
    if (stage_ == Stage::StoppingControl && control_->done()) finish();
  } else {
    finish();
  }
}

void Connection::finish() {
  tcp_.reset();
  stage_ = Stage::Done;
  progress_.info("stopped: " + end_reason_);
}

}  // namespace pptpctl
