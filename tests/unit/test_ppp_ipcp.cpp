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
