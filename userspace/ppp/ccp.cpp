#include "ppp/ccp.hpp"

#include <string_view>

namespace ppp {

std::array<std::uint8_t, 6> MppeMode::option_bytes() const {
  return {ccp_option::Mppe,
          6,
          static_cast<std::uint8_t>(bits >> 24),
          static_cast<std::uint8_t>(bits >> 16),
          static_cast<std::uint8_t>(bits >> 8),
          static_cast<std::uint8_t>(bits)};
}

namespace {

std::uint32_t strongest(std::uint32_t strengths) {
  if (strengths & mppe_bit::S) return mppe_bit::S;
  if (strengths & mppe_bit::M) return mppe_bit::M;
  if (strengths & mppe_bit::L) return mppe_bit::L;
  return 0;
}

// "128-bit", "40/128-bit", "no"
std::string strengths_text(std::uint32_t bits) {
  std::string s;
  auto add = [&](std::uint32_t bit, std::string_view name) {
    if (!(bits & bit)) return;
    if (!s.empty()) s += "/";
    s += name;
  };
  add(mppe_bit::L, "40");
  add(mppe_bit::M, "56");
  add(mppe_bit::S, "128");
  return s.empty() ? "no key strength" : s + "-bit";
}

wire::Bytes be32(std::uint32_t v) {
  wire::Writer w;
  w.u32(v);
  return w.take();
}

}  // namespace

Ccp::Ccp(CcpConfig config) : config_(config), fsm_(proto::CCP, "CCP", *this, config_.limits) {
  config_.allowed &= mppe_bit::Strengths;
  reset();
}

std::uint32_t Ccp::preferred() const {
  const bool stateful = config_.request_stateful && config_.allow_stateful;
  return (stateful ? 0u : mppe_bit::H) | strongest(config_.allowed);
}

wire::Error Ccp::refuse(CcpFailure::Kind kind, std::string reason) {
  failure_ = CcpFailure{kind, reason};
  return wire::Error::fatal(std::move(reason));
}

// ---- driver --------------------------------------------------------------

Output Ccp::finish(Output out) {
  for (const auto& e : out.events) {
    if (e.kind == LayerEvent::Kind::Down || e.kind == LayerEvent::Kind::Finished) {
      reset_pending_ = false;
      reset_deadline_.reset();
    }
  }
  out.deadline = fsm_.deadline();
  if (reset_deadline_ && (!out.deadline || *reset_deadline_ < *out.deadline)) out.deadline = reset_deadline_;
  return out;
}

Output Ccp::up(TimePoint now) { return finish(fsm_.up(now)); }
Output Ccp::down(TimePoint now) { return finish(fsm_.down(now)); }
Output Ccp::close(TimePoint now, std::string reason) { return finish(fsm_.close(now, std::move(reason))); }

Output Ccp::open(TimePoint now) {
  failure_.reset();
  return finish(fsm_.open(now));
}

Output Ccp::receive(wire::ByteView packet, TimePoint now) {
  Output out;
  auto p = decode_packet(packet);
  const bool term_req = p && p->code == code::TermReq;
  const State before = fsm_.state();
  fsm_.receive(packet, now, out);
  // A server that terminates CCP will not encrypt; with MPPE required there is
  // nothing left to negotiate.
  if (term_req && config_.required && before != State::Closed && before != State::Stopped &&
      before != State::Closing && before != State::Stopping) {
    auto reason = refuse(CcpFailure::Kind::ServerRefused, "CCP: the server refused MPPE (it terminated CCP)").reason;
    out.events.push_back({LayerEvent::Kind::Failed, reason, 0});
    if (fsm_.state() != State::Stopping) fsm_.close(now, std::move(reason), out);
  }
  return finish(std::move(out));
}

Output Ccp::protocol_rejected(TimePoint now) {
  Output out;
  auto reason = refuse(CcpFailure::Kind::ServerRefused,
                       "CCP: the server refused MPPE (it Protocol-Rejected CCP)").reason;
  fsm_.rxj(true, std::move(reason), now, out);
  return finish(std::move(out));
}

Output Ccp::request_reset(TimePoint now) {
  Output out;
  if (fsm_.state() != State::Opened) {
    out.discarded = "CCP: Reset-Request only when CCP is open";
  } else if (!reset_pending_) {
    reset_pending_ = true;
    reset_id_ = fsm_.next_id();
    reset_tries_ = 1;
    fsm_.send(out, code::ResetReq, reset_id_, {});
    reset_deadline_ = now + config_.reset_timeout;
  }
  return finish(std::move(out));
}

Output Ccp::timeout(TimePoint now) {
  Output out;
  const bool fsm_due = fsm_.deadline() && now >= *fsm_.deadline();
  const bool reset_due = reset_deadline_ && now >= *reset_deadline_;
  if (fsm_due) fsm_.timeout(now, out);
  if (reset_due) {
    reset_deadline_.reset();
    if (reset_pending_ && fsm_.state() == State::Opened && reset_tries_ < config_.max_reset_tries) {
      ++reset_tries_;
      fsm_.send(out, code::ResetReq, reset_id_, {});
      reset_deadline_ = now + config_.reset_timeout;
    } else {
      // Give up quietly: the next undecryptable frame asks again.
      reset_pending_ = false;
    }
  }
  if (!fsm_due && !reset_due) out.discarded = "CCP: no timer due";
  return finish(std::move(out));
}

// ---- options policy ------------------------------------------------------

void Ccp::reset() {
  ask_ = config_.allowed != 0;
  want_ = preferred();
}

void Ccp::write_request(wire::Writer& w) {
  if (ask_) write_option(w, ccp_option::Mppe, be32(want_));
}

wire::Result<wire::Unit> Ccp::review(std::span<const Option> options, bool reject_if_disagree, Review& review) {
  peer_mode_.reset();
  refusal_.clear();
  bool offered_mppe = false;
  for (const auto& o : options) {
    if (o.type != ccp_option::Mppe || o.value.size() != 4 || config_.allowed == 0) {
      review.reject(o);  // Deflate, BSD, Predictor, malformed MPPE, or MPPE switched off
      continue;
    }
    offered_mppe = true;
    const auto offered = option_u32(o);
    std::uint32_t strength = strongest(offered & config_.allowed);
    if (strength == 0) {
      strength = strongest(config_.allowed);
      refusal_ = "CCP: we refused the server's offer: it offers " + strengths_text(offered) +
                 " MPPE and this profile allows only " + strengths_text(config_.allowed) + " (allow " +
                 strengths_text(offered & mppe_bit::Strengths) + " MPPE in the profile to accept it)";
    }
    std::uint32_t h = mppe_bit::H;
    if (!(offered & mppe_bit::H)) {
      if (config_.allow_stateful) {
        h = 0;
      } else {
        if (!refusal_.empty()) refusal_ += "; also, ";
        else refusal_ = "CCP: we refused the server's offer: ";
        refusal_ += "it offers only stateful MPPE and this profile requires stateless (allow stateful MPPE in "
                    "the profile to accept it)";
      }
    }
    const std::uint32_t proposal = h | strength;  // drops C, D and unknown bits
    if (proposal == offered) {
      peer_mode_ = MppeMode{proposal};
      continue;
    }
    if (reject_if_disagree && config_.required) {
      if (refusal_.empty()) refusal_ = "CCP: the server keeps offering MPPE options we do not accept";
      return refuse(CcpFailure::Kind::WeRefused, refusal_);
    }
    review.nak(o, be32(proposal));
  }
  if (!offered_mppe && config_.required && config_.allowed != 0) {
    if (reject_if_disagree)
      return refuse(CcpFailure::Kind::ServerRefused,
                    "CCP: the server refused MPPE (it does not offer to encrypt what it sends)");
    review.hint(ccp_option::Mppe, be32(preferred()));
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Ccp::apply_nak(std::span<const Option> options) {
  for (const auto& o : options) {
    if (o.type != ccp_option::Mppe || o.value.size() != 4 || !ask_) continue;  // hints for other compressors
    const auto suggested = option_u32(o);
    const auto strength = strongest(suggested & config_.allowed);
    if (strength == 0)
      return refuse(CcpFailure::Kind::WeRefused,
                    "CCP: we refused the server's offer: it wants " + strengths_text(suggested) +
                        " MPPE and this profile allows only " + strengths_text(config_.allowed) + " (allow " +
                        strengths_text(suggested & mppe_bit::Strengths) + " MPPE in the profile to accept it)");
    std::uint32_t h = mppe_bit::H;
    if (!(suggested & mppe_bit::H)) {
      if (!config_.allow_stateful)
        return refuse(CcpFailure::Kind::WeRefused,
                      "CCP: we refused the server's offer: it wants stateful MPPE and this profile requires "
                      "stateless (allow stateful MPPE in the profile to accept it)");
      h = 0;
    }
    want_ = h | strength;
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Ccp::apply_reject(std::span<const Option> options) {
  for (const auto& o : options) {
    if (o.type != ccp_option::Mppe) continue;
    ask_ = false;
    if (config_.required)
      return refuse(CcpFailure::Kind::ServerRefused, "CCP: the server refused MPPE (it rejected our MPPE request)");
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Ccp::check_opened() {
  outcome_ = {};
  if (ask_) outcome_.rx = MppeMode{want_};
  outcome_.tx = peer_mode_;
  if (!config_.required || (outcome_.rx && outcome_.tx)) return wire::Unit{};
  if (!outcome_.rx)
    return refuse(CcpFailure::Kind::ServerRefused, "CCP: the server refused MPPE (we could not ask for it)");
  if (!refusal_.empty()) return refuse(CcpFailure::Kind::WeRefused, refusal_);
  return refuse(CcpFailure::Kind::ServerRefused,
                "CCP: the server refused MPPE (it does not offer to encrypt what it sends)");
}

bool Ccp::extra(Fsm& fsm, const Packet& p, TimePoint, Output& out) {
  switch (p.code) {
    case code::ResetReq:
      if (fsm.state() != State::Opened) {
        out.discarded = "CCP: Reset-Request while not open";
        return true;
      }
      // Written to the unit fd, this Ack is also what resets the kernel's sender.
      fsm.send(out, code::ResetAck, p.id, {});
      return true;
    case code::ResetAck:
      if (reset_pending_ && p.id == reset_id_) {
        reset_pending_ = false;
        reset_deadline_.reset();
      } else {
        out.discarded = "CCP: Reset-Ack we did not ask for";
      }
      return true;
    default:  // a byte from the wire
      return false;
  }
}

}  // namespace ppp
