#include "pptp/control.hpp"

#include <utility>

#include "pptp/codes.hpp"
#include "wire/hex.hpp"

namespace pptp {
namespace {

// What Linux clients send and every server we know accepts.
constexpr std::uint32_t kFramingSyncAsync = 3;
constexpr std::uint32_t kBearerAnalogDigital = 3;
constexpr std::uint16_t kMaxChannels = 65535;
constexpr std::uint16_t kFirmwareRevision = 1;
constexpr std::uint32_t kMinBps = 2400;
constexpr std::uint32_t kMaxBps = 1000000000;

constexpr std::uint8_t kStopReasonNone = 1;  // "general request to clear control connection"
constexpr std::uint8_t kResultOk = 1;
constexpr std::uint8_t kIcrpDoNotAccept = 3;

std::string seconds(Clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

std::string while_text(Control::State s) {
  switch (s) {
    case Control::State::Idle: return "before we started";
    case Control::State::WaitSccrp: return "while we waited for the control connection reply (SCCRP)";
    case Control::State::WaitOcrp: return "while we waited for the call reply (OCRP)";
    case Control::State::Established: return "during the call";
    case Control::State::WaitCdn: return "while we waited for the call to clear (CDN)";
    case Control::State::WaitStopCcrp: return "while we waited for the stop reply (StopCCRP)";
    case Control::State::Done: return "after the connection ended";
  }
  return "in an unknown state";
}

}  // namespace

std::string_view name(FailureCategory c) {
  switch (c) {
    case FailureCategory::ControlRefused: return "control-refused";
    case FailureCategory::CallRefused: return "call-refused";
    case FailureCategory::Timeout: return "timeout";
    case FailureCategory::ProtocolError: return "protocol-error";
    case FailureCategory::PeerClosed: return "peer-closed";
  }
  return "unknown";
}

std::string_view name(Control::State s) {
  switch (s) {
    case Control::State::Idle: return "idle";
    case Control::State::WaitSccrp: return "wait-sccrp";
    case Control::State::WaitOcrp: return "wait-ocrp";
    case Control::State::Established: return "established";
    case Control::State::WaitCdn: return "wait-cdn";
    case Control::State::WaitStopCcrp: return "wait-stopccrp";
    case Control::State::Done: return "done";
  }
  return "unknown";
}

Control::Control(Config config) : config_(std::move(config)) {}

std::optional<TimePoint> Control::deadline() const {
  switch (state_) {
    case State::Idle:
    case State::Done: return std::nullopt;
    case State::Established:
      if (echo_sent_) return *echo_sent_ + config_.echo_wait;
      return last_received_ + config_.echo_idle;
    case State::WaitSccrp:
    case State::WaitOcrp:
    case State::WaitCdn:
    case State::WaitStopCcrp: return step_deadline_;
  }
  return std::nullopt;
}

Effects Control::take() {
  fx_.deadline = deadline();
  Effects out = std::move(fx_);
  fx_ = Effects{};
  return out;
}

void Control::send(Message m) {
  fx_.send.push_back(encode(m));
  fx_.trace.push_back({Direction::Sent, std::move(m)});
}

bool Control::control_up() const {
  return state_ == State::WaitOcrp || state_ == State::Established || state_ == State::WaitCdn;
}

// Servers disagree on which call ID a CDN carries: RFC 2637 says the PAC's
// (the peer's), accel-ppp sends the PNS's (ours). With one call per control
// connection, either one names our call.
bool Control::is_our_call(std::uint16_t call_id) const {
  // 0 is a valid call ID (PoPToP numbers its calls from 0): what matters is
  // whether the server has told us its ID yet.
  return call_id == config_.call_id || (peer_call_id_ && call_id == *peer_call_id_);
}

void Control::finish_closed(std::string reason, bool was_clean) {
  state_ = State::Done;
  step_deadline_.reset();
  echo_sent_.reset();
  fx_.events.push_back(Closed{std::move(reason), was_clean});
}

void Control::fail(FailureCategory category, std::string reason, bool say_goodbye) {
  // A polite StopCCRQ lets the server free the call now rather than when its
  // own keepalive notices; the caller writes it and closes without waiting.
  if (say_goodbye && control_up()) send(StopCcrq{kStopReasonNone});
  state_ = State::Done;
  step_deadline_.reset();
  echo_sent_.reset();
  fx_.events.push_back(Failed{std::move(reason), category});
}

void Control::send_stop(TimePoint now) {
  send(StopCcrq{kStopReasonNone});
  state_ = State::WaitStopCcrp;
  step_deadline_ = now + config_.stop_timeout;
}

Effects Control::start(TimePoint now) {
  if (state_ != State::Idle) return take();
  Sccrq m;
  m.protocol_version = kProtocolVersion;
  m.framing_capabilities = kFramingSyncAsync;
  m.bearer_capabilities = kBearerAnalogDigital;
  m.maximum_channels = kMaxChannels;
  m.firmware_revision = kFirmwareRevision;
  m.hostname = config_.hostname;
  m.vendor = config_.vendor;
  send(std::move(m));
  state_ = State::WaitSccrp;
  step_deadline_ = now + config_.connect_timeout;
  return take();
}

Effects Control::on_bytes(wire::ByteView data, TimePoint now) {
  if (done()) return take();
  framer_.feed(data);
  while (!done()) {
    auto next = framer_.next();
    if (!next) {
      if (next.error().kind == wire::ErrorKind::Ignore) {
        fx_.notes.push_back(next.error().reason);
        continue;
      }
      fail(FailureCategory::ProtocolError, next.error().reason, false);
      break;
    }
    if (!next.value()) break;
    const Message& m = *next.value();
    fx_.trace.push_back({Direction::Received, m});
    // Any message proves the server is alive, which is all our echo asks.
    last_received_ = now;
    echo_sent_.reset();
    handle(m, now);
  }
  return take();
}

void Control::handle(const Message& m, TimePoint now) {
  // Messages that mean the same whatever state the call is in.
  if (const auto* echo = std::get_if<EchoRequest>(&m)) {
    send(EchoReply{echo->identifier, kResultOk, 0});
    return;
  }
  if (std::holds_alternative<EchoReply>(m)) return;  // liveness already noted
  if (const auto* stop = std::get_if<StopCcrq>(&m)) {
    on_peer_stop(*stop);
    return;
  }
  if (const auto* icrq = std::get_if<Icrq>(&m)) {
    // We only ever place calls; an incoming call is declined, not fatal.
    send(Icrp{0, icrq->call_id, kIcrpDoNotAccept, 0, 0, 0});
    return;
  }
  // SLI carries async ACCMs that mean nothing over GRE; WEN is statistics.
  // Both are in the trace for --debug and otherwise ignored.
  if (std::holds_alternative<Sli>(m) || std::holds_alternative<Wen>(m)) return;

  switch (state_) {
    case State::Idle: break;
    case State::WaitSccrp:
      if (const auto* sccrp = std::get_if<Sccrp>(&m)) return on_sccrp(*sccrp, now);
      break;
    case State::WaitOcrp:
      if (const auto* ocrp = std::get_if<Ocrp>(&m)) return on_ocrp(*ocrp, now);
      if (const auto* cdn = std::get_if<Cdn>(&m)) return on_cdn(*cdn, now);
      break;
    case State::Established:
      if (const auto* cdn = std::get_if<Cdn>(&m)) return on_cdn(*cdn, now);
      break;
    case State::WaitCdn:
      if (const auto* cdn = std::get_if<Cdn>(&m)) return on_cdn(*cdn, now);
      if (const auto* ocrp = std::get_if<Ocrp>(&m)) {
        // The answer to a call we hung up on before it connected: nothing to
        // report, but its call ID may be what the coming CDN names.
        if (ocrp->peer_call_id == config_.call_id) peer_call_id_ = ocrp->call_id;
        return;
      }
      break;
    case State::WaitStopCcrp:
      if (const auto* reply = std::get_if<StopCcrp>(&m)) {
        (void)reply;  // its result changes nothing: either way the connection is gone
        return finish_closed(close_reason_, true);
      }
      // On the way out, stragglers (a late CDN, an OCRP) do no harm.
      return;
    case State::Done: return;
  }
  unexpected(m);
}

void Control::unexpected(const Message& m) {
  fail(FailureCategory::ProtocolError,
       "server sent an unexpected " + std::string(name(control_type(m))) + " " + while_text(state_), true);
}

void Control::on_sccrp(const Sccrp& m, TimePoint now) {
  // Result 0 is not in the RFC, but some modems send it for success.
  if (m.result != 1 && m.result != 0) {
    return fail(FailureCategory::ControlRefused, control_refused_sentence(m.result, m.error), false);
  }
  fx_.events.push_back(ControlEstablished{m.protocol_version, m.firmware_revision, m.hostname, m.vendor});
  Ocrq call;
  call.call_id = config_.call_id;
  call.call_serial = config_.call_serial;
  call.minimum_bps = kMinBps;
  call.maximum_bps = kMaxBps;
  call.bearer_type = kBearerAnalogDigital;
  call.framing_type = kFramingSyncAsync;
  call.receive_window = config_.receive_window;
  call.processing_delay = 0;
  call.phone_number = config_.phone_number;
  send(std::move(call));
  state_ = State::WaitOcrp;
  step_deadline_ = now + config_.call_timeout;
}

void Control::on_ocrp(const Ocrp& m, TimePoint now) {
  if (m.peer_call_id != config_.call_id) {
    return fail(FailureCategory::ProtocolError,
                "server answered a call we did not place (its OCRP names call " + wire::hex16(m.peer_call_id) +
                    ", ours is " + wire::hex16(config_.call_id) + ")",
                true);
  }
  if (m.result != 1) {
    return fail(FailureCategory::CallRefused, call_refused_sentence(m.result, m.error, m.cause_code), true);
  }
  peer_call_id_ = m.call_id;
  call_up_ = true;
  state_ = State::Established;
  step_deadline_.reset();
  last_received_ = now;
  fx_.events.push_back(CallEstablished{config_.call_id, m.call_id, m.connect_speed, m.receive_window,
                                       m.processing_delay});
}

void Control::on_cdn(const Cdn& m, TimePoint now) {
  if (!is_our_call(m.call_id)) {
    fx_.notes.push_back("ignored a CDN for call " + wire::hex16(m.call_id) + ", which is not ours");
    return;
  }
  const std::string sentence = call_disconnected_sentence(m.result, m.error, m.cause_code);
  switch (state_) {
    case State::WaitOcrp:
      // A CDN instead of an OCRP: the call never came up.
      return fail(FailureCategory::CallRefused, sentence, true);
    case State::Established:
      fx_.events.push_back(CallDisconnected{sentence});
      close_reason_ = sentence;
      break;
    case State::WaitCdn:
      if (call_up_) fx_.events.push_back(CallDisconnected{"call cleared at our request"});
      break;
    case State::Idle:
    case State::WaitSccrp:
    case State::WaitStopCcrp:
    case State::Done: return;  // handle() never routes a CDN here
  }
  call_up_ = false;
  send_stop(now);
}

void Control::on_peer_stop(const StopCcrq& m) {
  send(StopCcrp{kResultOk, 0});
  const std::string sentence = control_stopped_sentence(m.reason);
  switch (state_) {
    case State::Idle:
    case State::WaitSccrp:
    case State::WaitOcrp:
      // Stopped before the call came up: for the user that is a failure.
      return fail(FailureCategory::PeerClosed, sentence, false);
    case State::Established:
    case State::WaitCdn:
      if (call_up_) fx_.events.push_back(CallDisconnected{sentence});
      call_up_ = false;
      return finish_closed(state_ == State::WaitCdn ? close_reason_ : sentence, true);
    case State::WaitStopCcrp:
      // Both sides asked to stop at once; answering completes it.
      return finish_closed(close_reason_, true);
    case State::Done: return;
  }
}

Effects Control::on_timer(TimePoint now) {
  const auto due = deadline();
  if (!due || now < *due) return take();
  switch (state_) {
    case State::Idle:
    case State::Done: break;
    case State::WaitSccrp:
      fail(FailureCategory::Timeout,
           "server did not answer the control connection request within " + seconds(config_.connect_timeout),
           false);
      break;
    case State::WaitOcrp:
      fail(FailureCategory::Timeout, "server did not answer the call request within " + seconds(config_.call_timeout),
           true);
      break;
    case State::Established:
      if (echo_sent_) {
        fail(FailureCategory::Timeout, "server stopped answering keepalives", false);
      } else {
        send(EchoRequest{next_echo_id_++});
        echo_sent_ = now;
      }
      break;
    case State::WaitCdn:
      // The server never confirmed; close the control connection anyway,
      // which clears every call on it (RFC 2637 section 2.3).
      if (call_up_) {
        fx_.events.push_back(CallDisconnected{"call cleared; the server did not confirm within " +
                                              seconds(config_.stop_timeout)});
      }
      call_up_ = false;
      send_stop(now);
      break;
    case State::WaitStopCcrp:
      finish_closed(close_reason_ + "; the server did not answer the stop request within " +
                        seconds(config_.stop_timeout),
                    false);
      break;
  }
  return take();
}

Effects Control::on_eof(TimePoint /*now*/) {
  switch (state_) {
    case State::Done: break;
    case State::WaitStopCcrp:
      // Many servers close TCP as their answer to StopCCRQ.
      finish_closed(close_reason_, true);
      break;
    case State::Idle:
    case State::WaitSccrp:
    case State::WaitOcrp:
    case State::Established:
    case State::WaitCdn: {
      std::string reason = "server closed the TCP connection " + while_text(state_);
      if (framer_.buffered() > 0) {
        reason += " (in the middle of a message, " + std::to_string(framer_.buffered()) + " bytes received)";
      }
      fail(FailureCategory::PeerClosed, std::move(reason), false);
      break;
    }
  }
  return take();
}

Effects Control::hangup(TimePoint now) {
  switch (state_) {
    case State::Idle: finish_closed("hung up before connecting", true); break;
    case State::WaitSccrp:
      // The server may already hold a half-open control connection that it
      // will drop when TCP closes.
      finish_closed("hung up before the control connection was up", false);
      break;
    case State::WaitOcrp:
    case State::Established:
      // CCRQ clears a call in any state, including one still being placed.
      send(Ccrq{config_.call_id});
      close_reason_ = "hung up";
      state_ = State::WaitCdn;
      step_deadline_ = now + config_.stop_timeout;
      echo_sent_.reset();
      break;
    case State::WaitCdn:
    case State::WaitStopCcrp:
    case State::Done: break;  // already on the way out
  }
  return take();
}

}  // namespace pptp
