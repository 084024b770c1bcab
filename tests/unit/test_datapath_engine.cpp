#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "datapath/engine.hpp"
#include "ppp/frame.hpp"

namespace {

using datapath::Engine;
using datapath::Output;
using namespace std::chrono_literals;

constexpr std::uint16_t kClientCall = 0x1111;
constexpr std::uint16_t kServerCall = 0x2222;

datapath::Key16 key(std::uint8_t seed) {
  datapath::Key16 k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed + 7 * i);
  return k;
}

datapath::Config config(std::uint16_t ours, std::uint16_t peer, bool required = true) {
  datapath::Config c;
  c.our_call_id = ours;
  c.peer_call_id = peer;
  c.mppe_required = required;
  return c;
}

// The peer's view: same negotiation, keys swapped.
datapath::MppeSetup setup(unsigned bits, bool stateless, bool client) {
  datapath::MppeSetup s;
  s.key_bits = bits;
  s.tx_stateless = s.rx_stateless = stateless;
  s.send_start = client ? key(0x10) : key(0x80);
  s.recv_start = client ? key(0x80) : key(0x10);
  return s;
}

// What the kernel puts in front of a GRE packet: an IPv4 header, protocol 47.
wire::Bytes outer(wire::ByteView gre) {
  const std::size_t total = 20 + gre.size();
  wire::Bytes d = {0x45, 0, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total), 0, 0, 0x40, 0,
                   64,   47, 0, 0, 198, 51, 100, 1, 192, 0, 2, 1};
  for (auto b : gre) d.push_back(b);
  return d;
}

// A 28-byte IPv4 packet whose last byte says which one it is.
wire::Bytes ip_packet(std::uint8_t mark) {
  wire::Bytes p = {0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                   0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0};
  p.back() = mark;
  return p;
}

struct Got {
  std::vector<wire::Bytes> gre, ip, control;
};

Got copy(const Output& out) {
  Got g;
  for (auto s : out.gre) g.gre.emplace_back(s.begin(), s.end());
  for (auto s : out.ip) g.ip.emplace_back(s.begin(), s.end());
  g.control = out.control;
  return g;
}

struct Side {
  explicit Side(datapath::Config c) : engine(c) {}
  Engine engine;
  Output out;

  // An IP packet as the TUN reader hands it over; returns the GRE packets
  // wrapped for the peer's raw socket.
  std::vector<wire::Bytes> send_ip(const wire::Bytes& ip, datapath::TimePoint now) {
    std::vector<std::uint8_t> buf(datapath::kHeadroom + ip.size());
    std::copy(ip.begin(), ip.end(), buf.begin() + datapath::kHeadroom);
    out.clear();
    engine.send_ip(buf, ip.size(), now, out);
    return wrapped();
  }
  std::vector<wire::Bytes> send_control(const wire::Bytes& frame, datapath::TimePoint now) {
    out.clear();
    engine.send_control(frame, now, out);
    return wrapped();
  }
  std::vector<wire::Bytes> wrapped() const {
    std::vector<wire::Bytes> w;
    for (auto g : out.gre) w.push_back(outer(g));
    return w;
  }
  Got receive(const std::vector<wire::Bytes>& datagrams, datapath::TimePoint now) {
    Got all;
    for (auto d : datagrams) {
      out.clear();
      engine.receive(d, now, out);
      auto g = copy(out);
      all.ip.insert(all.ip.end(), g.ip.begin(), g.ip.end());
      all.control.insert(all.control.end(), g.control.begin(), g.control.end());
    }
    return all;
  }
};

struct Link {
  Link(bool required, std::optional<datapath::MppeSetup> client_mppe, std::optional<datapath::MppeSetup> server_mppe)
      : client(config(kClientCall, kServerCall, required)), server(config(kServerCall, kClientCall, required)) {
    if (client_mppe) {
      client.engine.set_mppe(*client_mppe);
      client.engine.mppe_up();
    }
    if (server_mppe) {
      server.engine.set_mppe(*server_mppe);
      server.engine.mppe_up();
    }
    client.engine.set_ip_pass(true);
    server.engine.set_ip_pass(true);
  }
  Side client, server;
  datapath::TimePoint now = datapath::TimePoint{} + 1h;
};

// The PPP frame inside a GRE packet we built (outer header included), from
// its protocol field on: every frame we send starts with FF 03 (pptp.c does
// so without ACFC, and LCP must, RFC 1661 §6.6).
wire::Bytes ppp_of(const wire::Bytes& datagram) {
  const std::size_t gre = 20;
  std::size_t header = 8 + ((datagram[gre] & 0x10) ? 4 : 0) + ((datagram[gre + 1] & 0x80) ? 4 : 0);
  const std::size_t at = gre + header;
  REQUIRE(datagram.size() >= at + 2);
  CHECK(datagram[at] == 0xFF);
  CHECK(datagram[at + 1] == 0x03);
  return wire::Bytes(datagram.begin() + static_cast<std::ptrdiff_t>(at + 2), datagram.end());
}

// A GRE data packet for `call` with seq, carrying `ppp` as the peer wrote it.
wire::Bytes gre_data(std::uint16_t call, std::uint32_t seq, const wire::Bytes& ppp) {
  wire::Bytes g = {0x30, 0x01, 0x88, 0x0B, static_cast<std::uint8_t>(ppp.size() >> 8),
                   static_cast<std::uint8_t>(ppp.size()), static_cast<std::uint8_t>(call >> 8),
                   static_cast<std::uint8_t>(call), static_cast<std::uint8_t>(seq >> 24),
                   static_cast<std::uint8_t>(seq >> 16), static_cast<std::uint8_t>(seq >> 8),
                   static_cast<std::uint8_t>(seq)};
  for (auto b : ppp) g.push_back(b);
  return outer(g);
}

wire::Bytes cat(wire::Bytes a, const wire::Bytes& b) {
  for (auto x : b) a.push_back(x);
  return a;
}

}  // namespace

TEST_CASE("datapath engine: two engines back to back pass IP both ways") {
  struct Row {
    const char* name;
    bool required;
    std::optional<datapath::MppeSetup> client, server;
  };
  const std::vector<Row> rows = {
      {"clear, MPPE not required", false, std::nullopt, std::nullopt},
      {"MPPE 128 stateless", true, setup(128, true, true), setup(128, true, false)},
      {"MPPE 128 stateful", true, setup(128, false, true), setup(128, false, false)},
      {"MPPE 40 stateless", true, setup(40, true, true), setup(40, true, false)},
      {"MPPE 56 stateful", true, setup(56, false, true), setup(56, false, false)},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    Link link(row.required, row.client, row.server);
    const bool mppe = row.client.has_value();
    CHECK(link.client.engine.mppe_tx_running() == mppe);
    CHECK(link.client.engine.mppe_rx_running() == mppe);
    for (std::uint8_t i = 0; i < 40; ++i) {
      const auto up = ip_packet(i);
      auto sent = link.client.send_ip(up, link.now);
      REQUIRE(sent.size() == 1);
      const auto ppp = ppp_of(sent[0]);
      // Our framing: no FF 03, a two-byte protocol (as the kernel sends).
      CHECK(ppp[0] == 0x00);
      CHECK(ppp[1] == (mppe ? 0xFD : 0x21));
      if (mppe) CHECK(wire::Bytes(ppp.end() - static_cast<std::ptrdiff_t>(up.size()), ppp.end()) != up);
      auto got = link.server.receive(sent, link.now);
      REQUIRE(got.ip.size() == 1);
      CHECK(got.ip[0] == up);
      const auto down = ip_packet(static_cast<std::uint8_t>(0x80 + i));
      auto back = link.client.receive(link.server.send_ip(down, link.now), link.now);
      REQUIRE(back.ip.size() == 1);
      CHECK(back.ip[0] == down);
      link.now += 1ms;
    }
    for (auto* side : {&link.client, &link.server}) {
      const auto& c = side->engine.counters();
      CHECK(c.tx_packets == 40);
      CHECK(c.rx_packets == 40);
      CHECK(c.tx_bytes == 40 * 28);
      CHECK(c.rx_bytes == 40 * 28);
      CHECK(c.rx_bad == 0);
      CHECK(c.tx_dropped == 0);
    }
  }
}

TEST_CASE("datapath engine: no IP before MPPE runs and ip_pass is on") {
  struct Row {
    const char* name;
    bool required, keys, up, pass;
    bool passes;
  };
  const std::vector<Row> rows = {
      {"nothing set", true, false, false, false, false},
      {"ip_pass without MPPE, required", true, false, false, true, false},
      {"keys installed, CCP not up", true, true, false, true, false},
      {"MPPE up, ip_pass off", true, true, true, false, false},
      {"MPPE up, ip_pass on", true, true, true, true, true},
      {"not required, ip_pass off", false, false, false, false, false},
      {"not required, ip_pass on", false, false, false, true, true},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    // The server sends whatever it can (encrypted once the client has keys);
    // only the client is under test.
    Side client(config(kClientCall, kServerCall, row.required));
    Side server(config(kServerCall, kClientCall, false));
    if (row.keys) {
      server.engine.set_mppe(setup(128, true, false));
      server.engine.mppe_up();
    }
    server.engine.set_ip_pass(true);
    if (row.keys) client.engine.set_mppe(setup(128, true, true));
    if (row.up) client.engine.mppe_up();
    client.engine.set_ip_pass(row.pass);
    const auto now = datapath::TimePoint{} + 1h;

    auto sent = client.send_ip(ip_packet(1), now);
    CHECK(sent.size() == (row.passes ? 1u : 0u));
    CHECK(client.engine.counters().tx_dropped == (row.passes ? 0u : 1u));
    auto got = client.receive(server.send_ip(ip_packet(2), now), now);
    CHECK(got.ip.size() == (row.passes ? 1u : 0u));
  }
}

TEST_CASE("datapath engine: clear IP is refused when MPPE is required, counted") {
  Link link(true, setup(128, true, true), setup(128, true, false));
  // A forged or misbehaving peer sends IP in clear, with and without ACFC/PFC.
  const auto ip = ip_packet(9);
  for (const auto& ppp : {cat({0x00, 0x21}, ip), cat({0xFF, 0x03, 0x21}, ip), cat({0x21}, ip)}) {
    static std::uint32_t seq = 0;
    auto got = link.client.receive({gre_data(kClientCall, seq++, ppp)}, link.now);
    CHECK(got.ip.empty());
    CHECK(got.control.empty());
  }
  CHECK(link.client.engine.counters().rx_clear_dropped == 3);
  CHECK(link.client.engine.counters().rx_packets == 0);
}

TEST_CASE("datapath engine: inbound PPP framing (ACFC, PFC) and what goes to the session") {
  struct Row {
    const char* name;
    wire::Bytes ppp;
    std::optional<wire::Bytes> ip;       // to TUN
    std::optional<wire::Bytes> control;  // to the session
    bool bad = false;
  };
  const auto ip = ip_packet(3);
  const wire::Bytes lcp = {0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4};  // Echo-Request
  const std::vector<Row> rows = {
      {"IP, two-byte protocol", cat({0x00, 0x21}, ip), ip, std::nullopt},
      {"IP, FF 03 and one-byte protocol", cat({0xFF, 0x03, 0x21}, ip), ip, std::nullopt},
      {"IP, one-byte protocol", cat({0x21}, ip), ip, std::nullopt},
      {"LCP with FF 03", cat({0xFF, 0x03, 0xC0, 0x21}, lcp), std::nullopt, cat({0xC0, 0x21}, lcp)},
      {"LCP", cat({0xC0, 0x21}, lcp), std::nullopt, cat({0xC0, 0x21}, lcp)},
      {"IPCP", {0x80, 0x21, 0x01, 0x01, 0x00, 0x04}, std::nullopt, wire::Bytes{0x80, 0x21, 0x01, 0x01, 0x00, 0x04}},
      {"IPv6 goes to the session (it Protocol-Rejects)", {0x00, 0x57, 0x60}, std::nullopt,
       wire::Bytes{0x00, 0x57, 0x60}},
      {"only FF 03", {0xFF, 0x03}, std::nullopt, std::nullopt, true},
      {"half a protocol", {0x00}, std::nullopt, std::nullopt, true},
      {"invalid protocol (even low byte)", {0x00, 0x20, 1}, std::nullopt, std::nullopt, true},
      {"empty IP", {0x00, 0x21}, std::nullopt, std::nullopt, true},
      {"MPPE frame before MPPE runs", {0x00, 0xFD, 0x90, 0x00, 1, 2}, std::nullopt, std::nullopt, true},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    Side client(config(kClientCall, kServerCall, false));
    client.engine.set_ip_pass(true);
    auto got = client.receive({gre_data(kClientCall, 0, row.ppp)}, datapath::TimePoint{} + 1h);
    CHECK(got.ip.size() == (row.ip ? 1u : 0u));
    if (row.ip && !got.ip.empty()) CHECK(got.ip[0] == *row.ip);
    CHECK(got.control.size() == (row.control ? 1u : 0u));
    if (row.control && !got.control.empty()) CHECK(got.control[0] == *row.control);
    CHECK(client.engine.counters().rx_bad == (row.bad ? 1u : 0u));
  }
}

TEST_CASE("datapath engine: outbound control frames, clear or encrypted as RFC 3078 §3 and ppp_mppe say") {
  struct Row {
    const char* name;
    wire::Bytes frame;
    bool encrypted;
  };
  const std::vector<Row> rows = {
      {"LCP in clear", {0xC0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0}, false},
      {"CHAP in clear", {0xC2, 0x23, 0x03, 0x01, 0x00, 0x04}, false},
      {"CCP in clear", {0x80, 0xFD, 0x0E, 0x01, 0x00, 0x04}, false},
      {"IPCP in clear (outside 0x0021-0x00FA)", {0x80, 0x21, 0x01, 0x01, 0x00, 0x04}, false},
      {"a network protocol in 0x0021-0x00FA encrypted", {0x00, 0x57, 0x60, 0x00, 0x00, 0x00}, true},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    Link link(true, setup(128, true, true), setup(128, true, false));
    auto sent = link.client.send_control(row.frame, link.now);
    REQUIRE(sent.size() == 1);
    const auto ppp = ppp_of(sent[0]);
    if (row.encrypted) {
      CHECK(ppp[0] == 0x00);
      CHECK(ppp[1] == 0xFD);
    } else {
      CHECK(ppp == row.frame);
    }
    // Whichever way it went, the peer's session gets the frame itself.
    auto got = link.server.receive(sent, link.now);
    REQUIRE(got.control.size() == 1);
    CHECK(got.control[0] == row.frame);
  }
  // Before MPPE runs everything goes in clear; a frame with no protocol, IP
  // through the control path and a frame too long for GRE do not go at all.
  Side plain(config(kClientCall, kServerCall));
  const wire::Bytes ipcp = {0x80, 0x21, 0x01, 0x01, 0x00, 0x04};
  auto sent = plain.send_control(ipcp, datapath::TimePoint{});
  REQUIRE(sent.size() == 1);
  CHECK(ppp_of(sent[0]) == ipcp);
  CHECK(plain.send_control({0x80}, datapath::TimePoint{}).empty());
  CHECK(plain.send_control(cat({0x00, 0x21}, ip_packet(1)), datapath::TimePoint{}).empty());
  CHECK(plain.send_control(wire::Bytes(datapath::kMaxDatagram, 0xC0), datapath::TimePoint{}).empty());
}

TEST_CASE("datapath engine: sequence numbers from 0, piggybacked and stand-alone acks") {
  Link link(false, std::nullopt, std::nullopt);
  auto& c = link.client;
  auto& s = link.server;
  // Our first packets: seq 0, 1, no ack (nothing received yet): 30 01 88 0B.
  for (std::uint32_t i = 0; i < 2; ++i) {
    auto sent = c.send_ip(ip_packet(1), link.now);
    REQUIRE(sent.size() == 1);
    const wire::Bytes expect = {0x30, 0x01, 0x88, 0x0B, 0x00, 32, 0x22, 0x22, 0, 0, 0, static_cast<std::uint8_t>(i)};
    CHECK(wire::Bytes(sent[0].begin() + 20, sent[0].begin() + 32) == expect);
    (void)s.receive(sent, link.now);
  }
  // The server owes an ack for seq 1 after ack_delay.
  REQUIRE(s.engine.deadline().has_value());
  CHECK(*s.engine.deadline() == link.now + 100ms);
  s.out.clear();
  s.engine.on_time(link.now + 99ms, s.out);
  CHECK(s.out.gre.empty());
  s.engine.on_time(link.now + 100ms, s.out);
  REQUIRE(s.out.gre.size() == 1);
  const wire::Bytes ack = {0x20, 0x81, 0x88, 0x0B, 0x00, 0x00, 0x11, 0x11, 0, 0, 0, 1};
  CHECK(wire::Bytes(s.out.gre[0].begin(), s.out.gre[0].end()) == ack);
  CHECK(s.engine.counters().acks_sent == 1);
  CHECK_FALSE(s.engine.deadline().has_value());
  // The client takes the stand-alone ack quietly.
  auto got = c.receive({outer(ack)}, link.now);
  CHECK(got.ip.empty());
  CHECK(c.engine.counters().rx_bad == 0);

  // A data packet before the deadline carries the ack: no stand-alone one.
  (void)s.receive(c.send_ip(ip_packet(2), link.now), link.now);
  auto reply = s.send_ip(ip_packet(3), link.now + 10ms);
  REQUIRE(reply.size() == 1);
  const wire::Bytes expect = {0x30, 0x81, 0x88, 0x0B, 0x00, 32, 0x11, 0x11, 0, 0, 0, 0, 0, 0, 0, 2};
  CHECK(wire::Bytes(reply[0].begin() + 20, reply[0].begin() + 36) == expect);
  CHECK_FALSE(s.engine.deadline().has_value());
  s.out.clear();
  s.engine.on_time(link.now + 1s, s.out);
  CHECK(s.out.gre.empty());
  CHECK(s.engine.counters().acks_sent == 1);
}

TEST_CASE("datapath engine: half a receive window unacknowledged is acknowledged at once") {
  Link link(false, std::nullopt, std::nullopt);
  auto& c = link.client;
  auto& s = link.server;
  for (int i = 0; i < 31; ++i) (void)s.receive(c.send_ip(ip_packet(1), link.now), link.now);
  CHECK(*s.engine.deadline() == link.now + 100ms);
  (void)s.receive(c.send_ip(ip_packet(1), link.now), link.now);
  CHECK(*s.engine.deadline() == link.now);
  s.out.clear();
  s.engine.on_time(link.now, s.out);
  REQUIRE(s.out.gre.size() == 1);
  CHECK(s.engine.counters().acks_sent == 1);
}

TEST_CASE("datapath engine: clear IP is refused while MPPE receive runs, even when not required") {
  Link link(false, setup(128, true, true), setup(128, true, false));
  link.client.engine.mppe_up();
  link.server.engine.mppe_up();
  // Encrypted IP passes (seq 0), a clear one with the next number does not.
  CHECK(link.client.receive(link.server.send_ip(ip_packet(4), link.now), link.now).ip.size() == 1);
  auto got = link.client.receive({gre_data(kClientCall, 1, cat({0x00, 0x21}, ip_packet(3)))}, link.now);
  CHECK(got.ip.empty());
  CHECK(link.client.engine.counters().rx_clear_dropped == 1);
}

TEST_CASE("datapath engine: reordered packets are delivered in order, MPPE stateful and stateless") {
  for (bool stateless : {true, false}) {
    CAPTURE(stateless);
    Link link(true, setup(128, stateless, true), setup(128, stateless, false));
    std::vector<wire::Bytes> packets;
    for (std::uint8_t i = 0; i < 6; ++i) packets.push_back(link.server.send_ip(ip_packet(i), link.now).at(0));
    // Arrival order 0 2 1 4 3 3 5, then 1 again.
    std::vector<std::uint8_t> marks;
    for (std::size_t i : {0, 2, 1, 4, 3, 3, 5, 1})
      for (auto& p : link.client.receive({packets[i]}, link.now).ip) marks.push_back(p.back());
    CHECK(marks == std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5});
    const auto& c = link.client.engine.counters();
    CHECK(c.rx_reordered == 2);
    CHECK(c.rx_duplicate == 2);
    CHECK(c.rx_packets == 6);
    CHECK(c.rx_bad == 0);
  }
}

TEST_CASE("datapath engine: a gap is given up after reorder_wait, the late packet dropped") {
  Link link(true, setup(128, true, true), setup(128, true, false));
  std::vector<wire::Bytes> packets;
  for (std::uint8_t i = 0; i < 4; ++i) packets.push_back(link.server.send_ip(ip_packet(i), link.now).at(0));
  auto& c = link.client;
  CHECK(c.receive({packets[0], packets[2], packets[3]}, link.now).ip.size() == 1);
  REQUIRE(c.engine.deadline().has_value());
  CHECK(*c.engine.deadline() == link.now + 50ms);
  c.out.clear();
  c.engine.on_time(link.now + 50ms, c.out);
  REQUIRE(c.out.ip.size() == 2);
  CHECK(c.out.ip[0].back() == 2);
  CHECK(c.out.ip[1].back() == 3);
  CHECK(c.receive({packets[1]}, link.now + 60ms).ip.empty());
  CHECK(c.engine.counters().rx_lost == 1);
  CHECK(c.engine.counters().rx_late == 1);
}

TEST_CASE("datapath engine: stateful MPPE after a lost packet gives the session a 0x00FD frame; Reset-Ack mends it") {
  datapath::Config cc = config(kClientCall, kServerCall);
  cc.reorder_packets = 0;  // give gaps up at once
  Side client(cc);
  Side server(config(kServerCall, kClientCall));
  client.engine.set_mppe(setup(128, false, true));
  server.engine.set_mppe(setup(128, false, false));
  client.engine.mppe_up();
  server.engine.mppe_up();
  client.engine.set_ip_pass(true);
  server.engine.set_ip_pass(true);
  const auto now = datapath::TimePoint{} + 1h;

  CHECK(client.receive(server.send_ip(ip_packet(0), now), now).ip.size() == 1);
  (void)server.send_ip(ip_packet(1), now);  // lost on the way
  auto got = client.receive(server.send_ip(ip_packet(2), now), now);
  CHECK(got.ip.empty());
  REQUIRE(got.control.size() == 1);
  CHECK(got.control[0].size() >= 2);
  CHECK(got.control[0][0] == 0x00);
  CHECK(got.control[0][1] == 0xFD);
  CHECK(client.engine.counters().rx_lost == 1);
  CHECK(client.engine.counters().rx_bad >= 1);
  // Until the server resets, nothing decrypts.
  CHECK(client.receive(server.send_ip(ip_packet(3), now), now).ip.empty());
  // The client's session sends a Reset-Request; the server's answers with a
  // Reset-Ack, which its engine peeks: the next packet is FLUSHED.
  const wire::Bytes reset_ack = {0x80, 0xFD, ppp::code::ResetAck, 0x01, 0x00, 0x04};
  auto ack = server.send_control(reset_ack, now);
  REQUIRE(ack.size() == 1);
  auto control = client.receive(ack, now);
  REQUIRE(control.control.size() == 1);
  CHECK(control.control[0] == reset_ack);
  got = client.receive(server.send_ip(ip_packet(4), now), now);
  REQUIRE(got.ip.size() == 1);
  CHECK(got.ip[0] == ip_packet(4));
  CHECK(client.engine.mppe_rx_running());
}

TEST_CASE("datapath engine: a CCP Configure-Request or Terminate while MPPE runs stops IP both ways") {
  struct Row {
    const char* name;
    std::uint8_t code;
    bool inbound;
  };
  const std::vector<Row> rows = {
      {"server's Configure-Request", ppp::code::ConfReq, true},
      {"server's Terminate-Request", ppp::code::TermReq, true},
      {"server's Terminate-Ack", ppp::code::TermAck, true},
      {"our Configure-Request", ppp::code::ConfReq, false},
      {"our Terminate-Request", ppp::code::TermReq, false},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    Link link(true, setup(128, true, true), setup(128, true, false));
    const wire::Bytes ccp = {0x80, 0xFD, row.code, 0x07, 0x00, 0x0A, 0x12, 0x06, 0x01, 0x00, 0x00, 0x40};
    if (row.inbound) {
      auto got = link.client.receive(link.server.send_control(ccp, link.now), link.now);
      REQUIRE(got.control.size() == 1);  // the session still hears it
      CHECK(got.control[0] == ccp);
    } else {
      CHECK(link.client.send_control(ccp, link.now).size() == 1);  // CCP itself still goes
    }
    CHECK_FALSE(link.client.engine.mppe_tx_running());
    CHECK_FALSE(link.client.engine.mppe_rx_running());
    // No IP out, clear or encrypted; none in either.
    CHECK(link.client.send_ip(ip_packet(1), link.now).empty());
    CHECK(link.client.engine.counters().tx_dropped == 1);
    CHECK(link.client.receive(link.server.send_ip(ip_packet(2), link.now), link.now).ip.empty());
    CHECK(link.client.receive({gre_data(kClientCall, 100, cat({0x00, 0x21}, ip_packet(3)))}, link.now).ip.empty());
    // Nor a network protocol that MPPE would carry; NCPs and LCP still go,
    // in clear as always (the session ends the link).
    CHECK(link.client.send_control({0x00, 0x57, 0x60, 0x00, 0x00, 0x00}, link.now).empty());
    CHECK(link.client.send_control({0x80, 0x21, 0x01, 0x01, 0x00, 0x04}, link.now).size() == 1);
    CHECK(link.client.send_control({0xC0, 0x21, 0x05, 0x02, 0x00, 0x04}, link.now).size() == 1);
    // The session may start MPPE again (new CCP Opened): IP flows again.
    link.client.engine.mppe_up();
    link.server.engine.mppe_up();
    CHECK(link.client.send_ip(ip_packet(4), link.now).size() == 1);
  }
}

TEST_CASE("datapath engine: IPv6 and malformed TUN input are not sent") {
  Link link(false, std::nullopt, std::nullopt);
  auto v6 = ip_packet(1);
  v6[0] = 0x60;
  CHECK(link.client.send_ip(v6, link.now).empty());
  std::vector<std::uint8_t> small(datapath::kHeadroom);
  link.client.out.clear();
  link.client.engine.send_ip(small, 1, link.now, link.client.out);
  link.client.engine.send_ip(small, 0, link.now, link.client.out);
  std::vector<std::uint8_t> huge(datapath::kMaxDatagram + datapath::kHeadroom, 0x45);
  link.client.engine.send_ip(huge, datapath::kMaxDatagram, link.now, link.client.out);
  CHECK(link.client.out.gre.empty());
  CHECK(link.client.engine.counters().tx_dropped == 4);
  // Oversized and malformed datagrams in.
  wire::Bytes big(datapath::kMaxDatagram + 1, 0);
  link.client.out.clear();
  link.client.engine.receive(big, link.now, link.client.out);
  CHECK(link.client.engine.counters().rx_bad == 1);
  CHECK(link.client.receive({gre_data(kServerCall, 0, cat({0x00, 0x21}, ip_packet(1)))}, link.now).ip.empty());
  CHECK(link.client.engine.counters().rx_bad == 2);  // another call's packet
}
