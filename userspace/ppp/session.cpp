#include "ppp/session.hpp"

#include "ppp/describe.hpp"


namespace ppp {

namespace ev = session_event;

std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::NoAnswer: return "no-answer";
    case FailureKind::LcpFailed: return "lcp-failed";
    case FailureKind::WrongPassword: return "wrong-password";
    case FailureKind::AuthRefused: return "auth-refused";
    case FailureKind::Impostor: return "impostor";
    case FailureKind::AuthProtocol: return "auth-protocol";
    case FailureKind::MppeServerRefused: return "mppe-server-refused";
    case FailureKind::MppeWeRefused: return "mppe-we-refused";
    case FailureKind::IpcpFailed: return "ipcp-failed";
    case FailureKind::PeerTerminated: return "peer-terminated";
    case FailureKind::LinkDead: return "link-dead";
    case FailureKind::MppeLostSync: return "mppe-lost-sync";
  }
  return "unknown";
}

namespace {

FailureKind from_auth(auth::FailureCategory c) {
  switch (c) {
    case auth::FailureCategory::WrongPassword: return FailureKind::WrongPassword;
    case auth::FailureCategory::AccountRestricted:
    case auth::FailureCategory::PasswordExpired:
    case auth::FailureCategory::Rejected: return FailureKind::AuthRefused;
    case auth::FailureCategory::Impostor: return FailureKind::Impostor;
    case auth::FailureCategory::ProtocolError:
    case auth::FailureCategory::Timeout: return FailureKind::AuthProtocol;
  }
  return FailureKind::AuthProtocol;
}

bool gives_keys(AuthProtocol a) { return a == AuthProtocol::MsChapV2 || a == AuthProtocol::MsChapV1; }

bool due(const std::optional<TimePoint>& t, TimePoint now) { return t && *t <= now; }

// Noise that happens to decode as a frame of an unknown protocol: a few are
// chance, a run of them means the keys no longer agree.
constexpr unsigned kMaxGarbageFrames = 5;

}  // namespace

Session::Session(SessionConfig config)
    : config_(std::move(config)), lcp_(config_.lcp), ccp_(config_.ccp), ipcp_(config_.ipcp) {}

void Session::absorb(Output& layer, std::optional<TimePoint>& timer, SessionOutput& out) {
  for (auto& f : layer.frames) out.frames.push_back(std::move(f));
  if (!layer.discarded.empty()) out.notes.push_back(std::move(layer.discarded));
  timer = layer.deadline;
}

SessionOutput Session::start(TimePoint now) {
  SessionOutput out;
  phase_ = Phase::Establish;
  on_lcp(lcp_.up(now), now, out);
  on_lcp(lcp_.open(now), now, out);
  finish(out);
  return out;
}

SessionOutput Session::receive(wire::ByteView bytes, TimePoint now) {
  SessionOutput out;
  auto frame = decode_frame(bytes);
  if (!frame) {
    out.notes.push_back("dropped a malformed frame: " + frame.error().reason);
    finish(out);
    return out;
  }
  const bool network = phase_ == Phase::Network || phase_ == Phase::Running;
  switch (frame->protocol) {
    case proto::LCP:
      lcp_heard_ = true;
      if (!frame->payload.empty() && frame->payload[0] >= code::ConfAck && frame->payload[0] <= code::ConfRej)
        lcp_answered_ = true;
      on_lcp(lcp_.receive(frame->payload, now), now, out);
      break;
    case proto::PAP:
    case proto::CHAP:
      if (auth_ && auth::ppp_protocol(auth_->protocol()) == frame->protocol)
        on_auth(auth_->on_packet(frame->payload, now), now, out);
      else
        out.notes.push_back("dropped " + protocol_name(frame->protocol) + ": not the agreed authentication");
      break;
    case proto::CCP:
    case proto::IPCP:
    case proto::CompressedData:
      // RFC 1661: NCP packets before the network phase are silently discarded.
      if (!network) {
        out.notes.push_back("dropped " + protocol_name(frame->protocol) + " before the network phase");
      } else if (frame->protocol == proto::CCP) {
        on_ccp(ccp_.receive(frame->payload, now), now, out);
      } else if (frame->protocol == proto::IPCP) {
        if (ipcp_started_) {
          on_ipcp(ipcp_.receive(frame->payload, now), now, out);
        } else {
          early_ipcp_ = wire::Bytes(frame->payload.begin(), frame->payload.end());
          out.notes.push_back("held the server's IPCP packet until MPPE is up");
        }
      } else {
        // The kernel could not decrypt: ask the server to reset its state.
        on_ccp(ccp_.request_reset(now), now, out);
      }
      break;
    default:
      if (network && ccp_up_ && ccp_.outcome().rx && !ccp_.outcome().rx->stateless() &&
          !valid_protocol(frame->protocol)) {
        // Stateful MPPE has no integrity check: once a flushed packet is lost
        // the kernel decrypts with the wrong key and hands us noise. Linux
        // rekeys on every flushed packet, so no Reset-Request can mend it,
        // and rejecting noise would only confuse the server.
        if (++garbage_frames_ >= kMaxGarbageFrames)
          fail(FailureKind::MppeLostSync,
               "stateful MPPE lost key sync after packet loss (the kernel cannot resynchronise it); reconnect, or "
               "use stateless MPPE (mppe.stateful false) on lossy paths",
               now, out);
        else
          out.notes.push_back("dropped an undecryptable frame (protocol " + protocol_name(frame->protocol) + ")");
      } else if (lcp_.state() == State::Opened) {
        on_lcp(lcp_.reject_protocol(frame->protocol, frame->payload, now), now, out);
      } else {
        out.notes.push_back("dropped " + protocol_name(frame->protocol) + " before LCP is open");
      }
      break;
  }
  finish(out);
  return out;
}

SessionOutput Session::timeout(TimePoint now) {
  SessionOutput out;
  if (due(lcp_timer_, now)) on_lcp(lcp_.timeout(now), now, out);
  if (due(ccp_timer_, now)) on_ccp(ccp_.timeout(now), now, out);
  if (due(ipcp_timer_, now)) on_ipcp(ipcp_.timeout(now), now, out);
  if (due(auth_timer_, now) && auth_) on_auth(auth_->on_timeout(now), now, out);
  if (due(auth_deadline_, now) && phase_ == Phase::Authenticate) {
    fail(FailureKind::AuthProtocol, "the server did not finish authentication in time", now, out);
  }
  if (due(network_deadline_, now) && phase_ == Phase::Network) {
    if (!ipcp_up_)
      fail(FailureKind::IpcpFailed, "the server did not agree on an IP address in time (IPCP)", now, out);
    else
      fail(FailureKind::MppeServerRefused, "the server did not complete MPPE negotiation in time (CCP)", now, out);
  }
  finish(out);
  return out;
}

SessionOutput Session::network_ready(TimePoint now) {
  SessionOutput out;
  if (phase_ != Phase::WaitUnit) {
    finish(out);
    return out;
  }
  phase_ = Phase::Network;
  network_deadline_ = now + config_.network_timeout;
  if (keys_) {
    on_ccp(ccp_.up(now), now, out);
    on_ccp(ccp_.open(now), now, out);
  } else {
    // No keys, no MPPE: only reachable when the profile does not require it.
    ccp_given_up_ = true;
  }
  // With MPPE required, IPCP waits for CCP (as pppd does): the server starts
  // IPCP only once its MPPE runs, so an earlier request of ours is TermAck'd
  // and costs a 3 s restart timeout, and it would go out in the clear.
  if (!keys_ || !config_.ccp.required) start_ipcp(now, out);
  finish(out);
  return out;
}

void Session::start_ipcp(TimePoint now, SessionOutput& out) {
  if (ipcp_started_) return;
  ipcp_started_ = true;
  on_ipcp(ipcp_.up(now), now, out);
  on_ipcp(ipcp_.open(now), now, out);
  // The server's IPCP may have come before our CCP was up: answer it now
  // rather than wait for its retransmission.
  if (early_ipcp_) {
    auto packet = std::move(*early_ipcp_);
    early_ipcp_.reset();
    on_ipcp(ipcp_.receive(packet, now), now, out);
  }
}

SessionOutput Session::close(TimePoint now, std::string reason) {
  SessionOutput out;
  if (phase_ == Phase::Dead) {
    out.events.emplace_back(ev::Closed{std::move(reason)});
  } else if (phase_ != Phase::Terminate) {
    phase_ = Phase::Terminate;
    close_reason_ = reason;
    // Their phases are over: left armed they would fire forever.
    auth_deadline_.reset();
    network_deadline_.reset();
    on_lcp(lcp_.close(now, std::move(reason)), now, out);
  }
  finish(out);
  return out;
}

void Session::on_lcp(Output&& o, TimePoint now, SessionOutput& out) {
  absorb(o, lcp_timer_, out);
  for (auto& e : o.events) {
    switch (e.kind) {
      case LayerEvent::Kind::Up: {
        if (phase_ != Phase::Establish) break;
        out.events.emplace_back(ev::LinkEstablished{lcp_.outcome()});
        auto wanted = lcp_.outcome().auth;
        if (!wanted) {
          if (config_.ccp.required) {
            fail(FailureKind::AuthProtocol,
                 "the server asked for no authentication, so there are no keys for the MPPE the profile requires",
                 now, out);
            break;
          }
          out.events.emplace_back(ev::Authenticated{});
          phase_ = Phase::WaitUnit;
          out.events.emplace_back(ev::NetworkPhase{});
          break;
        }
        if (config_.ccp.required && !gives_keys(*wanted)) {
          // Refuse before the password goes out under a protocol without keys.
          fail(FailureKind::AuthProtocol,
               "the server wants " + std::string(to_string(*wanted)) +
                   ", which gives no MPPE keys, and the profile requires MPPE",
               now, out);
          break;
        }
        auto machine = auth::make_authenticator(*wanted, config_.credentials);
        if (!machine) {
          fail(FailureKind::AuthProtocol, machine.error().reason, now, out);
          break;
        }
        auth_ = std::move(machine.value());
        phase_ = Phase::Authenticate;
        auth_deadline_ = now + config_.auth_timeout;
        on_auth(auth_->start(now), now, out);
        break;
      }
      case LayerEvent::Kind::Down:
        if (phase_ != Phase::Terminate && !failed_)
          fail(FailureKind::PeerTerminated, "the server closed the link", now, out);
        break;
      case LayerEvent::Kind::Failed:
      case LayerEvent::Kind::Finished:
        if (e.kind == LayerEvent::Kind::Finished && phase_ == Phase::Terminate) {
          out.events.emplace_back(ev::Closed{failed_ ? std::string() : close_reason_});
          phase_ = Phase::Dead;
        } else if (!failed_) {
          // Configure-Requests that time out end in Finished, a policy's
          // refusal or dead keepalives in Failed: say which it was.
          if (!lcp_answered_) {
            fail(FailureKind::NoAnswer, no_answer_reason(), now, out);
          } else if (up_sent_) {
            fail(e.kind == LayerEvent::Kind::Failed ? FailureKind::LinkDead : FailureKind::PeerTerminated,
                 e.reason.empty() ? "the server ended the link" : e.reason, now, out);
          } else {
            fail(FailureKind::LcpFailed, e.reason.empty() ? "LCP negotiation failed" : e.reason, now, out);
          }
        }
        break;
      case LayerEvent::Kind::ProtocolRejected:
        if (e.protocol == proto::CCP) {
          on_ccp(ccp_.protocol_rejected(now), now, out);
        } else if (e.protocol == proto::IPCP) {
          fail(FailureKind::IpcpFailed, "the server does not run IPCP (Protocol-Reject)", now, out);
        }
        break;
      case LayerEvent::Kind::Started:
        break;
    }
  }
}

std::string Session::no_answer_reason() const {
  if (lcp_heard_)
    return "the server's PPP packets arrive but ours never reach it: GRE (IP protocol 47) is blocked on the way to "
           "the server";
  return "no PPP packet from the server arrives: GRE (IP protocol 47) is blocked between the server and here";
}

void Session::on_auth(auth::AuthOutput&& o, TimePoint now, SessionOutput& out) {
  if (!auth_) return;
  const auto protocol = auth::ppp_protocol(auth_->protocol());
  for (auto& payload : o.send) out.frames.push_back(encode_frame(protocol, payload));
  if (!o.dropped.empty()) out.notes.push_back(std::move(o.dropped));
  auth_timer_ = o.deadline;
  if (!o.event || phase_ != Phase::Authenticate) return;
  if (auto* ok = std::get_if<auth::AuthSucceeded>(&*o.event)) {
    keys_ = ok->keys;
    auth_deadline_.reset();
    out.events.emplace_back(ev::Authenticated{auth_->protocol(), keys_, ok->message});
    phase_ = Phase::WaitUnit;
    std::optional<MppeMode> hint;
    if (keys_) {
      const auto strongest = (config_.ccp.allowed & mppe_bit::S)   ? mppe_bit::S
                             : (config_.ccp.allowed & mppe_bit::M) ? mppe_bit::M
                                                                   : mppe_bit::L;
      const bool stateful = config_.ccp.request_stateful && config_.ccp.allow_stateful;
      hint = MppeMode{(stateful ? 0u : mppe_bit::H) | strongest};
    }
    out.events.emplace_back(ev::NetworkPhase{keys_, hint});
  } else {
    const auto& bad = std::get<auth::AuthFailed>(*o.event);
    fail(from_auth(bad.category), bad.reason, now, out);
  }
}

void Session::on_ccp(Output&& o, TimePoint now, SessionOutput& out) {
  absorb(o, ccp_timer_, out);
  for (auto& e : o.events) {
    switch (e.kind) {
      case LayerEvent::Kind::Up:
        ccp_up_ = true;
        out.events.emplace_back(ev::MppeUp{ccp_.outcome()});
        start_ipcp(now, out);
        maybe_up(out);
        break;
      case LayerEvent::Kind::Down:
        // A renegotiation turns the kernel's transmit encryption off until it
        // completes: never carry traffic through that window.
        if (ccp_up_ && !failed_ && phase_ != Phase::Terminate)
          fail(FailureKind::MppeServerRefused, "the server renegotiated MPPE; the link is closed rather than risk "
               "clear text", now, out);
        ccp_up_ = false;
        break;
      case LayerEvent::Kind::Failed: {
        const auto& f = ccp_.failure();
        const bool we = f && f->kind == CcpFailure::Kind::WeRefused;
        const std::string reason = f ? f->reason : e.reason;
        if (config_.ccp.required) {
          fail(we ? FailureKind::MppeWeRefused : FailureKind::MppeServerRefused, reason, now, out);
        } else {
          ccp_given_up_ = true;
          out.notes.push_back("continuing without MPPE: " + reason);
          start_ipcp(now, out);
          maybe_up(out);
        }
        break;
      }
      case LayerEvent::Kind::Started:
      case LayerEvent::Kind::Finished:
      case LayerEvent::Kind::ProtocolRejected:
        break;
    }
  }
}

void Session::on_ipcp(Output&& o, TimePoint now, SessionOutput& out) {
  absorb(o, ipcp_timer_, out);
  for (auto& e : o.events) {
    switch (e.kind) {
      case LayerEvent::Kind::Up:
        ipcp_up_ = true;
        maybe_up(out);
        break;
      case LayerEvent::Kind::Down:
        if (ipcp_up_ && !failed_ && phase_ != Phase::Terminate)
          fail(FailureKind::PeerTerminated, "the server closed IPCP", now, out);
        ipcp_up_ = false;
        break;
      case LayerEvent::Kind::Failed:
        fail(FailureKind::IpcpFailed, e.reason, now, out);
        break;
      case LayerEvent::Kind::Started:
      case LayerEvent::Kind::Finished:
      case LayerEvent::Kind::ProtocolRejected:
        break;
    }
  }
}

void Session::maybe_up(SessionOutput& out) {
  if (up_sent_ || failed_ || !ipcp_up_ || !(ccp_up_ || ccp_given_up_)) return;
  up_sent_ = true;
  phase_ = Phase::Running;
  network_deadline_.reset();
  std::optional<CcpOutcome> mppe;
  if (ccp_up_) mppe = ccp_.outcome();
  out.events.emplace_back(ev::Up{ipcp_.outcome(), mppe, lcp_.outcome().peer_mru});
}

void Session::fail(FailureKind kind, std::string reason, TimePoint now, SessionOutput& out) {
  if (failed_) return;
  failed_ = true;
  out.events.emplace_back(ev::Failed{kind, reason});
  auth_deadline_.reset();
  network_deadline_.reset();
  if (phase_ == Phase::Dead || phase_ == Phase::Terminate) return;
  phase_ = Phase::Terminate;
  close_reason_ = reason;
  on_lcp(lcp_.close(now, std::move(reason)), now, out);
}

void Session::finish(SessionOutput& out) const {
  std::optional<TimePoint> earliest;
  for (const auto& t : {lcp_timer_, ccp_timer_, ipcp_timer_, auth_timer_, auth_deadline_, network_deadline_}) {
    if (t && (!earliest || *t < *earliest)) earliest = t;
  }
  out.deadline = earliest;
}

}  // namespace ppp
