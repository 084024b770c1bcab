// The userspace data path under arbitrary traffic: raw datagrams, GRE built
// around arbitrary PPP frames, and a real peer engine's packets delivered out
// of order, twice, never, or with a byte flipped, with time passing between.
// The first input byte picks the configuration (MPPE required or not, on or
// off, stateless or stateful, key length, window size).
//
// Invariants:
// - no IP reaches TUN unless ip_pass is on and, with MPPE required, MPPE
//   receive ran; no IP leaves unless ip_pass is on and, with MPPE required,
//   it leaves encrypted (PPP protocol 0x00FD);
// - output is bounded: a datagram yields at most window + 1 frames and no
//   GRE; a timer at most window frames and one stand-alone ack;
// - every GRE packet we build parses as enhanced GRE for the peer's call;
// - counters agree with what came out, and never go down.
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <vector>

#include "datapath/engine.hpp"
#include "datapath/gre.hpp"

namespace {

using namespace std::chrono_literals;
using datapath::Engine;
using datapath::Output;

constexpr std::uint16_t kOurCall = 0x4242;
constexpr std::uint16_t kPeerCall = 0x1717;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Input {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t u8() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>((u8() << 8) | u8()); }
  std::uint32_t u32() { return (std::uint32_t{u16()} << 16) | u16(); }
  wire::Bytes bytes(std::size_t want) {
    const std::size_t take = want < n ? want : n;
    wire::Bytes b(p, p + take);
    p += take;
    n -= take;
    return b;
  }
};

wire::Bytes outer(wire::ByteView gre) {
  const std::size_t total = 20 + gre.size();
  wire::Bytes d = {0x45, 0, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total), 0, 0, 0x40, 0,
                   64,   47, 0, 0, 198, 51, 100, 1, 192, 0, 2, 1};
  d.insert(d.end(), gre.begin(), gre.end());
  return d;
}

datapath::MppeSetup setup(unsigned bits, bool stateless, bool ours) {
  datapath::MppeSetup s;
  s.key_bits = bits;
  s.tx_stateless = s.rx_stateless = stateless;
  s.send_start.fill(ours ? 0x3C : 0xA5);
  s.recv_start.fill(ours ? 0xA5 : 0x3C);
  return s;
}

struct Harness {
  Harness(std::uint8_t c)
      : required((c & 1) != 0),
        mppe((c & 2) != 0),
        window(std::array<std::size_t, 4>{0, 1, 4, 64}[(c >> 5) & 3]),
        engine(make_config(kOurCall, kPeerCall)),
        peer(make_config(kPeerCall, kOurCall)) {
    const bool stateless = (c & 4) == 0;
    const unsigned bits = std::array<unsigned, 4>{128, 56, 40, 128}[(c >> 3) & 3];
    if (mppe) {
      engine.set_mppe(setup(bits, stateless, true));
      peer.set_mppe(setup(bits, stateless, false));
      engine.mppe_up();
      peer.mppe_up();
    }
    peer.set_ip_pass(true);
  }

  datapath::Config make_config(std::uint16_t ours, std::uint16_t theirs) const {
    datapath::Config cfg;
    cfg.our_call_id = ours;
    cfg.peer_call_id = theirs;
    cfg.mppe_required = required;
    cfg.reorder_packets = window;
    return cfg;
  }

  void receive(wire::Bytes datagram) {
    const bool rx_ok = ip_pass && (!required || engine.mppe_rx_running());
    out.clear();
    engine.receive(datagram, now, out);
    check(out.gre.empty());
    check(out.ip.size() + out.control.size() <= window + 1);
    check(out.ip.empty() || rx_ok);
    took(out);
  }

  void tick(std::chrono::milliseconds d) {
    now += d;
    out.clear();
    const auto acks = engine.counters().acks_sent;
    engine.on_time(now, out);
    check(out.ip.size() + out.control.size() <= window);
    check(out.gre.size() <= 1);
    check(engine.counters().acks_sent == acks + out.gre.size());
    if (!out.gre.empty()) {
      auto g = datapath::parse_gre(outer(out.gre[0]), kPeerCall);
      check(g.ok() && !g->header.seq && g->header.ack);
    }
    took(out);
  }

  void send_ip(const wire::Bytes& ip) {
    const bool tx_ok = ip_pass && (!required || engine.mppe_tx_running());
    std::vector<std::uint8_t> buf(datapath::kHeadroom + ip.size());
    std::copy(ip.begin(), ip.end(), buf.begin() + datapath::kHeadroom);
    out.clear();
    const auto before = engine.counters();
    engine.send_ip(buf, ip.size(), now, out);
    check(out.gre.size() <= 1);
    check(out.gre.empty() || tx_ok);
    check(engine.counters().tx_packets == before.tx_packets + out.gre.size());
    check(engine.counters().tx_dropped == before.tx_dropped + (out.gre.empty() ? 1 : 0));
    for (auto g : out.gre) {
      auto p = datapath::parse_gre(outer(g), kPeerCall);
      check(p.ok() && p->header.seq);
      const auto ppp = g.subspan(g.size() - p->header.payload_length);
      check(ppp.size() >= 4 && ppp[0] == 0xFF && ppp[1] == 0x03);
      check(ppp[2] == 0x00 && ppp[3] == (engine.mppe_tx_running() ? 0xFD : 0x21));
      check(!required || ppp[3] == 0xFD);
    }
  }

  void send_control(const wire::Bytes& frame) {
    out.clear();
    engine.send_control(frame, now, out);
    check(out.gre.size() <= 1);
    for (auto g : out.gre) {
      auto p = datapath::parse_gre(outer(g), kPeerCall);
      check(p.ok() && p->header.seq);
      // IP never leaves through the control path.
      const auto ppp = g.subspan(g.size() - p->header.payload_length);
      check(!(ppp[0] == 0x00 && ppp[1] == 0x21));
    }
  }

  // What came out, touched byte by byte (ASan sees a stale span) and counted.
  void took(const Output& o) {
    for (auto ip : o.ip) {
      check(!ip.empty());
      for (auto b : ip) sink ^= b;
      ++ip_packets;
      ip_bytes += ip.size();
    }
    for (const auto& f : o.control) check(f.size() >= 2);
    const auto& c = engine.counters();
    check(c.rx_packets == ip_packets);
    check(c.rx_bytes == ip_bytes);
    check(c.rx_reordered >= last.rx_reordered && c.rx_late >= last.rx_late && c.rx_lost >= last.rx_lost &&
          c.rx_duplicate >= last.rx_duplicate && c.rx_bad >= last.rx_bad &&
          c.rx_clear_dropped >= last.rx_clear_dropped && c.rx_dropped >= last.rx_dropped);
    last = c;
  }

  bool required, mppe;
  std::size_t window;
  bool ip_pass = false;
  Engine engine, peer;
  Output out, peer_out;
  datapath::TimePoint now = datapath::TimePoint{} + 1h;
  std::deque<wire::Bytes> in_flight;  // the peer's packets, not yet delivered
  std::uint64_t ip_packets = 0, ip_bytes = 0;
  datapath::Counters last;
  std::uint8_t sink = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in{data, size};
  Harness h(in.u8());
  for (int ops = 0; !in.empty() && ops < 256; ++ops) {
    switch (in.u8() % 10) {
      case 0:  // any datagram at all
        h.receive(in.bytes(in.u16() % (datapath::kMaxDatagram + 64)));
        break;
      case 1: {  // valid outer IPv4 and GRE around any PPP frame
        const std::uint32_t seq = in.u32();
        auto ppp = in.bytes(in.u8());
        wire::Bytes gre(datapath::kGreMax);
        datapath::GreHeader hdr{static_cast<std::uint16_t>(ppp.size()), kOurCall, seq, std::nullopt};
        if (ppp.empty()) hdr = {0, kOurCall, std::nullopt, seq};
        gre.resize(datapath::write_gre(gre, hdr));
        gre.insert(gre.end(), ppp.begin(), ppp.end());
        h.receive(outer(gre));
        break;
      }
      case 2: {  // the peer sends an IP packet (encrypted when MPPE runs)
        auto ip = in.bytes(1 + in.u8());
        if (ip.empty()) break;
        ip[0] = static_cast<std::uint8_t>(0x40 | (ip[0] & 0x0F));
        std::vector<std::uint8_t> buf(datapath::kHeadroom + ip.size());
        std::copy(ip.begin(), ip.end(), buf.begin() + datapath::kHeadroom);
        h.peer_out.clear();
        h.peer.send_ip(buf, ip.size(), h.now, h.peer_out);
        for (auto g : h.peer_out.gre)
          if (h.in_flight.size() < 128) h.in_flight.push_back(outer(g));
        break;
      }
      case 3: {  // deliver one in-flight packet (maybe twice, maybe damaged)
        if (h.in_flight.empty()) break;
        const std::size_t i = in.u8() % h.in_flight.size();
        const std::uint8_t how = in.u8();
        auto d = h.in_flight[i];
        if (how & 1) h.in_flight.erase(h.in_flight.begin() + static_cast<std::ptrdiff_t>(i));
        if (how & 2) d[in.u16() % d.size()] ^= static_cast<std::uint8_t>(1 | in.u8());
        if ((how & 4) == 0) h.receive(d);  // else: lost
        break;
      }
      case 4:
        h.tick(std::chrono::milliseconds(in.u8()));
        break;
      case 5: {
        auto ip = in.bytes(in.u16() % 2100);
        h.send_ip(ip);
        break;
      }
      case 6:
        h.send_control(in.bytes(in.u8()));
        break;
      case 7:
        h.ip_pass = !h.ip_pass;
        h.engine.set_ip_pass(h.ip_pass);
        break;
      case 8: {  // the peer's session writes a frame (CCP Reset-Ack, ConfReq, ...)
        auto frame = in.bytes(in.u8());
        h.peer_out.clear();
        h.peer.send_control(frame, h.now, h.peer_out);
        for (auto g : h.peer_out.gre)
          if (h.in_flight.size() < 128) h.in_flight.push_back(outer(g));
        break;
      }
      case 9:  // CCP opened again
        h.engine.mppe_up();
        h.peer.mppe_up();
        break;
    }
  }
  return 0;
}
