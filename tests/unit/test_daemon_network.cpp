// tunnel_covers: when the server's /32 must be pinned outside the tunnel.
#include <doctest/doctest.h>

#include <optional>

#include "daemon/network.hpp"

TEST_CASE("daemon: the server is pinned whenever a tunnel route covers it, the peer's /32 included") {
  struct Row {
    const char* what;
    bool default_route;
    std::vector<wire::Ipv4Prefix> routes;
    std::optional<wire::Ipv4> peer;
    bool covered;
  };
  const wire::Ipv4 server{192, 0, 2, 1};
  const Row rows[] = {
      {"nothing through the tunnel", false, {}, std::nullopt, false},
      {"full tunnel", true, {}, std::nullopt, true},
      {"the office /24 the server sits in", false, {{{192, 0, 2, 0}, 24}}, std::nullopt, true},
      {"the server's own /32", false, {{{192, 0, 2, 1}, 32}}, std::nullopt, true},
      {"another network", false, {{{203, 0, 113, 0}, 24}}, std::nullopt, false},
      {"a neighbour /32", false, {{{192, 0, 2, 2}, 32}}, std::nullopt, false},
      {"a 0.0.0.0/0 route", false, {{{0, 0, 0, 0}, 0}}, std::nullopt, true},
      {"the peer is the server", false, {}, wire::Ipv4{192, 0, 2, 1}, true},
      {"the peer is another address", false, {}, wire::Ipv4{198, 51, 100, 1}, false},
      {"the peer is unknown (0.0.0.0)", false, {}, wire::Ipv4{0, 0, 0, 0}, false},
  };
  for (const Row& row : rows) {
    CAPTURE(row.what);
    config::Profile p;
    p.default_route = row.default_route;
    p.routes = row.routes;
    CHECK(pptpctl::tunnel_covers(p, server, row.peer) == row.covered);
  }
}
