#include "datapath/engine.hpp"

#include <algorithm>
#include <cstring>

#include "datapath/gre.hpp"
#include "datapath/mppe.hpp"
#include "datapath/reorder.hpp"
#include "ppp/describe.hpp"
#include "ppp/frame.hpp"

namespace datapath {

namespace {

constexpr std::size_t kOuterIpv4 = 20;        // the kernel adds it on send
constexpr std::size_t kAddressControl = 2;    // FF 03 (RFC 1662 §3.1), always sent
constexpr std::size_t kPppProtocol = 2;       // we never compress it (no PFC)
constexpr std::size_t kMppeHeader = 2;        // RFC 3078 §3: flags and coherency count
constexpr std::size_t kMaxGre = kMaxDatagram - kOuterIpv4;
// Unacknowledged packets that make the acknowledgment go at once: half the
// receive window we announce in the OCRQ.
constexpr std::uint32_t kAckAtOnce = 32;
// Where the PPP protocol field starts in our buffers: after the largest GRE
// header and FF 03.
constexpr std::size_t kFrameAt = kGreMax + kAddressControl;
static_assert(kHeadroom == kGreMax + kAddressControl + kPppProtocol + kMppeHeader + kPppProtocol);

void put_u16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

std::uint16_t get_u16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

}  // namespace

struct Engine::Impl final : ReorderWindow::Sink {
  ~Impl() { forget_keys(); }

  // Start keys live no longer than they are needed (as KeySchedule wipes its own).
  void forget_keys() {
    if (!setup) return;
    ::explicit_bzero(setup->send_start.data(), setup->send_start.size());
    ::explicit_bzero(setup->recv_start.data(), setup->recv_start.size());
    setup.reset();
  }

  explicit Impl(Config c)
      : config(c),
        window(c.reorder_packets, c.reorder_wait),
        buffers((kOutputCalls + 1) * kMaxDatagram) {}

  Config config;
  Counters counters;
  ReorderWindow window;

  // MPPE: keys from set_mppe, state (re)built by mppe_up as comp_init and
  // decomp_init do when the kernel sees CCP's Configure-Acks.
  std::optional<MppeSetup> setup;
  std::optional<MppeSender> tx;
  std::optional<MppeReceiver> rx;
  bool tx_running = false;
  bool rx_running = false;
  // CCP renegotiated or closed while MPPE ran: no IP either way until the
  // session starts MPPE again (the kernel would fall back to clear text).
  bool halted = false;
  bool ip_pass = false;

  std::uint32_t next_seq = 0;  // RFC 2637 §4.1: ours start at 0
  bool ack_owed = false;       // delivered something not acknowledged yet
  std::optional<std::uint32_t> last_acked;
  std::optional<TimePoint> ack_deadline;

  // Our own packets (control frames, stand-alone acks): a ring, so each
  // stays put for kOutputCalls further calls.
  std::vector<std::uint8_t> buffers;
  std::size_t next_buffer = 0;

  // Set around window calls, for deliver().
  Output* out = nullptr;

  MutableBytes own_buffer() {
    auto b = MutableBytes(buffers).subspan(next_buffer * kMaxDatagram, kMaxDatagram);
    next_buffer = (next_buffer + 1) % (kOutputCalls + 1);
    return b;
  }

  bool ip_may_leave() const { return ip_pass && !halted && (tx_running || !config.mppe_required); }

  void halt(const char* why, Output& o) {
    if (halted || (!tx_running && !rx_running)) return;
    halted = true;
    tx_running = rx_running = false;
    o.notes.push_back(std::string("MPPE stopped: ") + why + "; IP is held both ways until MPPE starts again");
  }

  // ppp_ccp_peek (ppp_generic.c) for the MPPE case, both directions.
  void peek_ccp(wire::ByteView body, bool inbound, Output& o) {
    if (body.size() < ppp::kPacketHeader) return;
    switch (body[0]) {
      case ppp::code::ConfReq:
        // Inbound, the kernel turns transmit encryption off (the peer asks
        // what we should send); outbound, receive. Either way CCP is being
        // renegotiated and the session will decide; nothing passes meanwhile.
        halt(inbound ? "the server sent a CCP Configure-Request" : "we sent a CCP Configure-Request", o);
        break;
      case ppp::code::TermReq:
      case ppp::code::TermAck:
        halt("CCP is going down", o);
        break;
      case ppp::code::ResetAck:
        // Outbound: ppp_mppe's comp_reset makes the next packet FLUSHED.
        // Inbound: decomp_reset does nothing for MPPE; our receiver leaves
        // its discard state on the next FLUSHED packet by itself.
        if (!inbound && tx_running) tx->flush();
        break;
      default:
        break;
    }
  }

  // FF 03 and the GRE header in front of buf[at, at + length) (the PPP
  // frame from its protocol field on); the finished packet goes to out.gre.
  void emit(MutableBytes buf, std::size_t at, std::size_t length, Output& o) {
    at -= kAddressControl;
    length += kAddressControl;
    buf[at] = 0xFF;
    buf[at + 1] = 0x03;
    GreHeader h;
    h.payload_length = static_cast<std::uint16_t>(length);
    h.call_id = config.peer_call_id;
    h.seq = next_seq++;
    // RFC 2637 §4.4: piggyback the acknowledgment on every data packet.
    h.ack = window.last_delivered();
    const std::size_t size = gre_header_size(true, h.ack.has_value());
    write_gre(buf.subspan(at - size), h);
    o.gre.push_back(buf.subspan(at - size, size + length));
    if (h.ack) acked(*h.ack);
  }

  void acked(std::uint32_t seq) {
    last_acked = seq;
    ack_owed = false;
    ack_deadline.reset();
  }

  void control_out(std::uint16_t protocol, wire::ByteView body, Output& o) {
    o.control.emplace_back();
    auto& f = o.control.back();
    f.reserve(kPppProtocol + body.size());
    f.push_back(static_cast<std::uint8_t>(protocol >> 8));
    f.push_back(static_cast<std::uint8_t>(protocol));
    f.insert(f.end(), body.begin(), body.end());
  }

  void ip_in(MutableBytes packet, bool encrypted, Output& o) {
    if (packet.empty()) {
      ++counters.rx_bad;
      o.notes.push_back("dropped an empty IP frame");
      return;
    }
    if (!encrypted && (config.mppe_required || halted || rx_running)) {
      // ppp_generic would accept it (kernel-facts "Security traps"); we do not.
      ++counters.rx_clear_dropped;
      return;
    }
    if (!ip_pass || halted) {
      ++counters.rx_dropped;
      return;
    }
    ++counters.rx_packets;
    counters.rx_bytes += packet.size();
    o.ip.push_back(packet);
  }

  void network_in(std::uint16_t protocol, MutableBytes body, bool encrypted, Output& o) {
    switch (protocol) {
      case ppp::proto::IP:
        ip_in(body, encrypted, o);
        return;
      case ppp::proto::CompressedData:
        if (encrypted) {
          ++counters.rx_bad;
          o.notes.push_back("dropped an MPPE frame nested inside another");
          return;
        }
        mppe_in(body, o);
        return;
      case ppp::proto::CCP:
        peek_ccp(body, true, o);
        break;
      default:
        break;
    }
    // LCP, authentication, NCPs and anything unknown: the session decides
    // (it Protocol-Rejects what it does not know, RFC 1661 §5.7).
    control_out(protocol, body, o);
  }

  void mppe_in(MutableBytes body, Output& o) {
    if (!rx_running) {
      ++counters.rx_bad;
      o.notes.push_back(halted ? "dropped an MPPE frame: MPPE is stopped"
                               : "dropped an MPPE frame: MPPE receive is not running");
      return;
    }
    if (body.size() < kMppeHeader) {
      ++counters.rx_bad;
      o.notes.push_back("dropped an MPPE frame shorter than its header");
      return;
    }
    const std::uint16_t header = get_u16(body.data());
    auto data = body.subspan(kMppeHeader);
    switch (rx->decrypt(header, data)) {
      case MppeReceiver::Verdict::Ok:
        break;
      case MppeReceiver::Verdict::Drop:
        ++counters.rx_bad;
        return;
      case MppeReceiver::Verdict::LostSync: {
        // What the kernel's unit fd shows after a decrypt error: a 0x00FD
        // frame, which the session answers with a CCP Reset-Request.
        ++counters.rx_bad;
        std::uint8_t hdr[kMppeHeader];
        put_u16(hdr, header);
        control_out(ppp::proto::CompressedData, wire::ByteView(hdr), o);
        o.notes.push_back("MPPE lost sync; asking the session for a reset");
        return;
      }
    }
    // The decrypted protocol field may be one byte (PFC, RFC 1661 §6.5).
    const std::size_t pb = rx->protocol_bytes() == 1 ? 1 : 2;
    if (data.size() < pb) {
      ++counters.rx_bad;
      o.notes.push_back("dropped an MPPE frame with no protocol field");
      return;
    }
    const std::uint16_t protocol = pb == 1 ? data[0] : get_u16(data.data());
    network_in(protocol, data.subspan(pb), true, o);
  }

  // A PPP frame from GRE, in sequence order (ReorderWindow::Sink).
  void deliver(MutableBytes frame) override {
    Output& o = *out;
    // The peer may send address/control and a compressed protocol field
    // (ACFC, PFC: RFC 1661 §6.5, §6.6); pptp.c accepts both, so do we.
    if (frame.size() >= 2 && frame[0] == 0xFF && frame[1] == 0x03) frame = frame.subspan(2);
    std::uint16_t protocol = 0;
    if (!frame.empty() && (frame[0] & 1) != 0) {
      protocol = frame[0];
      frame = frame.subspan(1);
    } else if (frame.size() >= 2) {
      protocol = get_u16(frame.data());
      frame = frame.subspan(2);
    } else {
      ++counters.rx_bad;
      o.notes.push_back("dropped a PPP frame with no protocol field");
      return;
    }
    if (!ppp::valid_protocol(protocol)) {
      ++counters.rx_bad;
      o.notes.push_back("dropped a PPP frame with an invalid protocol number");
      return;
    }
    network_in(protocol, frame, false, o);
  }

  // Runs the window with this call's output, then owes an acknowledgment if
  // it delivered anything.
  template <typename F>
  void with_window(TimePoint now, Output& o, F&& f) {
    const auto before = window.last_delivered();
    out = &o;
    f();
    out = nullptr;
    if (const auto last = window.last_delivered(); last != before) {
      ack_owed = true;
      if (!ack_deadline) ack_deadline = now + config.ack_delay;
      // A peer that honours our receive window (RFC 2637 §4.2) stalls when
      // nothing flows back to carry acks: half a window unacknowledged and
      // the ack goes at once, as pptp-linux does.
      if (!last_acked) last_acked = before ? *before : *last - 1;
      if (*last - *last_acked >= kAckAtOnce) ack_deadline = now;
    }
    const auto& w = window.counters();
    counters.rx_reordered = w.reordered;
    counters.rx_late = w.late;
    counters.rx_lost = w.lost;
    counters.rx_duplicate = w.duplicate;
  }
};

Engine::Engine(Config config) : impl_(std::make_unique<Impl>(config)) {}
Engine::~Engine() = default;

void Engine::set_mppe(const MppeSetup& setup) {
  auto& s = *impl_;
  s.forget_keys();
  s.setup = setup;
  // New keys, as PPPIOCSCOMPRESS installs them: nothing runs until mppe_up.
  s.tx.reset();
  s.rx.reset();
  s.tx_running = s.rx_running = false;
}

void Engine::mppe_up() {
  auto& s = *impl_;
  if (!s.setup) return;
  const auto& k = *s.setup;
  MppeKeyConfig tx{k.send_start, k.key_bits, k.tx_stateless};
  MppeKeyConfig rx{k.recv_start, k.key_bits, k.rx_stateless};
  if (k.tx) s.tx.emplace(tx);
  if (k.rx) s.rx.emplace(rx);
  ::explicit_bzero(tx.start_key.data(), tx.start_key.size());
  ::explicit_bzero(rx.start_key.data(), rx.start_key.size());
  s.tx_running = k.tx;
  s.rx_running = k.rx;
  s.halted = false;
}

bool Engine::mppe_tx_running() const { return impl_->tx_running; }
bool Engine::mppe_rx_running() const { return impl_->rx_running; }
void Engine::set_ip_pass(bool pass) { impl_->ip_pass = pass; }

void Engine::send_control(wire::ByteView frame, TimePoint now, Output& out) {
  (void)now;
  auto& s = *impl_;
  if (frame.size() < kPppProtocol) {
    out.notes.push_back("not sent: a PPP frame without a protocol field");
    return;
  }
  const std::uint16_t protocol = get_u16(frame.data());
  if (protocol == ppp::proto::IP || protocol == ppp::proto::CompressedData) {
    out.notes.push_back("not sent: IP and MPPE frames do not come from the session");
    return;
  }
  if (kFrameAt + kPppProtocol + kMppeHeader + frame.size() > kMaxGre) {
    out.notes.push_back("not sent: a PPP frame too long for one GRE packet");
    return;
  }
  if (protocol == ppp::proto::CCP) s.peek_ccp(frame.subspan(kPppProtocol), false, out);
  // RFC 3078 §3: only protocols 0x0021-0x00FA pass through MPPE; the rest
  // (LCP, authentication, CCP, and NCPs such as IPCP) keep their own
  // protocol number and go in clear. ppp_mppe's mppe_compress() refuses the
  // others too, and ppp_generic then sends them as they are, so this is
  // what a Linux peer sends and expects.
  const bool clear_always = protocol < 0x0021 || protocol > 0x00FA;
  if (!clear_always && s.halted) {
    out.notes.push_back("not sent: " + ppp::protocol_name(protocol) + " while MPPE is stopped");
    return;
  }
  auto buf = s.own_buffer();
  if (!clear_always && s.tx_running) {
    constexpr std::size_t body_at = kFrameAt + kPppProtocol + kMppeHeader;
    std::memcpy(buf.data() + body_at, frame.data(), frame.size());
    const std::uint16_t header = s.tx->encrypt(buf.subspan(body_at, frame.size()));
    put_u16(buf.data() + kFrameAt, ppp::proto::CompressedData);
    put_u16(buf.data() + kFrameAt + kPppProtocol, header);
    s.emit(buf, kFrameAt, kPppProtocol + kMppeHeader + frame.size(), out);
  } else {
    std::memcpy(buf.data() + kFrameAt, frame.data(), frame.size());
    s.emit(buf, kFrameAt, frame.size(), out);
  }
}

void Engine::send_ip(MutableBytes buffer, std::size_t length, TimePoint now, Output& out) {
  (void)now;
  auto& s = *impl_;
  if (length == 0 || buffer.size() < kHeadroom || buffer.size() - kHeadroom < length ||
      kHeadroom + length > kMaxGre) {
    ++s.counters.tx_dropped;
    out.notes.push_back("not sent: an IP packet that does not fit the buffer or one GRE packet");
    return;
  }
  // Only IPv4 is negotiated (IPCP); TUN also hands us IPv6 and the like.
  if ((buffer[kHeadroom] >> 4) != 4 || !s.ip_may_leave()) {
    ++s.counters.tx_dropped;
    return;
  }
  // The IP protocol field sits right in front of the packet; with MPPE it is
  // encrypted along with it (RFC 3078 §3), behind 0x00FD and the MPPE header.
  constexpr std::size_t proto_at = kHeadroom - kPppProtocol;
  put_u16(buffer.data() + proto_at, ppp::proto::IP);
  if (s.tx_running) {
    const std::uint16_t header = s.tx->encrypt(buffer.subspan(proto_at, kPppProtocol + length));
    put_u16(buffer.data() + kFrameAt, ppp::proto::CompressedData);
    put_u16(buffer.data() + kFrameAt + kPppProtocol, header);
    s.emit(buffer, kFrameAt, kHeadroom - kFrameAt + length, out);
  } else {
    s.emit(buffer, proto_at, kPppProtocol + length, out);
  }
  ++s.counters.tx_packets;
  s.counters.tx_bytes += length;
}

void Engine::receive(MutableBytes datagram, TimePoint now, Output& out) {
  auto& s = *impl_;
  if (datagram.size() > kMaxDatagram) {
    ++s.counters.rx_bad;
    out.notes.push_back("dropped a datagram larger than " + std::to_string(kMaxDatagram) + " bytes");
    return;
  }
  auto parsed = parse_gre(datagram, s.config.our_call_id);
  if (!parsed) {
    ++s.counters.rx_bad;
    out.notes.push_back("dropped a GRE packet: " + parsed.error().reason);
    return;
  }
  const auto& h = parsed->header;
  if (!h.seq) return;  // a stand-alone acknowledgment: nothing to deliver
  auto frame = datagram.subspan(parsed->payload_offset, h.payload_length);
  s.with_window(now, out, [&] {
    if (s.window.arrive(*h.seq, frame, now, s) == ReorderWindow::Arrival::TooBig) ++s.counters.rx_bad;
  });
}

std::optional<TimePoint> Engine::deadline() const {
  const auto& s = *impl_;
  auto d = s.window.deadline();
  if (s.ack_deadline && (!d || *s.ack_deadline < *d)) d = s.ack_deadline;
  return d;
}

void Engine::on_time(TimePoint now, Output& out) {
  auto& s = *impl_;
  s.with_window(now, out, [&] { s.window.expire(now, s); });
  if (!s.ack_deadline || *s.ack_deadline > now) return;
  s.ack_deadline.reset();
  if (!s.ack_owed) return;
  // RFC 2637 §4.4: nothing carried the acknowledgment in time; send it alone.
  auto buf = s.own_buffer();
  GreHeader h;
  h.call_id = s.config.peer_call_id;
  h.ack = s.window.last_delivered();
  const std::size_t size = write_gre(buf, h);
  out.gre.push_back(buf.first(size));
  if (h.ack) s.acked(*h.ack);
  ++s.counters.acks_sent;
}

const Counters& Engine::counters() const { return impl_->counters; }

}  // namespace datapath
