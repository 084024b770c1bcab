#pragma once
// The daemon's whole negotiation without its sockets, for fuzz_negotiation
// and its corpus generator. Negotiation mirrors pptpctl::Attempt
// (userspace/daemon/attempt.cpp) from on_connected() on: the same calls into
// pptp::Control and ppp::Session, in the same order, with what Attempt asks of
// the kernel (/dev/ppp unit and channel, np modes, MPPE keys, SC_CCP_UP)
// recorded in a FakeKernel. The PPP session is built by the daemon's own
// pptpctl::session_config() from a profile the script's first byte picks.
//
// Script (the fuzz input): byte 0 picks the profile (profile_from_byte), then
// records of one tag byte (taken modulo kTags) and its argument:
//   Control   u16 BE length, then that many bytes of the server's TCP stream
//   Frame     u16 BE length, then one PPP frame from the server
//   Advance   u16 BE milliseconds of time passing
//   TcpClosed, NextDeadline, UserClose, KernelHangup: no argument
// A length running past the end is cut there. After the last record the
// daemon is stopped (as on SIGTERM) and time runs until the attempt ends.
//
// Invariants, each checked where the daemon would act: IP passes only while
// up and (MPPE required) only behind MPPE running both ways; no IPCP before
// CCP is up; no auth downgrade (LCP agrees only a listed method, PAP never
// with MPPE required, keys only from MS-CHAP); no MPPE downgrade (strength and
// mode as the profile allows, never 56 bits); frames we send decode and are
// bounded; every sentence, note and description is printable and bounded;
// a live attempt always has a deadline; teardown always ends. Every broken
// invariant aborts with a sentence on stderr.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/profile.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/failure.hpp"
#include "daemon/session_config.hpp"
#include "ppp/auth_text.hpp"
#include "ppp/describe.hpp"
#include "ppp/frame.hpp"
#include "ppp/session.hpp"
#include "pptp/control.hpp"
#include "pptp/describe.hpp"
#include "wire/text.hpp"

namespace negotiation {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using namespace std::chrono_literals;
using pptpctl::Exit;
namespace ev = ppp::session_event;

enum Tag : std::uint8_t { Control, Frame, Advance, TcpClosed, NextDeadline, UserClose, KernelHangup, kTags };

[[noreturn]] inline void broken(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz_negotiation: invariant broken: %s%s%.*s\n", what, detail.empty() ? "" : ": ",
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}
inline void check(bool ok, const char* what, std::string_view detail = {}) {
  if (!ok) broken(what, detail);
}

// What may reach a log line or a terminal: printable ASCII only, bounded.
inline void check_text(std::string_view s, const char* what, std::size_t max = 4096) {
  check(s.size() <= max, what, "too long");
  for (char c : s) check(c >= 0x20 && c < 0x7f, what, s);
}

// Fixed credentials and randomness: the lab's PoPToP capture
// (tests/unit/test_ppp_session.cpp), so the captured S= verifies.
inline constexpr std::string_view kUser = "alice";
inline constexpr std::string_view kPassword = "lab-secret-1";
inline constexpr std::array<std::uint8_t, 16> kPeerChallenge = {0xaf, 0x1f, 0xe0, 0x81, 0xcb, 0xa7, 0x75, 0x81,
                                                                  0xce, 0xf6, 0xcf, 0x44, 0x38, 0x38, 0xcf, 0x36};
inline constexpr std::uint64_t kSeed = 42;
inline constexpr std::uint16_t kOurCall = 0x1234;

// bits 0-1: auth list (v2 | v2,v1 | v2,md5,pap | pap,md5,v1,v2); bit 2: MPPE
// optional; bit 3: stateful; bit 4: 40-bit allowed; bit 5: no peer DNS;
// bit 6: no LCP echo; bit 7: 128-bit not allowed (40 only).
inline config::Profile profile_from_byte(std::uint8_t b) {
  using A = config::AuthMethod;
  config::Profile p;
  p.name = "fuzz";
  p.interface = "pptp-fuzz";
  p.server = "192.0.2.1";
  p.username = std::string(kUser);
  (void)p.password.assign(kPassword);
  switch (b & 3) {
    case 0: p.auth = {A::MsChapV2}; break;
    case 1: p.auth = {A::MsChapV2, A::MsChapV1}; break;
    case 2: p.auth = {A::MsChapV2, A::ChapMd5, A::Pap}; break;
    case 3: p.auth = {A::Pap, A::ChapMd5, A::MsChapV1, A::MsChapV2}; break;
  }
  p.mppe.required = !(b & 4);
  p.mppe.stateful = (b & 8) != 0;
  p.mppe.bits.b40 = (b & 16) || (b & 128);
  p.mppe.bits.b128 = !(b & 128);
  p.dns.use_peer = !(b & 32);
  if (b & 64) p.lcp_echo.interval_s = 0;
  return p;
}

// What Attempt asks of /dev/ppp and the PPTP socket, as state.
struct FakeKernel {
  bool channel = false;  // kernel::PppChannel attached (on_call)
  bool unit = false;     // kernel::PppUnit created and connected (on_network)
  bool ip_pass = false;  // set_np_mode(IP, Pass): IP flows
  bool ccp_open = false, must_comp = false, key_rx = false, key_tx = false, ccp_up = false;
  void close_all() { *this = FakeKernel{}; }
};

class Negotiation {
 public:
  enum class State { Negotiating, Up, Closing, Ended };

  explicit Negotiation(std::uint8_t profile_byte, TimePoint t0 = TimePoint{} + 1000s)
      : profile_(profile_from_byte(profile_byte)), now_(t0) {}

  // Attempt::start() sets the connect deadline, then on_connected() starts
  // the control connection once TCP is up (here: at once).
  void start() {
    connect_deadline_ = now_ + std::chrono::seconds(profile_.connect_timeout_s);
    pptp::Config pc;
    pc.hostname = "client";
    pc.call_id = kOurCall;
    pc.call_serial = 1;
    control_.emplace(pc);
    tcp_open_ = true;
    apply(control_->start(now_));
    after_step();
  }

  // Attempt::read_tcp(), n > 0.
  void control_bytes(wire::ByteView data) {
    if (!live() || !tcp_open_) return;
    step_in_ = data.size();
    apply(control_->on_bytes(data, now_));
    after_step();
  }
  // Attempt::read_tcp(), n <= 0.
  void tcp_closed() {
    if (!live() || !tcp_open_) return;
    apply(control_->on_eof(now_));
    control_gone();
    after_step();
  }
  // Attempt::read_ppp(): a frame from the channel fd or the unit fd.
  void ppp_frame(wire::ByteView frame) {
    if (!live() || !(kernel_.channel || kernel_.unit)) return;
    step_in_ = frame.size();
    check_text(ppp::describe_frame(frame), "describe of a received frame");
    if (session_) apply(session_->receive(frame, now_));
    after_step();
  }
  // Attempt::read_ppp(): ReadStatus::Hangup on the channel.
  void kernel_hangup() {
    if (!live() || !kernel_.channel) return;
    fail(Exit::LinkLost, "the kernel closed the PPP channel");
    kernel_.channel = false;
    after_step();
  }
  // The poll loop: time passes, then Attempt::on_time().
  void advance(Clock::duration d) {
    if (!live()) return;
    now_ += d;
    on_time();
    after_step();
  }
  void next_deadline() {
    if (!live()) return;
    if (auto d = deadline()) now_ = std::max(now_, *d);
    on_time();
    after_step();
  }
  // Tunnel::stop() (SIGTERM, `pptpctl down`): Attempt::close().
  void user_close() {
    if (!live()) return;
    close("stopped by the user", 10s);
    after_step();
  }
  // The script is over: stop, and time runs until the attempt has ended.
  void finish() {
    user_close();
    for (int i = 0; i < 1000 && live(); ++i) next_deadline();
    check(state_ == State::Ended, "teardown always ends");
  }

  // For the generator: what went to the server since the last take.
  std::vector<wire::Bytes> take_tcp() { return std::exchange(tcp_out_, {}); }
  std::vector<wire::Bytes> take_frames() { return std::exchange(frames_out_, {}); }
  State state() const { return state_; }
  Exit outcome() const { return outcome_; }
  const std::string& reason() const { return reason_; }
  bool was_up() const { return was_up_; }
  const std::optional<ev::Up>& link() const { return link_; }
  const FakeKernel& kernel() const { return kernel_; }
  TimePoint now() const { return now_; }
  bool live() const { return state_ != State::Ended; }

 private:
  // Attempt::apply(pptp::Effects).
  void apply(pptp::Effects fx) {
    for (const auto& t : fx.trace) check_text(pptp::describe(t.message), "describe of a control message");
    for (const auto& note : fx.notes) check_text(note, "pptp note");
    check(fx.send.size() <= 4, "at most a few control messages per input");
    for (const auto& bytes : fx.send) {
      if (!tcp_open_) break;
      check(pptp::decode(bytes).ok(), "we only send valid control messages");
      tcp_out_.push_back(bytes);  // OutBuffer: the harness's server reads all
    }
    control_deadline_ = fx.deadline;
    const bool was_up = state_ == State::Up;
    for (auto& e : fx.events) {
      if (std::get_if<pptp::ControlEstablished>(&e)) {
        // Progress line only.
      } else if (auto* call = std::get_if<pptp::CallEstablished>(&e)) {
        on_call(*call);
      } else if (auto* dis = std::get_if<pptp::CallDisconnected>(&e)) {
        check_text(dis->reason, "CallDisconnected reason");
        fail(was_up ? Exit::LinkLost : Exit::ServerRefused, dis->reason);
      } else if (auto* closed = std::get_if<pptp::Closed>(&e)) {
        check_text(closed->reason, "Closed reason");
        fail(was_up ? Exit::LinkLost : Exit::ServerRefused, closed->reason);
        control_gone();
      } else if (auto* f = std::get_if<pptp::Failed>(&e)) {
        check_text(f->reason, "pptp Failed reason");
        fail(pptpctl::exit_for(f->category, was_up), f->reason);
        control_gone();
      }
    }
  }

  // Attempt::on_call(): connect the socket, attach the channel, start PPP.
  void on_call(const pptp::CallEstablished& call) {
    check(!session_, "one call per control connection");
    check(call.our_call_id == kOurCall, "the call is ours");
    kernel_.channel = true;
    session_.emplace(pptpctl::session_config(profile_, kSeed, kPeerChallenge, wire::Ipv4{192, 0, 2, 1}));
    apply(session_->start(now_));
  }

  // Attempt::write_frame().
  void write_frame(const wire::Bytes& frame) {
    if (frame.size() < 2) return;
    const auto protocol = static_cast<std::uint16_t>((frame[0] << 8) | frame[1]);
    check_text(ppp::describe_frame(frame), "describe of a sent frame");
    check(ppp::decode_frame(frame).ok(), "we only send frames that decode");
    check(protocol != ppp::proto::IP && protocol != ppp::proto::IPV6 && protocol != ppp::proto::CompressedData,
          "the session never writes data frames");
    check(frame.size() <= 2 + std::max<std::size_t>(1500, step_in_), "a frame fits the link or answers one as big");
    // The password goes in the clear only by PAP the profile allows, and
    // never when MPPE is required (it could not protect the link anyway).
    if (protocol == ppp::proto::PAP)
      check(agreed_auth_ == ppp::AuthProtocol::Pap && allowed(ppp::AuthProtocol::Pap) && !profile_.mppe.required,
            "PAP sent without the profile allowing it");
    if (protocol == ppp::proto::CHAP && frame.size() > 2 && frame[2] == 2)
      check(agreed_auth_ && *agreed_auth_ != ppp::AuthProtocol::Pap, "a CHAP response without CHAP agreed");
    const bool via_channel = ppp::uses_channel_fd(protocol);
    if (!via_channel && !kernel_.unit) return;  // "no unit yet": dropped
    if (via_channel && !kernel_.channel) return;  // write fails on a closed fd
    // No NCP before MPPE when it is required: the kernel (SC_MUST_COMP)
    // would drop it anyway, and the session must not rely on that.
    if (protocol == ppp::proto::IPCP && profile_.mppe.required)
      check(kernel_.ccp_up, "no IPCP before CCP is up when MPPE is required");
    frames_out_.push_back(frame);
  }

  // Attempt::apply(ppp::SessionOutput).
  void apply(ppp::SessionOutput out) {
    check(out.frames.size() <= 16, "a bounded number of frames per input");
    for (auto& e : out.events) {
      // Not Attempt's: the frames below may answer the agreed method at once.
      if (auto* l = std::get_if<ev::LinkEstablished>(&e)) {
        // No auth downgrade: the server gets only a method the profile lists.
        check(!l->lcp.auth || allowed(*l->lcp.auth), "LCP agreed an authentication the profile does not allow");
        agreed_auth_ = l->lcp.auth;
      }
      if (auto* m = std::get_if<ev::MppeUp>(&e)) {
        check_mppe(m->mppe);
        // unit_.ccp_up(): fails on a unit that is not there.
        if (!kernel_.unit) return fail(Exit::MppeMissing, "no unit for SC_CCP_UP");
        kernel_.ccp_up = true;
      }
    }
    for (const auto& f : out.frames) write_frame(f);
    for (const auto& note : out.notes) check_text(note, "ppp note");
    session_deadline_ = out.deadline;
    for (auto& e : out.events) {
      if (std::get_if<ev::LinkEstablished>(&e)) {
      } else if (auto* a = std::get_if<ev::Authenticated>(&e)) {
        check_text(wire::printable(a->message), "auth message as printed");
        check(a->protocol == agreed_auth_, "authenticated with the protocol LCP agreed");
        check(!a->keys || a->protocol == ppp::AuthProtocol::MsChapV2 || a->protocol == ppp::AuthProtocol::MsChapV1,
              "MPPE keys come from MS-CHAP only");
      } else if (auto* n = std::get_if<ev::NetworkPhase>(&e)) {
        on_network(*n);
      } else if (std::get_if<ev::MppeUp>(&e)) {
      } else if (auto* up = std::get_if<ev::Up>(&e)) {
        on_up(*up);
      } else if (auto* f = std::get_if<ev::Failed>(&e)) {
        check_text(f->reason, "ppp Failed reason");
        fail(pptpctl::exit_for(f->kind), f->reason);
      } else if (auto* c = std::get_if<ev::Closed>(&e)) {
        check_text(c->reason, "ppp Closed reason");
        if (link_closing_) after_link_closed();
      }
    }
  }

  // config::AuthMethod has ppp::AuthProtocol's members in the same order
  // (config/profile.hpp), as session_config() maps them.
  bool allowed(ppp::AuthProtocol a) const {
    const auto& list = profile_.auth;
    return std::find(list.begin(), list.end(), static_cast<config::AuthMethod>(a)) != list.end();
  }

  // No MPPE downgrade: only strengths and modes the profile allows, and
  // never 56 bits (Linux cannot run it).
  void check_mppe(const ppp::CcpOutcome& m) const {
    for (const auto& mode : {m.tx, m.rx}) {
      if (!mode) continue;
      const auto bits = mode->key_bits();
      check(bits == 128 ? profile_.mppe.bits.b128 : bits == 40 && profile_.mppe.bits.b40, "an MPPE strength not allowed");
      check(mode->stateless() || profile_.mppe.stateful, "stateful MPPE the profile does not allow");
    }
  }

  // Attempt::on_network(): the unit, IP dropped, keys before CCP.
  void on_network(const ev::NetworkPhase& n) {
    check(!kernel_.unit, "one network phase per link");
    check(!profile_.mppe.required || n.keys, "keys for MPPE when it is required");
    kernel_.unit = true;
    kernel_.ip_pass = false;
    if (n.keys) {
      kernel_.ccp_open = true;
      kernel_.must_comp = profile_.mppe.required;
      kernel_.key_rx = kernel_.key_tx = true;
    }
    apply(session_->network_ready(now_));
  }

  // Attempt::on_up(): the run bits, then addresses, then IP PASS.
  void on_up(const ev::Up& up) {
    if (profile_.mppe.required)
      check(up.mppe && up.mppe->tx && up.mppe->rx, "never up without MPPE both ways when it is required");
    if (up.mppe) check_mppe(*up.mppe);
    if (state_ != State::Negotiating) return;
    if (up.mppe) {
      // The fake kernel runs MPPE where keys are installed and CCP is open.
      const bool run_tx = kernel_.ccp_open && kernel_.key_tx, run_rx = kernel_.ccp_open && kernel_.key_rx;
      if ((up.mppe->tx && !run_tx) || (up.mppe->rx && !run_rx))
        return fail(Exit::MppeMissing, "the kernel did not start MPPE in both directions; IP stays blocked");
    }
    check(up.peer_mru >= 4, "room for MPPE's header in the peer's MRU");
    if (profile_.mppe.required)
      check(kernel_.ccp_up && kernel_.must_comp && kernel_.key_rx && kernel_.key_tx, "IP passes only behind MPPE");
    kernel_.ip_pass = true;
    link_ = up;
    state_ = State::Up;
    was_up_ = true;
  }

  std::optional<TimePoint> deadline() const {
    std::optional<TimePoint> next;
    auto consider = [&](std::optional<TimePoint> d) {
      if (d && (!next || *d < *next)) next = d;
    };
    consider(control_deadline_);
    consider(session_deadline_);
    if (state_ == State::Negotiating) consider(connect_deadline_);
    if (state_ == State::Closing) consider(close_deadline_);
    return next;
  }

  // Attempt::on_time().
  void on_time() {
    if (control_deadline_ && *control_deadline_ <= now_ && control_) {
      control_deadline_.reset();
      apply(control_->on_timer(now_));
    }
    if (session_deadline_ && *session_deadline_ <= now_ && session_) {
      session_deadline_.reset();
      apply(session_->timeout(now_));
    }
    if (state_ == State::Negotiating && connect_deadline_ <= now_) {
      if (session_ && session_->phase() == ppp::Session::Phase::Establish && !session_->peer_answered()) {
        check_text(session_->no_answer_reason(), "no-answer reason");
        fail(Exit::GreBlocked, session_->no_answer_reason() + " 192.0.2.1 (TCP 1723 works)");
      } else {
        fail(Exit::Timeout, "the tunnel did not come up within 30 s (connect_timeout_s)");
      }
    }
    if (state_ == State::Closing && close_deadline_ <= now_) end();
  }

  // Attempt::fail().
  void fail(Exit code, const std::string& reason) {
    if (outcome_ == Exit::Ok && state_ != State::Closing && state_ != State::Ended) {
      outcome_ = code;
      reason_ = reason;
    }
    close(reason, 3s);
  }

  // Attempt::close().
  void close(const std::string& why, Clock::duration patience) {
    if (state_ == State::Closing || state_ == State::Ended) return;
    kernel_.ip_pass = false;
    state_ = State::Closing;
    close_deadline_ = now_ + patience;
    if (session_ && session_->lcp().state() == ppp::State::Opened && kernel_.channel) {
      link_closing_ = true;
      apply(session_->close(now_, why));
    } else {
      after_link_closed();
    }
  }

  // Attempt::after_link_closed().
  void after_link_closed() {
    link_closing_ = false;
    session_deadline_.reset();
    kernel_.close_all();
    if (state_ == State::Ended) return;
    if (control_ && !control_->done() && tcp_open_) {
      apply(control_->hangup(now_));
      if (control_->done()) end();
    } else {
      end();
    }
  }

  // Attempt::control_gone().
  void control_gone() {
    tcp_open_ = false;
    control_deadline_.reset();
    if (state_ != State::Closing) return;
    if (link_closing_) {
      after_link_closed();
    } else {
      end();
    }
  }

  // Attempt::end().
  void end() {
    if (state_ == State::Ended) return;
    kernel_.close_all();
    tcp_open_ = false;
    control_deadline_.reset();
    session_deadline_.reset();
    state_ = State::Ended;
  }

  // What holds after every input, whatever came before.
  void after_step() {
    step_in_ = 0;
    check(!kernel_.ip_pass || state_ == State::Up, "IP passes only while up");
    check(state_ != State::Up || outcome_ == Exit::Ok, "up and failed at once");
    check(state_ != State::Up || !profile_.mppe.required || kernel_.ccp_up, "up without MPPE running");
    check(state_ == State::Ended || deadline().has_value(), "a live attempt always has a deadline");
    check_text(pptp::name(control_->state()), "control state name");
    if (session_) {
      check_text(ppp::to_string(session_->lcp().state()), "LCP state name");
      check_text(ppp::to_string(session_->ccp().state()), "CCP state name");
      check_text(ppp::to_string(session_->ipcp().state()), "IPCP state name");
    }
    check_text(reason_, "the outcome's sentence");
    check(tcp_out_.size() <= 4096 && frames_out_.size() <= 65536, "bounded output");
  }

  config::Profile profile_;
  TimePoint now_;
  State state_ = State::Negotiating;
  Exit outcome_ = Exit::Ok;
  std::string reason_;
  bool was_up_ = false;
  bool tcp_open_ = false;
  bool link_closing_ = false;
  FakeKernel kernel_;
  std::optional<pptp::Control> control_;
  std::optional<ppp::Session> session_;
  std::optional<TimePoint> control_deadline_, session_deadline_;
  TimePoint connect_deadline_{}, close_deadline_{};
  std::optional<ev::Up> link_;
  std::optional<ppp::AuthProtocol> agreed_auth_;  // LinkEstablished's
  std::size_t step_in_ = 0;  // size of the input being handled
  std::vector<wire::Bytes> tcp_out_, frames_out_;
};

// Decodes a script and runs it to the end.
inline void run_script(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  Negotiation n(data[0]);
  n.start();
  std::size_t i = 1;
  auto u16 = [&](std::size_t at) { return static_cast<std::size_t>((data[at] << 8) | data[at + 1]); };
  while (i < size && n.live()) {
    const auto tag = static_cast<Tag>(data[i++] % kTags);
    switch (tag) {
      case Control:
      case Frame: {
        if (i + 2 > size) return n.finish();
        const std::size_t len = std::min(u16(i), size - i - 2);
        const wire::ByteView bytes(data + i + 2, len);
        i += 2 + len;
        if (tag == Control) n.control_bytes(bytes); else n.ppp_frame(bytes);
        break;
      }
      case Advance:
        if (i + 2 > size) return n.finish();
        n.advance(std::chrono::milliseconds(u16(i)));
        i += 2;
        break;
      case TcpClosed: n.tcp_closed(); break;
      case NextDeadline: n.next_deadline(); break;
      case UserClose: n.user_close(); break;
      case KernelHangup: n.kernel_hangup(); break;
      case kTags: break;
    }
  }
  n.finish();
}

}  // namespace negotiation
