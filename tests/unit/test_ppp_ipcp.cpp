#include <doctest/doctest.h>

#include "ppp/ipcp.hpp"
#include "ppp_test_util.hpp"

using namespace ppp;
using namespace ppp_test;
using Kind = LayerEvent::Kind;

namespace {

// A tiny server: hands out 198.51.100.10 and DNS servers by Nak, asks for
// its own address 198.51.100.1, and rejects whatever it is told to.
struct ServerPolicy : OptionsPolicy {
  bool reject_dns = false;
  bool saw_client_address = false;

  void reset() override {}
  void write_request(wire::Writer& w) override { w.bytes(hex("03 06 c6 33 64 01")); }
  wire::Result<wire::Unit> review(std::span<const Option> options, bool, Review& review) override {
    for (const auto& o : options) {
      const bool dns = o.type == 129 || o.type == 131;
      if ((dns && reject_dns) || o.type == 130 || o.type == 132 || o.type == 2) {
        review.reject(o);
      } else if (o.type == 3 && option_u32(o) != 0xc633640a) {
        review.nak(o, hex("c6 33 64 0a"));
      } else if (o.type == 129 && option_u32(o) != 0xc0000235) {
        review.nak(o, hex("c0 00 02 35"));
      } else if (o.type == 131 && option_u32(o) != 0xc0000236) {
        review.nak(o, hex("c0 00 02 36"));
      }
      if (o.type == 3) saw_client_address = true;
    }
    return wire::Unit{};
  }
  wire::Result<wire::Unit> apply_nak(std::span<const Option>) override { return wire::Unit{}; }
  wire::Result<wire::Unit> apply_reject(std::span<const Option>) override { return wire::Unit{}; }
  wire::Result<wire::Unit> check_opened() override { return wire::Unit{}; }
};

void run(Ipcp& client, Fsm& server, Wire<Ipcp, Fsm>& w) {
  client.open(t0);
  server.open(t0);
  w.pump(client.up(t0), server.up(t0));
}

}  // namespace

TEST_CASE("ppp: ipcp first ConfReq asks 0.0.0.0 and both DNS servers") {
  Ipcp ipcp;
  ipcp.open(t0);
  auto out = ipcp.up(t0);
  CHECK(out.frames.at(0) ==
        hex("80 21 01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00"));
  IpcpConfig wins;
  wins.want_wins = true;
  Ipcp with_wins(wins);
  with_wins.open(t0);
  out = with_wins.up(t0);
  CHECK(out.frames.at(0) == hex("80 21 01 01 00 22 03 06 00 00 00 00 81 06 00 00 00 00 82 06 00 00 00 00 "
                                "83 06 00 00 00 00 84 06 00 00 00 00"));
}

TEST_CASE("ppp: ipcp takes the Nak'd address and DNS from a server and opens") {
  Ipcp client;
  ServerPolicy policy;
  Fsm server(proto::IPCP, "SERVER", policy);
  Wire<Ipcp, Fsm> w{client, server, {}, {}, {}, {}};
  run(client, server, w);
  REQUIRE(client.state() == State::Opened);
  REQUIRE(server.state() == State::Opened);
  const auto& o = client.outcome();
  CHECK(to_string(o.local) == "198.51.100.10");
  CHECK(to_string(o.peer) == "198.51.100.1");
  REQUIRE(o.dns1.has_value());
  CHECK(to_string(*o.dns1) == "192.0.2.53");
  REQUIRE(o.dns2.has_value());
  CHECK(to_string(*o.dns2) == "192.0.2.54");
  CHECK_FALSE(o.wins1.has_value());
  // Our second request repeats exactly what the server suggested.
  bool saw = false;
  for (const auto& f : w.a_sent)
    saw = saw || f == hex("80 21 01 02 00 16 03 06 c6 33 64 0a 81 06 c0 00 02 35 83 06 c0 00 02 36");
  CHECK(saw);
}

TEST_CASE("ppp: ipcp drops DNS options the server rejects and still opens") {
  Ipcp client;
  ServerPolicy policy;
  policy.reject_dns = true;
  Fsm server(proto::IPCP, "SERVER", policy);
  Wire<Ipcp, Fsm> w{client, server, {}, {}, {}, {}};
  run(client, server, w);
  REQUIRE(client.state() == State::Opened);
  CHECK(to_string(client.outcome().local) == "198.51.100.10");
  CHECK_FALSE(client.outcome().dns1.has_value());
  CHECK_FALSE(client.outcome().dns2.has_value());
  bool saw = false;
  for (const auto& f : w.b_sent) saw = saw || code_of(f) == code::ConfRej;
  CHECK(saw);
}

TEST_CASE("ppp: ipcp rejects VJ compression, accepts the server's address") {
  Ipcp ipcp;
  ipcp.open(t0);
  ipcp.up(t0);
  auto out = ipcp.receive(hex("01 01 00 10 02 06 00 2d 0f 01 03 06 0a 01 03 01"), t0);
  CHECK(out.frames.at(0) == hex("80 21 04 01 00 0a 02 06 00 2d 0f 01"));
  out = ipcp.receive(hex("01 02 00 0a 03 06 0a 01 03 01"), t0);
  CHECK(out.frames.at(0) == hex("80 21 02 02 00 0a 03 06 0a 01 03 01"));
}

TEST_CASE("ppp: ipcp fails when the server rejects the address or acks 0.0.0.0") {
  {
    Ipcp ipcp;
    ipcp.open(t0);
    ipcp.up(t0);
    auto out = ipcp.receive(hex("04 01 00 0a 03 06 00 00 00 00"), t0);
    CHECK(reason_of(out.events, Kind::Failed) == "IPCP: the server refused to assign us an IP address");
  }
  {
    Ipcp ipcp;
    ipcp.open(t0);
    ipcp.up(t0);
    ipcp.receive(hex("01 01 00 0a 03 06 0a 01 03 01"), t0);
    auto out = ipcp.receive(hex("02 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00"), t0);
    CHECK_FALSE(out.has(Kind::Up));
    CHECK(out.has(Kind::Failed));
  }
}

// --- Sanity of what the server hands out (issue 9) ---------------------------

namespace {

// The value of option `type` in one of our ConfReq frames, or nullopt if
// the request does not carry it.
std::optional<std::string> option_in(const wire::Bytes& frame, std::uint8_t type) {
  for (std::size_t i = 6; i + 2 <= frame.size() && frame[i + 1] >= 2; i += frame[i + 1]) {
    if (frame[i] == type && frame[i + 1] == 6 && i + 6 <= frame.size())
      return to_string(wire::Ipv4{frame[i + 2], frame[i + 3], frame[i + 4], frame[i + 5]});
  }
  return std::nullopt;
}

// A Configure-Nak of request `id` suggesting `value` for option `type`.
wire::Bytes nak(std::uint8_t id, std::uint8_t type, const wire::Ipv4& value) {
  return {code::ConfNak, id, 0, 10, type, 6, value[0], value[1], value[2], value[3]};
}

IpcpConfig with_server() {
  IpcpConfig c;
  c.server = wire::Ipv4{192, 0, 2, 1};  // the PPTP server's real address
  return c;
}

}  // namespace

TEST_CASE("ppp: ipcp judges each address and DNS server the server Naks to us") {
  enum class Action { Take, AskAgain, StopAsking, Ignore };
  struct Row {
    std::uint8_t type;
    wire::Ipv4 value;
    Action action;
  };
  using O = std::uint8_t;
  constexpr O A = ipcp_option::IpAddress, D1 = ipcp_option::PrimaryDns, D2 = ipcp_option::SecondaryDns;
  const Row rows[] = {
      {A, {198, 51, 100, 10}, Action::Take},
      {A, {1, 0, 0, 0}, Action::Take},
      {A, {126, 255, 255, 255}, Action::Take},
      {A, {128, 0, 0, 1}, Action::Take},
      {A, {223, 255, 255, 255}, Action::Take},
      {A, {192, 0, 2, 2}, Action::Take},          // the server's neighbour
      {A, {0, 0, 0, 0}, Action::Ignore},          // no suggestion at all
      {A, {0, 0, 0, 1}, Action::AskAgain},        // 0.0.0.0/8
      {A, {0, 255, 255, 255}, Action::AskAgain},
      {A, {127, 0, 0, 1}, Action::AskAgain},      // loopback
      {A, {127, 255, 255, 254}, Action::AskAgain},
      {A, {224, 0, 0, 1}, Action::AskAgain},      // multicast
      {A, {239, 255, 255, 255}, Action::AskAgain},
      {A, {240, 0, 0, 1}, Action::AskAgain},      // reserved
      {A, {255, 255, 255, 254}, Action::AskAgain},
      {A, {255, 255, 255, 255}, Action::AskAgain},  // limited broadcast
      {A, {192, 0, 2, 1}, Action::AskAgain},        // the server itself
      {D1, {192, 0, 2, 53}, Action::Take},
      {D1, {198, 51, 100, 1}, Action::Take},        // the tunnel peer may serve DNS
      {D1, {0, 0, 0, 0}, Action::Ignore},
      {D1, {127, 0, 0, 1}, Action::StopAsking},     // pptpd's "ms-dns 127.0.0.1"
      {D1, {127, 0, 0, 53}, Action::StopAsking},
      {D1, {0, 0, 0, 8}, Action::StopAsking},
      {D1, {224, 0, 0, 251}, Action::StopAsking},
      {D1, {250, 1, 2, 3}, Action::StopAsking},
      {D1, {255, 255, 255, 255}, Action::StopAsking},
      {D1, {192, 0, 2, 1}, Action::StopAsking},     // the server's real address
      {D2, {192, 0, 2, 54}, Action::Take},
      {D2, {127, 0, 1, 1}, Action::StopAsking},
      {D2, {192, 0, 2, 1}, Action::StopAsking},
  };
  for (const Row& row : rows) {
    CAPTURE(int(row.type));
    CAPTURE(to_string(row.value));
    Ipcp ipcp(with_server());
    ipcp.open(t0);
    ipcp.up(t0);
    auto out = ipcp.receive(nak(1, row.type, row.value), t0);
    REQUIRE(out.frames.size() == 1);
    const auto& req = out.frames[0];
    REQUIRE(code_of(req) == code::ConfReq);
    CHECK_FALSE(out.has(Kind::Failed));
    const auto asked = option_in(req, row.type);
    switch (row.action) {
      case Action::Take:
        CHECK(asked == to_string(row.value));
        break;
      case Action::AskAgain:
      case Action::Ignore:
        CHECK(asked == "0.0.0.0");
        break;
      case Action::StopAsking:
        CHECK_FALSE(asked.has_value());
        break;
    }
    // The address is always asked for; the other DNS option is untouched.
    CHECK(option_in(req, A).has_value());
    CHECK(option_in(req, row.type == D1 ? D2 : D1) == "0.0.0.0");
  }
}

TEST_CASE("ppp: unusable_address names the range") {
  struct Row {
    wire::Ipv4 a;
    const char* why;  // nullptr: usable
  };
  const std::optional<wire::Ipv4> server = wire::Ipv4{203, 0, 113, 7};
  const Row rows[] = {
      {{10, 0, 0, 1}, nullptr},
      {{203, 0, 113, 8}, nullptr},
      {{0, 1, 2, 3}, "an address of \"this network\" (0.0.0.0/8)"},
      {{127, 0, 0, 1}, "a loopback address (127.0.0.0/8)"},
      {{230, 1, 1, 1}, "a multicast address (224.0.0.0/4)"},
      {{241, 0, 0, 0}, "a reserved address (240.0.0.0/4)"},
      {{255, 255, 255, 255}, "the limited broadcast address (255.255.255.255)"},
      {{203, 0, 113, 7}, "the PPTP server's own address"},
  };
  for (const Row& row : rows) {
    CAPTURE(to_string(row.a));
    auto why = unusable_address(row.a, server);
    if (row.why == nullptr) {
      CHECK_FALSE(why.has_value());
    } else {
      CHECK(why == std::string(row.why));
    }
  }
  // Without a known server, only the ranges count.
  CHECK_FALSE(unusable_address({203, 0, 113, 7}, std::nullopt).has_value());
}

TEST_CASE("ppp: ipcp fails after the server insists on an unusable address three times, naming it") {
  struct Row {
    wire::Ipv4 value;
    std::string reason;
  };
  const Row rows[] = {
      {{127, 0, 0, 1},
       "IPCP: the server assigned us 127.0.0.1, a loopback address (127.0.0.0/8), and offered nothing else after 3 "
       "requests"},
      {{192, 0, 2, 1},
       "IPCP: the server assigned us 192.0.2.1, the PPTP server's own address, and offered nothing else after 3 "
       "requests"},
      {{255, 255, 255, 255},
       "IPCP: the server assigned us 255.255.255.255, the limited broadcast address (255.255.255.255), and offered "
       "nothing else after 3 requests"},
  };
  for (const Row& row : rows) {
    CAPTURE(to_string(row.value));
    Ipcp ipcp(with_server());
    ipcp.open(t0);
    ipcp.up(t0);
    std::uint8_t id = 1;
    for (unsigned n = 1; n < kMaxBadAddressNaks; ++n) {
      auto out = ipcp.receive(nak(id, ipcp_option::IpAddress, row.value), t0);
      REQUIRE(out.frames.size() == 1);
      CHECK(option_in(out.frames[0], ipcp_option::IpAddress) == "0.0.0.0");  // asked again
      CHECK_FALSE(out.has(Kind::Failed));
      id = id_of(out.frames[0]);
    }
    auto out = ipcp.receive(nak(id, ipcp_option::IpAddress, row.value), t0);
    CHECK(reason_of(out.events, Kind::Failed) == row.reason);
    CHECK_FALSE(out.has(Kind::Up));
  }
  // A good offer after two bad ones is taken.
  Ipcp ipcp(with_server());
  ipcp.open(t0);
  ipcp.up(t0);
  auto out = ipcp.receive(nak(1, ipcp_option::IpAddress, {127, 0, 0, 1}), t0);
  out = ipcp.receive(nak(id_of(out.frames.at(0)), ipcp_option::IpAddress, {224, 0, 0, 1}), t0);
  out = ipcp.receive(nak(id_of(out.frames.at(0)), ipcp_option::IpAddress, {198, 51, 100, 10}), t0);
  CHECK_FALSE(out.has(Kind::Failed));
  CHECK(option_in(out.frames.at(0), ipcp_option::IpAddress) == "198.51.100.10");
}

TEST_CASE("ppp: ipcp opens without a refused DNS server, says why, and accepts the server as its peer") {
  Ipcp ipcp(with_server());
  ipcp.open(t0);
  ipcp.up(t0);
  // The server's own request names its real address as its tunnel address:
  // only the route's peer, so accepted (the daemon pins the server's /32).
  auto out = ipcp.receive(hex("01 01 00 0a 03 06 c0 00 02 01"), t0);
  REQUIRE(out.frames.size() == 1);
  CHECK(code_of(out.frames[0]) == code::ConfAck);
  out = ipcp.receive(hex("03 01 00 16 03 06 c6 33 64 0a 81 06 7f 00 00 01 83 06 c0 00 02 36"), t0);
  REQUIRE(out.frames.size() == 1);
  const auto req = out.frames[0];
  CHECK(req == hex("80 21 01 02 00 10 03 06 c6 33 64 0a 83 06 c0 00 02 36"));
  auto ack = packet_of(req);
  ack[0] = code::ConfAck;
  out = ipcp.receive(ack, t0);
  REQUIRE(out.has(Kind::Up));
  const auto& o = ipcp.outcome();
  CHECK(to_string(o.local) == "198.51.100.10");
  CHECK(to_string(o.peer) == "192.0.2.1");
  CHECK_FALSE(o.dns1.has_value());
  CHECK(o.dns2 == wire::Ipv4{192, 0, 2, 54});
  REQUIRE(o.refused.size() == 1);
  CHECK(o.refused[0] == "IPCP: not using 127.0.0.1 as primary DNS server: it is a loopback address (127.0.0.0/8)");
}

TEST_CASE("ppp: ipcp fails on a server tunnel address no host can have") {
  struct Row {
    const char* request;
    const char* reason;  // nullptr: acknowledged
  };
  const Row rows[] = {
      {"01 01 00 0a 03 06 7f 00 00 01",
       "IPCP: the server gave its own address as 127.0.0.1, a loopback address (127.0.0.0/8), which cannot be a "
       "tunnel's peer"},
      {"01 01 00 0a 03 06 e0 00 00 05",
       "IPCP: the server gave its own address as 224.0.0.5, a multicast address (224.0.0.0/4), which cannot be a "
       "tunnel's peer"},
      {"01 01 00 0a 03 06 ff ff ff ff",
       "IPCP: the server gave its own address as 255.255.255.255, the limited broadcast address (255.255.255.255), "
       "which cannot be a tunnel's peer"},
      {"01 01 00 0a 03 06 c0 00 02 01", nullptr},  // the server's real address: fine as a peer
      {"01 01 00 0a 03 06 c6 33 64 01", nullptr},
  };
  for (const Row& row : rows) {
    CAPTURE(row.request);
    Ipcp ipcp(with_server());
    ipcp.open(t0);
    ipcp.up(t0);
    auto out = ipcp.receive(hex(row.request), t0);
    if (row.reason == nullptr) {
      REQUIRE(out.frames.size() == 1);
      CHECK(code_of(out.frames[0]) == code::ConfAck);
      CHECK_FALSE(out.has(Kind::Failed));
    } else {
      CHECK(reason_of(out.events, Kind::Failed) == row.reason);
    }
  }
}
