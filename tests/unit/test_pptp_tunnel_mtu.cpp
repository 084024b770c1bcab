// The tunnel MTU arithmetic (userspace/pptp/tunnel_mtu.hpp): rows of a path,
// a profile setting and the server's MRU, and the MTU and reason expected.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "pptp/tunnel_mtu.hpp"

using pptp::PathMtu;

TEST_CASE("tunnel mtu: the overhead, layer by layer") {
  CHECK(pptp::tunnel_overhead(true) == 44);   // 20 IPv4 + 16 GRE + 2 FF03 + 2 proto + 2 MPPE + 2 inner proto
  CHECK(pptp::tunnel_overhead(false) == 40);
  CHECK(pptp::mss_for_mtu(1456) == 1416);
  CHECK(pptp::mss_for_mtu(1256) == 1216);
}

TEST_CASE("tunnel mtu: auto and fixed, rows") {
  struct Row {
    std::optional<unsigned> fixed;
    PathMtu path;
    bool mppe;
    unsigned peer_mru;
    unsigned want;
    std::string how;
  };
  const Row rows[] = {
      // A plain Ethernet path.
      {std::nullopt, {"eth0", 1500, 0}, true, 1500, 1456, "auto: eth0 1500 - 44"},
      {std::nullopt, {"eth0", 1500, 0}, false, 1500, 1460, "auto: eth0 1500 - 40"},
      // A smaller uplink (the lab's 1300, PPPoE's 1492).
      {std::nullopt, {"eth0", 1300, 0}, true, 1500, 1256, "auto: eth0 1300 - 44"},
      {std::nullopt, {"ppp0", 1492, 0}, true, 1500, 1448, "auto: ppp0 1492 - 44"},
      // A learned path MTU (or a route's mtu metric) below the device's wins.
      {std::nullopt, {"eth0", 1500, 1400}, true, 1500, 1356, "auto: the route to the server 1400 - 44"},
      // ... but one above the device's does not.
      {std::nullopt, {"eth0", 1500, 9000}, true, 1500, 1456, "auto: eth0 1500 - 44"},
      // A jumbo path: the server's MRU caps it (1500 - 4 for MPPE).
      {std::nullopt, {"eth0", 9000, 0}, true, 1500, 1496, "auto: eth0 9000 - 44, capped by the server's MRU 1500"},
      // Nothing known about the path.
      {std::nullopt, {"", 0, 0}, true, 1500, 1400, "auto: the path's MTU is unknown"},
      // Too small a path: never under 576 (RFC 791).
      {std::nullopt, {"eth0", 600, 0}, true, 1500, 576,
       "auto: eth0 600 leaves less than 576 after 44 bytes of PPTP"},
      // The profile's number, capped by the server's MRU as always.
      {1400u, {"eth0", 1300, 0}, true, 1500, 1400, "the profile's mtu"},
      {1500u, {"eth0", 1500, 0}, true, 1500, 1496, "the profile's mtu, capped by the server's MRU 1500"},
      {1500u, {"eth0", 1500, 0}, false, 1500, 1500, "the profile's mtu"},
      // A server with a small MRU.
      {std::nullopt, {"eth0", 1500, 0}, true, 1200, 1196, "auto: eth0 1500 - 44, capped by the server's MRU 1200"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.want);
    CAPTURE(r.how);
    const auto c = pptp::choose_tunnel_mtu(r.fixed, r.path, r.mppe, r.peer_mru);
    CHECK(c.mtu == r.want);
    CHECK(c.how == r.how);
  }
}
