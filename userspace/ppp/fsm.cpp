#include "ppp/fsm.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <utility>

#include "wire/text.hpp"

namespace ppp {

std::string_view to_string(State s) {
  switch (s) {
    case State::Initial: return "Initial";
    case State::Starting: return "Starting";
    case State::Closed: return "Closed";
    case State::Stopped: return "Stopped";
    case State::Closing: return "Closing";
    case State::Stopping: return "Stopping";
    case State::ReqSent: return "Req-Sent";
    case State::AckRcvd: return "Ack-Rcvd";
    case State::AckSent: return "Ack-Sent";
    case State::Opened: return "Opened";
  }
  return "?";
}

std::string_view to_string(LayerEvent::Kind k) {
  switch (k) {
    case LayerEvent::Kind::Up: return "up";
    case LayerEvent::Kind::Down: return "down";
    case LayerEvent::Kind::Started: return "started";
    case LayerEvent::Kind::Finished: return "finished";
    case LayerEvent::Kind::Failed: return "failed";
    case LayerEvent::Kind::ProtocolRejected: return "protocol-rejected";
  }
  return "?";
}

bool Output::has(LayerEvent::Kind k) const {
  return std::any_of(events.begin(), events.end(), [k](const LayerEvent& e) { return e.kind == k; });
}

void Review::nak(const Option& original, wire::ByteView value) {
  entries_.push_back({Kind::Nak, original, wire::Bytes(value.begin(), value.end())});
}

void Review::hint(std::uint8_t type, wire::ByteView value) {
  entries_.push_back({Kind::Hint, Option{type, {}}, wire::Bytes(value.begin(), value.end())});
}

void Review::reject(const Option& original) { entries_.push_back({Kind::Reject, original, {}}); }

bool Review::any_reject() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.kind == Kind::Reject; });
}

bool Review::any_nak() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.kind != Kind::Reject; });
}

std::vector<Review::Entry> Review::sorted() const {
  auto v = entries_;
  // Hints have no place in the request and go last.
  std::stable_sort(v.begin(), v.end(), [](const Entry& a, const Entry& b) {
    if (a.kind == Kind::Hint || b.kind == Kind::Hint) return a.kind != Kind::Hint && b.kind == Kind::Hint;
    return std::less<const std::uint8_t*>()(a.original.value.data(), b.original.value.data());
  });
  return v;
}

wire::Bytes Review::rejects() const {
  wire::Writer w;
  for (const auto& e : sorted())
    if (e.kind == Kind::Reject) write_option(w, e.original);
  return w.take();
}

wire::Bytes Review::naks() const {
  wire::Writer w;
  for (const auto& e : sorted())
    if (e.kind != Kind::Reject) write_option(w, e.original.type, e.value);
  return w.take();
}

wire::Bytes Review::naks_as_rejects() const {
  wire::Writer w;
  for (const auto& e : sorted())
    if (e.kind == Kind::Nak) write_option(w, e.original);
  return w.take();
}

Fsm::Fsm(std::uint16_t protocol, std::string name, OptionsPolicy& policy, FsmLimits limits)
    : protocol_(protocol), name_(std::move(name)), policy_(policy), limits_(limits) {}

namespace {

bool timer_runs_in(State s) {
  switch (s) {
    case State::Closing:
    case State::Stopping:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
      return true;
    case State::Initial:
    case State::Starting:
    case State::Closed:
    case State::Stopped:
    case State::Opened:
      return false;
  }
  return false;
}

bool negotiating(State s) { return s == State::ReqSent || s == State::AckRcvd || s == State::AckSent; }

std::uint8_t saturating_inc(std::uint8_t v) { return v == 0xFF ? v : static_cast<std::uint8_t>(v + 1); }

// Terminate-Request data is free text the peer chose (RFC 1661 5.5): it
// reaches the log and status, so it goes through the shared escaper.
constexpr std::size_t kMaxTerminateText = 64;

}  // namespace

// ---- public entry points -------------------------------------------------

#define PPP_FSM_WRAP(call) \
  Output out;              \
  call;                    \
  return out

Output Fsm::up(TimePoint now) { PPP_FSM_WRAP(up(now, out)); }
Output Fsm::down(TimePoint now) { PPP_FSM_WRAP(down(now, out)); }
Output Fsm::open(TimePoint now) { PPP_FSM_WRAP(open(now, out)); }
Output Fsm::close(TimePoint now, std::string reason) { PPP_FSM_WRAP(close(now, std::move(reason), out)); }
Output Fsm::receive(wire::ByteView packet, TimePoint now) { PPP_FSM_WRAP(receive(packet, now, out)); }
Output Fsm::timeout(TimePoint now) { PPP_FSM_WRAP(timeout(now, out)); }

#undef PPP_FSM_WRAP

void Fsm::up(TimePoint now, Output& out) {
  switch (state_) {
    case State::Initial:
      set_state(State::Closed);
      break;
    case State::Starting:
      irc_configure();
      scr(now, out);
      set_state(State::ReqSent);
      break;
    case State::Closed:
    case State::Stopped:
    case State::Closing:
    case State::Stopping:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
    case State::Opened:
      out.discarded = name_ + ": lower layer was already up";
      break;
  }
  finish(out);
}

void Fsm::down(TimePoint, Output& out) {
  reason_ = name_ + ": the lower layer went down";
  switch (state_) {
    case State::Initial:
    case State::Starting:
      out.discarded = name_ + ": lower layer was already down";
      break;
    case State::Closed:
    case State::Closing:
      set_state(State::Initial);
      break;
    case State::Stopped:
      tls(out);
      set_state(State::Starting);
      break;
    case State::Stopping:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
      set_state(State::Starting);
      break;
    case State::Opened:
      tld(out);
      set_state(State::Starting);
      break;
  }
  finish(out);
}

void Fsm::open(TimePoint now, Output& out) {
  switch (state_) {
    case State::Initial:
      reason_.clear();
      tls(out);
      set_state(State::Starting);
      break;
    case State::Closed:
      reason_.clear();
      irc_configure();
      scr(now, out);
      set_state(State::ReqSent);
      break;
    case State::Closing:
      set_state(State::Stopping);
      break;
    case State::Starting:
    case State::Stopped:
    case State::Stopping:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
    case State::Opened:
      break;
  }
  finish(out);
}

void Fsm::close(TimePoint now, std::string reason, Output& out) {
  switch (state_) {
    case State::Initial:
    case State::Closed:
    case State::Closing:
      break;
    case State::Starting:
      reason_ = std::move(reason);
      tlf(out);
      set_state(State::Initial);
      break;
    case State::Stopped:
      set_state(State::Closed);
      break;
    case State::Stopping:
      set_state(State::Closing);
      break;
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
      reason_ = std::move(reason);
      irc_terminate();
      str(now, out);
      set_state(State::Closing);
      break;
    case State::Opened:
      reason_ = std::move(reason);
      tld(out);
      irc_terminate();
      str(now, out);
      set_state(State::Closing);
      break;
  }
  finish(out);
}

void Fsm::timeout(TimePoint now, Output& out) {
  if (!deadline_ || now < *deadline_) {
    out.discarded = name_ + ": restart timer not due";
    finish(out);
    return;
  }
  deadline_.reset();
  const bool more = restart_count_ > 0;
  switch (state_) {
    case State::Closing:
    case State::Stopping:
      if (more) {
        str(now, out);
      } else {
        if (reason_.empty()) reason_ = name_ + ": the peer did not acknowledge our Terminate-Request";
        tlf(out);
        set_state(state_ == State::Closing ? State::Closed : State::Stopped);
      }
      break;
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
      if (more) {
        scr(now, out, /*retransmit=*/state_ != State::AckRcvd && !req_answered_);
        if (state_ == State::AckRcvd) set_state(State::ReqSent);
      } else {
        reason_ = name_ + ": the peer did not answer " + std::to_string(limits_.max_configure) +
                  " Configure-Requests";
        tlf(out);
        set_state(State::Stopped);
      }
      break;
    case State::Initial:
    case State::Starting:
    case State::Closed:
    case State::Stopped:
    case State::Opened:
      break;
  }
  finish(out);
}

void Fsm::receive(wire::ByteView raw, TimePoint now, Output& out) {
  auto decoded = decode_packet(raw);
  if (!decoded) {
    out.discarded = name_ + ": " + decoded.error().reason;
    finish(out);
    return;
  }
  const Packet& p = *decoded;
  if (state_ == State::Initial || state_ == State::Starting) {
    out.discarded = name_ + ": packet before the lower layer is up";
    finish(out);
    return;
  }
  switch (p.code) {
    case code::ConfReq: receive_conf_req(p, now, out); break;
    case code::ConfAck: receive_conf_ack(p, now, out); break;
    case code::ConfNak:
    case code::ConfRej: receive_conf_nak_rej(p, now, out); break;
    case code::TermReq: receive_term_req(p, now, out); break;
    case code::TermAck: receive_term_ack(now, out); break;
    case code::CodeRej: receive_code_rej(p, now, out); break;
    default:  // p.code is a byte from the wire, not an enum of ours
      if (!policy_.extra(*this, p, now, out)) receive_unknown(p, raw, out);
      break;
  }
  finish(out);
}

// ---- received packets ----------------------------------------------------

void Fsm::receive_conf_req(const Packet& p, TimePoint now, Output& out) {
  switch (state_) {
    case State::Closing:
    case State::Stopping:
      out.discarded = name_ + ": Configure-Request while terminating";
      return;
    case State::Closed:
      sta(p.id, out);
      return;
    case State::Initial:
    case State::Starting:
    case State::Stopped:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
    case State::Opened:
      break;
  }
  auto options = decode_options(p.data);
  if (!options) {
    out.discarded = name_ + ": " + options.error().reason;
    return;
  }
  // An option appears once; a second copy is rejected rather than guessed at.
  Review review;
  std::vector<Option> unique;
  std::array<bool, 256> seen{};
  for (const auto& o : *options) {
    if (seen[o.type]) {
      review.reject(o);
    } else {
      seen[o.type] = true;
      unique.push_back(o);
    }
  }
  const bool reject_if_disagree = failures_ >= limits_.max_failure;
  auto verdict = policy_.review(unique, reject_if_disagree, review);
  if (!verdict) {
    if (verdict.error().kind == wire::ErrorKind::Fatal) {
      fail(verdict.error().reason, now, out);
    } else {
      out.discarded = name_ + ": " + verdict.error().reason;
    }
    return;
  }

  Reply reply = Reply::Ack;
  wire::Bytes data(p.data.begin(), p.data.end());
  if (review.any_reject()) {
    reply = Reply::Reject;
    data = review.rejects();
  } else if (review.any_nak()) {
    if (!reject_if_disagree) {
      reply = Reply::Nak;
      data = review.naks();
    } else if (auto originals = review.naks_as_rejects(); !originals.empty()) {
      reply = Reply::Reject;
      data = std::move(originals);
    }
    // Only hints left under max-failure: drop them and acknowledge.
  }
  const bool good = reply == Reply::Ack;
  auto send_reply = [&] {
    switch (reply) {
      case Reply::Ack:
        failures_ = 0;
        send(out, code::ConfAck, p.id, data);
        break;
      case Reply::Nak:
        failures_ = saturating_inc(failures_);
        send(out, code::ConfNak, p.id, data);
        break;
      case Reply::Reject:
        send(out, code::ConfRej, p.id, data);
        break;
    }
  };

  switch (state_) {
    case State::Stopped:
      irc_configure();
      scr(now, out);
      send_reply();
      set_state(good ? State::AckSent : State::ReqSent);
      break;
    case State::ReqSent:
    case State::AckSent:
      send_reply();
      set_state(good ? State::AckSent : State::ReqSent);
      break;
    case State::AckRcvd:
      send_reply();
      if (good) tlu(now, out);
      break;
    case State::Opened:
      reason_ = name_ + ": the peer renegotiates";
      tld(out);
      scr(now, out);
      send_reply();
      set_state(good ? State::AckSent : State::ReqSent);
      break;
    case State::Initial:
    case State::Starting:
    case State::Closed:
    case State::Closing:
    case State::Stopping:
      break;
  }
}

void Fsm::receive_conf_ack(const Packet& p, TimePoint now, Output& out) {
  switch (state_) {
    case State::Closed:
    case State::Stopped:
      sta(p.id, out);
      return;
    case State::Closing:
    case State::Stopping:
      out.discarded = name_ + ": Configure-Ack while terminating";
      return;
    case State::Initial:
    case State::Starting:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
    case State::Opened:
      break;
  }
  if (p.id != req_id_ || req_answered_) {
    out.discarded = name_ + ": Configure-Ack for a request we no longer wait for";
    return;
  }
  if (!std::equal(p.data.begin(), p.data.end(), req_options_.begin(), req_options_.end())) {
    out.discarded = name_ + ": Configure-Ack does not repeat our options exactly";
    return;
  }
  req_answered_ = true;
  naks_received_ = 0;
  switch (state_) {
    case State::ReqSent:
      irc_configure();
      set_state(State::AckRcvd);
      break;
    case State::AckRcvd:  // crossed connection
      scr(now, out);
      set_state(State::ReqSent);
      break;
    case State::AckSent:
      irc_configure();
      tlu(now, out);
      break;
    case State::Opened:
      reason_ = name_ + ": the peer renegotiates";
      tld(out);
      scr(now, out);
      set_state(State::ReqSent);
      break;
    case State::Initial:
    case State::Starting:
    case State::Closed:
    case State::Stopped:
    case State::Closing:
    case State::Stopping:
      break;
  }
}

void Fsm::receive_conf_nak_rej(const Packet& p, TimePoint now, Output& out) {
  const bool is_reject = p.code == code::ConfRej;
  const char* what = is_reject ? "Configure-Reject" : "Configure-Nak";
  switch (state_) {
    case State::Closed:
    case State::Stopped:
      sta(p.id, out);
      return;
    case State::Closing:
    case State::Stopping:
      out.discarded = name_ + ": " + what + " while terminating";
      return;
    case State::Initial:
    case State::Starting:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
    case State::Opened:
      break;
  }
  if (p.id != req_id_ || req_answered_) {
    out.discarded = name_ + ": " + what + " for a request we no longer wait for";
    return;
  }
  auto options = decode_options(p.data);
  if (!options) {
    out.discarded = name_ + ": " + options.error().reason;
    return;
  }
  if (is_reject) {
    // Every rejected option must be one we sent, unchanged.
    auto ours = decode_options(req_options_);
    for (const auto& o : *options) {
      const bool sent = ours && std::any_of(ours->begin(), ours->end(), [&](const Option& mine) {
                          return mine.type == o.type && std::equal(mine.value.begin(), mine.value.end(),
                                                                   o.value.begin(), o.value.end());
                        });
      if (!sent) {
        out.discarded = name_ + ": Configure-Reject lists an option we did not send";
        return;
      }
    }
  }
  auto applied = is_reject ? policy_.apply_reject(*options) : policy_.apply_nak(*options);
  if (!applied) {
    if (applied.error().kind == wire::ErrorKind::Fatal) {
      fail(applied.error().reason, now, out);
    } else {
      out.discarded = name_ + ": " + applied.error().reason;
    }
    return;
  }
  req_answered_ = true;
  naks_received_ = saturating_inc(naks_received_);
  if (naks_received_ > limits_.max_naks_received) {
    fail(name_ + ": negotiation does not converge (the peer keeps refusing our options)", now, out);
    return;
  }
  switch (state_) {
    case State::ReqSent:
      irc_configure();
      scr(now, out);
      break;
    case State::AckRcvd:  // crossed connection
      scr(now, out);
      set_state(State::ReqSent);
      break;
    case State::AckSent:
      irc_configure();
      scr(now, out);
      break;
    case State::Opened:
      reason_ = name_ + ": the peer renegotiates";
      tld(out);
      scr(now, out);
      set_state(State::ReqSent);
      break;
    case State::Initial:
    case State::Starting:
    case State::Closed:
    case State::Stopped:
    case State::Closing:
    case State::Stopping:
      break;
  }
}

void Fsm::receive_term_req(const Packet& p, TimePoint now, Output& out) {
  switch (state_) {
    case State::Closed:
    case State::Stopped:
    case State::Closing:
    case State::Stopping:
      sta(p.id, out);
      break;
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
      sta(p.id, out);
      set_state(State::ReqSent);
      break;
    case State::Opened: {
      reason_ = name_ + ": the peer terminated the link";
      if (auto text = wire::printable(p.data, kMaxTerminateText); !text.empty()) reason_ += " (\"" + text + "\")";
      tld(out);
      zrc(now);
      sta(p.id, out);
      set_state(State::Stopping);
      break;
    }
    case State::Initial:
    case State::Starting:
      break;
  }
}

void Fsm::receive_term_ack(TimePoint now, Output& out) {
  switch (state_) {
    case State::Closing:
      tlf(out);
      set_state(State::Closed);
      break;
    case State::Stopping:
      tlf(out);
      set_state(State::Stopped);
      break;
    case State::AckRcvd:
      set_state(State::ReqSent);
      break;
    case State::Opened:
      reason_ = name_ + ": unexpected Terminate-Ack";
      tld(out);
      scr(now, out);
      set_state(State::ReqSent);
      break;
    case State::Initial:
    case State::Starting:
    case State::Closed:
    case State::Stopped:
    case State::ReqSent:
    case State::AckSent:
      break;
  }
}

void Fsm::receive_code_rej(const Packet& p, TimePoint now, Output& out) {
  if (p.data.empty()) {
    out.discarded = name_ + ": Code-Reject without the rejected packet";
    return;
  }
  const std::uint8_t rejected = p.data[0];
  // The peer cannot do without codes 1..7: nothing can be negotiated then.
  const bool catastrophic = rejected >= code::ConfReq && rejected <= code::CodeRej;
  if (!catastrophic) policy_.code_rejected(rejected);
  rxj(catastrophic, name_ + ": the peer does not understand code " + std::to_string(rejected), now, out);
}

void Fsm::receive_unknown(const Packet& p, wire::ByteView raw, Output& out) {
  switch (state_) {
    case State::Closed:
    case State::Stopped:
    case State::Closing:
    case State::Stopping:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
    case State::Opened: {
      // Echo the packet as received (up to its length), cut to fit the peer's MRU.
      auto body = raw.first(std::min(raw.size(), kPacketHeader + p.data.size()));
      const auto limit = limits_.max_packet > kPacketHeader ? limits_.max_packet - kPacketHeader : 0;
      send(out, code::CodeRej, next_id(), body.first(std::min(body.size(), limit)));
      break;
    }
    case State::Initial:
    case State::Starting:
      break;
  }
}

void Fsm::rxj(bool catastrophic, std::string reason, TimePoint now, Output& out) {
  if (!catastrophic) {
    if (state_ == State::AckRcvd) set_state(State::ReqSent);
    return;
  }
  reason_ = std::move(reason);
  out.events.push_back({LayerEvent::Kind::Failed, reason_, 0});
  switch (state_) {
    case State::Closed:
    case State::Closing:
      tlf(out);
      set_state(State::Closed);
      break;
    case State::Stopped:
    case State::Stopping:
    case State::ReqSent:
    case State::AckRcvd:
    case State::AckSent:
      tlf(out);
      set_state(State::Stopped);
      break;
    case State::Opened:
      tld(out);
      irc_terminate();
      str(now, out);
      set_state(State::Stopping);
      break;
    case State::Initial:
    case State::Starting:
      break;
  }
}

// ---- actions -------------------------------------------------------------

void Fsm::fail(std::string reason, TimePoint now, Output& out) {
  out.events.push_back({LayerEvent::Kind::Failed, reason, 0});
  close(now, std::move(reason), out);
}

void Fsm::tlu(TimePoint now, Output& out) {
  if (auto ok = policy_.check_opened(); !ok) {
    fail(ok.error().reason, now, out);
    return;
  }
  set_state(State::Opened);
  reason_.clear();
  out.events.push_back({LayerEvent::Kind::Up, {}, 0});
}

void Fsm::tld(Output& out) { out.events.push_back({LayerEvent::Kind::Down, reason_, 0}); }
void Fsm::tls(Output& out) { out.events.push_back({LayerEvent::Kind::Started, {}, 0}); }
void Fsm::tlf(Output& out) { out.events.push_back({LayerEvent::Kind::Finished, reason_, 0}); }

void Fsm::zrc(TimePoint now) {
  restart_count_ = 0;
  deadline_ = now + limits_.restart;
}

void Fsm::scr(TimePoint now, Output& out, bool retransmit) {
  if (!retransmit) {
    if (!negotiating(state_)) {
      policy_.reset();
      failures_ = 0;
      naks_received_ = 0;
    }
    wire::Writer w;
    policy_.write_request(w);
    req_options_ = w.take();
    req_id_ = next_id();
    req_answered_ = false;
  }
  send(out, code::ConfReq, req_id_, req_options_);
  if (restart_count_ > 0) --restart_count_;
  deadline_ = now + limits_.restart;
}

void Fsm::str(TimePoint now, Output& out) {
  send(out, code::TermReq, next_id(), {});
  if (restart_count_ > 0) --restart_count_;
  deadline_ = now + limits_.restart;
}

void Fsm::sta(std::uint8_t id, Output& out) { send(out, code::TermAck, id, {}); }

void Fsm::send(Output& out, std::uint8_t code, std::uint8_t id, wire::ByteView data) const {
  out.frames.push_back(encode_control_frame(protocol_, code, id, data));
}

void Fsm::set_state(State s) {
  state_ = s;
  if (!timer_runs_in(s)) deadline_.reset();
}

void Fsm::finish(Output& out) const { out.deadline = deadline_; }

}  // namespace ppp
