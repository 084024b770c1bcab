#include "ppp/lcp.hpp"

#include <algorithm>

#include "wire/hex.hpp"

namespace ppp {

std::string_view to_string(AuthProtocol a) {
  switch (a) {
    case AuthProtocol::MsChapV2: return "mschap-v2";
    case AuthProtocol::MsChapV1: return "mschap-v1";
    case AuthProtocol::ChapMd5: return "chap-md5";
    case AuthProtocol::Pap: return "pap";
  }
  return "?";
}

namespace {

std::optional<AuthProtocol> parse_auth(const Option& o) {
  wire::Reader r(o.value);
  const auto protocol = r.u16();
  if (!r.ok()) return std::nullopt;
  if (protocol == proto::PAP && r.empty()) return AuthProtocol::Pap;
  if (protocol != proto::CHAP || r.remaining() != 1) return std::nullopt;
  switch (r.u8()) {
    case chap_algorithm::MsChapV2: return AuthProtocol::MsChapV2;
    case chap_algorithm::MsChapV1: return AuthProtocol::MsChapV1;
    case chap_algorithm::Md5: return AuthProtocol::ChapMd5;
    default: return std::nullopt;  // a byte from the wire
  }
}

wire::Bytes auth_value(AuthProtocol a) {
  wire::Writer w;
  switch (a) {
    case AuthProtocol::MsChapV2: w.u16(proto::CHAP).u8(chap_algorithm::MsChapV2); break;
    case AuthProtocol::MsChapV1: w.u16(proto::CHAP).u8(chap_algorithm::MsChapV1); break;
    case AuthProtocol::ChapMd5: w.u16(proto::CHAP).u8(chap_algorithm::Md5); break;
    case AuthProtocol::Pap: w.u16(proto::PAP); break;
  }
  return w.take();
}

wire::Bytes be32(std::uint32_t v) {
  wire::Writer w;
  w.u32(v);
  return w.take();
}

wire::Bytes be16(std::uint16_t v) {
  wire::Writer w;
  w.u16(v);
  return w.take();
}

}  // namespace

wire::Bytes protocol_reject_data(std::uint16_t protocol, wire::ByteView payload, std::uint16_t mru) {
  const std::size_t room = mru > kPacketHeader + 2 ? mru - kPacketHeader - 2 : 0;
  wire::Writer w;
  w.u16(protocol).bytes(payload.first(std::min(payload.size(), room)));
  return w.take();
}

Lcp::Lcp(LcpConfig config)
    : config_(std::move(config)), fsm_(proto::LCP, "LCP", *this, config_.limits), rng_(config_.seed) {
  reset();
}

// splitmix64: the caller supplies the seed, we only spread it.
std::uint32_t Lcp::random_magic() {
  for (;;) {
    rng_ += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = rng_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    const auto v = static_cast<std::uint32_t>((z ^ (z >> 31)) >> 16);
    if (v != 0 && v != magic_ && v != peer_magic_) return v;
  }
}

// ---- driver --------------------------------------------------------------

Output Lcp::finish(Output out, TimePoint now) {
  for (const auto& e : out.events) {
    switch (e.kind) {
      case LayerEvent::Kind::Up:
        echo_pending_ = 0;
        if (echo_enabled_ && config_.echo_interval > Clock::duration::zero())
          echo_deadline_ = now + config_.echo_interval;
        break;
      case LayerEvent::Kind::Down:
      case LayerEvent::Kind::Finished:
        echo_deadline_.reset();
        break;
      case LayerEvent::Kind::Started:
      case LayerEvent::Kind::Failed:
      case LayerEvent::Kind::ProtocolRejected:
        break;
    }
  }
  out.deadline = fsm_.deadline();
  if (echo_deadline_ && (!out.deadline || *echo_deadline_ < *out.deadline)) out.deadline = echo_deadline_;
  return out;
}

Output Lcp::up(TimePoint now) { return finish(fsm_.up(now), now); }
Output Lcp::down(TimePoint now) { return finish(fsm_.down(now), now); }
Output Lcp::open(TimePoint now) { return finish(fsm_.open(now), now); }
Output Lcp::close(TimePoint now, std::string reason) { return finish(fsm_.close(now, std::move(reason)), now); }
Output Lcp::receive(wire::ByteView packet, TimePoint now) { return finish(fsm_.receive(packet, now), now); }

Output Lcp::timeout(TimePoint now) {
  Output out;
  const bool fsm_due = fsm_.deadline() && now >= *fsm_.deadline();
  const bool echo_due = echo_deadline_ && now >= *echo_deadline_;
  if (fsm_due) fsm_.timeout(now, out);
  if (echo_due) echo_timeout(now, out);
  if (!fsm_due && !echo_due) out.discarded = "LCP: no timer due";
  return finish(std::move(out), now);
}

void Lcp::echo_timeout(TimePoint now, Output& out) {
  echo_deadline_.reset();
  if (fsm_.state() != State::Opened) return;
  if (echo_pending_ >= config_.echo_failures) {
    std::string reason = "LCP: the peer did not answer " + std::to_string(echo_pending_) +
                         " echo requests (the link is dead)";
    out.events.push_back({LayerEvent::Kind::Failed, reason, 0});
    fsm_.close(now, std::move(reason), out);
    return;
  }
  fsm_.send(out, code::EchoReq, fsm_.next_id(), be32(outcome_.our_magic));
  ++echo_pending_;
  echo_deadline_ = now + config_.echo_interval;
}

Output Lcp::reject_protocol(std::uint16_t protocol, wire::ByteView payload, TimePoint now) {
  Output out;
  if (fsm_.state() == State::Opened) {
    fsm_.send(out, code::ProtoRej, fsm_.next_id(), protocol_reject_data(protocol, payload, outcome_.peer_mru));
  } else {
    out.discarded = "LCP: Protocol-Reject is only sent when LCP is open";
  }
  return finish(std::move(out), now);
}

// ---- options policy ------------------------------------------------------

void Lcp::reset() {
  want_mru_ = config_.mru;
  want_magic_ = true;
  magic_ = random_magic();
  loops_ = 0;
}

void Lcp::write_request(wire::Writer& w) {
  if (want_mru_ != 0) write_option(w, lcp_option::Mru, be16(want_mru_));
  if (want_magic_) write_option(w, lcp_option::MagicNumber, be32(magic_));
}

void Lcp::review_auth(const Option& o, Review& review) {
  const auto asked = parse_auth(o);
  const auto& allowed = config_.allowed_auth;
  if (asked && std::find(allowed.begin(), allowed.end(), *asked) != allowed.end()) {
    peer_auth_ = asked;
    return;
  }
  // EAP, an unknown CHAP algorithm or one the profile forbids: suggest ours.
  if (allowed.empty()) {
    review.reject(o);
  } else {
    review.nak(o, auth_value(allowed.front()));
  }
}

wire::Result<wire::Unit> Lcp::review(std::span<const Option> options, bool, Review& review) {
  peer_mru_ = 1500;
  peer_magic_ = 0;
  peer_auth_.reset();
  for (const auto& o : options) {
    switch (o.type) {
      case lcp_option::Mru: {
        if (o.value.size() != 2) {
          review.reject(o);
          break;
        }
        const auto mru = option_u16(o);
        if (mru < kMinMru) {
          review.nak(o, be16(kMinMru));
        } else {
          peer_mru_ = mru;
        }
        break;
      }
      case lcp_option::AuthProtocol:
        review_auth(o, review);
        break;
      case lcp_option::MagicNumber: {
        if (o.value.size() != 4) {
          review.reject(o);
          break;
        }
        const auto magic = option_u32(o);
        if (magic != 0 && !(want_magic_ && magic == magic_)) {
          peer_magic_ = magic;
          break;
        }
        if (magic != 0 && ++loops_ >= config_.max_loopback)
          return wire::Error::fatal("LCP: the link is looped back (the peer keeps sending our own magic number)");
        review.nak(o, be32(random_magic()));
        break;
      }
      default:  // ACCM, PFC, ACFC, callback, multilink and anything unknown
        review.reject(o);
        break;
    }
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Lcp::apply_nak(std::span<const Option> options) {
  for (const auto& o : options) {
    if (o.type == lcp_option::Mru && o.value.size() == 2 && want_mru_ != 0) {
      const auto mru = option_u16(o);
      // Take a smaller MRU; for a bigger one stop asking and let the default apply.
      want_mru_ = (mru >= kMinMru && mru <= config_.mru) ? mru : 0;
    } else if (o.type == lcp_option::MagicNumber && want_magic_) {
      // A Nak of our magic means it clashed: choose again, never the suggested value.
      magic_ = random_magic();
    }
    // Hints for options we do not ask for (e.g. ACCM) are ignored.
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Lcp::apply_reject(std::span<const Option> options) {
  for (const auto& o : options) {
    if (o.type == lcp_option::Mru) want_mru_ = 0;
    if (o.type == lcp_option::MagicNumber) {
      want_magic_ = false;
      magic_ = 0;
    }
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Lcp::check_opened() {
  outcome_.our_mru = want_mru_ != 0 ? want_mru_ : 1500;
  outcome_.peer_mru = peer_mru_;
  outcome_.auth = peer_auth_;
  outcome_.our_magic = want_magic_ ? magic_ : 0;
  outcome_.peer_magic = peer_magic_;
  return wire::Unit{};
}

bool Lcp::extra(Fsm& fsm, const Packet& p, TimePoint now, Output& out) {
  switch (p.code) {
    case code::EchoReq:
    case code::EchoReply: {
      if (fsm.state() != State::Opened) {
        out.discarded = "LCP: echo while not open";
        return true;
      }
      wire::Reader r(p.data);
      const auto magic = r.u32();
      if (!r.ok()) {
        out.discarded = "LCP: echo packet without a magic number";
        return true;
      }
      if (outcome_.our_magic != 0 && magic == outcome_.our_magic) {
        out.discarded = "LCP: our own echo came back (the link may be looped)";
        return true;
      }
      if (p.code == code::EchoReply) {
        echo_pending_ = 0;
        return true;
      }
      // Send the request's data back, within the peer's MRU.
      auto rest = r.rest();
      const std::size_t room = outcome_.peer_mru > 8 ? outcome_.peer_mru - 8u : 0;
      wire::Writer w;
      w.u32(outcome_.our_magic).bytes(rest.first(std::min(rest.size(), room)));
      fsm.send(out, code::EchoReply, p.id, w.view());
      return true;
    }
    case code::DiscardReq:
    case 12:  // Identification (RFC 1570): informational
    case 13:  // Time-Remaining (RFC 1570): informational
      return true;
    case code::ProtoRej: {
      wire::Reader r(p.data);
      const auto rejected = r.u16();
      if (!r.ok()) {
        out.discarded = "LCP: Protocol-Reject without a protocol";
        return true;
      }
      if (fsm.state() != State::Opened && rejected != proto::LCP) {
        out.discarded = "LCP: Protocol-Reject while not open";
        return true;
      }
      if (rejected == proto::LCP) {
        fsm.rxj(true, "LCP: the peer rejected LCP itself", now, out);
      } else {
        out.events.push_back({LayerEvent::Kind::ProtocolRejected,
                              "LCP: the peer rejected protocol " + wire::hex16(rejected), rejected});
        fsm.rxj(false, {}, now, out);
      }
      return true;
    }
    default:  // a byte from the wire
      return false;
  }
}

void Lcp::code_rejected(std::uint8_t code) {
  if (code == code::EchoReq) {
    echo_enabled_ = false;
    echo_deadline_.reset();
  }
}

}  // namespace ppp
