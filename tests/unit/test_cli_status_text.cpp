// status_text: `pptpctl status` in words from the daemon's JSON, for every
// state, and for JSON from older daemons or with fields of the wrong type.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/status_text.hpp"

using pptpctl::status_text;

namespace {

std::string text(std::string_view json) { return status_text(nlohmann::json::parse(json)); }

}  // namespace

TEST_CASE("cli: status text for each state") {
  struct Row {
    std::string_view json;
    std::string_view text;
  };
  const Row rows[] = {
      {R"({"name": "office", "server": "192.0.2.1", "state": "connecting", "reconnects": 0,
           "last_failure": null, "next_attempt_s": null})",
       "office: connecting, server 192.0.2.1\n"
       "  reconnects: 0\n"},
      {R"({"name": "office", "server": "192.0.2.1", "state": "reconnecting", "reconnects": 3,
           "last_failure": "the server did not answer on TCP port 1723", "next_attempt_s": 4})",
       "office: reconnecting, server 192.0.2.1, next attempt in 4 s\n"
       "  reconnects: 3, last failure: the server did not answer on TCP port 1723\n"},
      {R"({"name": "office", "server": "192.0.2.1", "state": "reconnecting", "reconnects": 1,
           "last_failure": "link lost", "next_attempt_s": 1.24})",
       "office: reconnecting, server 192.0.2.1, next attempt in 1.2 s\n"
       "  reconnects: 1, last failure: link lost\n"},
      {R"({"name": "office", "server": "192.0.2.1", "state": "reconnecting", "reconnects": 9,
           "last_failure": "link lost", "next_attempt_s": 59.6})",
       "office: reconnecting, server 192.0.2.1, next attempt in 1 min\n"
       "  reconnects: 9, last failure: link lost\n"},
      // An attempt is running: no countdown, even if one is left in the JSON.
      {R"({"name": "office", "server": "192.0.2.1", "state": "connecting", "reconnects": 2,
           "last_failure": "link lost", "next_attempt_s": 3})",
       "office: connecting, server 192.0.2.1\n"
       "  reconnects: 2, last failure: link lost\n"},
      {R"({"name": "office", "server": "192.0.2.1", "state": "stopping", "reconnects": 0})",
       "office: stopping, server 192.0.2.1\n"
       "  reconnects: 0\n"},
      {R"({"name": "office", "server": "192.0.2.1", "interface": "pptp-office", "state": "up",
           "local": "198.51.100.2", "peer": "198.51.100.1", "dns": ["198.51.100.53"],
           "dns_backend": "resolvconf", "mppe": {"send": "128-bit stateless", "receive": "128-bit stateless"},
           "uptime_s": 7530, "rx_bytes": 1000, "tx_bytes": 2000, "reconnects": 1,
           "last_failure": "link lost: the server stopped answering LCP echoes", "next_attempt_s": null})",
       "office: up on pptp-office, 198.51.100.2 peer 198.51.100.1, server 192.0.2.1\n"
       "  encryption: send 128-bit stateless, receive 128-bit stateless\n"
       "  dns: 198.51.100.53 (resolvconf)\n"
       "  uptime: 2 h 5 min, received 1000 bytes, sent 2000 bytes\n"
       "  reconnects: 1, last failure: link lost: the server stopped answering LCP echoes\n"},
      // The MTU and how it was chosen, clamped and not.
      {R"({"name": "office", "server": "192.0.2.1", "interface": "pptp-office", "state": "up",
           "local": "198.51.100.2", "peer": "198.51.100.1", "mppe": null, "mtu": 1256,
           "mtu_source": "auto: eth0 1300 - 44", "clamp_mss": 1216, "uptime_s": 5, "reconnects": 0})",
       "office: up on pptp-office, 198.51.100.2 peer 198.51.100.1, server 192.0.2.1\n"
       "  encryption: NONE\n"
       "  dns: -\n"
       "  mtu: 1256 (auto: eth0 1300 - 44), TCP MSS clamped to 1216\n"
       "  uptime: 5 s\n"
       "  reconnects: 0\n"},
      {R"({"name": "office", "server": "192.0.2.1", "interface": "pptp-office", "state": "up",
           "local": "198.51.100.2", "peer": "198.51.100.1", "mppe": null, "mtu": 1400,
           "mtu_source": "the profile's mtu", "clamp_mss": null, "uptime_s": 5, "reconnects": 0})",
       "office: up on pptp-office, 198.51.100.2 peer 198.51.100.1, server 192.0.2.1\n"
       "  encryption: NONE\n"
       "  dns: -\n"
       "  mtu: 1400 (the profile's mtu), TCP MSS not clamped\n"
       "  uptime: 5 s\n"
       "  reconnects: 0\n"},
      // The data path, and the userspace one's counters.
      {R"({"name": "office", "server": "192.0.2.1", "interface": "pptp-office", "state": "up",
           "local": "198.51.100.2", "peer": "198.51.100.1", "mppe": null, "data_path": "kernel",
           "uptime_s": 5, "reconnects": 0})",
       "office: up on pptp-office, 198.51.100.2 peer 198.51.100.1, server 192.0.2.1\n"
       "  encryption: NONE\n"
       "  dns: -\n"
       "  data path: kernel\n"
       "  uptime: 5 s\n"
       "  reconnects: 0\n"},
      {R"({"name": "office", "server": "192.0.2.1", "interface": "pptp-office", "state": "up",
           "local": "198.51.100.2", "peer": "198.51.100.1", "mppe": null, "data_path": "userspace",
           "datapath": {"reordered": 3, "late": 0, "lost": 1, "clear_dropped": 2, "bad": 0},
           "uptime_s": 5, "reconnects": 0})",
       "office: up on pptp-office, 198.51.100.2 peer 198.51.100.1, server 192.0.2.1\n"
       "  encryption: NONE\n"
       "  dns: -\n"
       "  data path: userspace (reordered 3, late 0, lost 1, clear dropped 2)\n"
       "  uptime: 5 s\n"
       "  reconnects: 0\n"},
      // An older daemon: no reconnect fields at all.
      {R"({"name": "office", "server": "192.0.2.1", "interface": "pptp-office", "state": "up",
           "local": "198.51.100.2", "peer": "198.51.100.1", "dns": [], "mppe": null, "uptime_s": 42})",
       "office: up on pptp-office, 198.51.100.2 peer 198.51.100.1, server 192.0.2.1\n"
       "  encryption: NONE\n"
       "  dns: -\n"
       "  uptime: 42 s\n"},
      {R"({"name": "office", "server": "192.0.2.1", "state": "stopped"})",
       "office: stopped, server 192.0.2.1\n"},
      // Up, but the link's fields are missing: dashes, never a throw.
      {R"({"name": "office", "state": "up"})",
       "office: up on -, - peer -, server -\n"
       "  encryption: unknown\n"
       "  dns: -\n"
       "  uptime: -\n"},
      // Wrong types everywhere.
      {R"({"name": 7, "state": "up", "interface": [], "mppe": "yes", "dns": "198.51.100.53",
           "uptime_s": -5, "rx_bytes": "lots", "reconnects": -1, "last_failure": 3})",
       "-: up on -, - peer -, server -\n"
       "  encryption: unknown\n"
       "  dns: -\n"
       "  uptime: -\n"},
      {R"({"name": "office", "state": "reconnecting", "next_attempt_s": "soon", "reconnects": 2.5})",
       "office: reconnecting, server -\n"},
      {R"({"name": "office", "state": "reconnecting", "next_attempt_s": 0, "last_failure": "link lost"})",
       "office: reconnecting, server -, next attempt now\n"
       "  reconnects: -, last failure: link lost\n"},
      {"[]", "-: -, server -\n"},
      {"null", "-: -, server -\n"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.json);
    CHECK(text(row.json) == row.text);
  }
}

TEST_CASE("cli: durations and the next attempt in words") {
  using pptpctl::duration;
  using pptpctl::next_attempt;
  CHECK(duration(0) == "0 s");
  CHECK(duration(59) == "59 s");
  CHECK(duration(60) == "1 min");
  CHECK(duration(61) == "1 min 1 s");
  CHECK(duration(3599) == "59 min 59 s");
  CHECK(duration(3600) == "1 h");
  CHECK(duration(3660) == "1 h 1 min");
  CHECK(duration(86400) == "1 d");
  CHECK(duration(90061) == "1 d 1 h");
  CHECK(next_attempt(4) == "next attempt in 4 s");
  CHECK(next_attempt(1.2) == "next attempt in 1.2 s");
  CHECK(next_attempt(0.04) == "next attempt in 0.1 s");
  CHECK(next_attempt(9.99) == "next attempt in 10 s");
  CHECK(next_attempt(10.4) == "next attempt in 10 s");
  CHECK(next_attempt(125) == "next attempt in 2 min 5 s");
  CHECK(next_attempt(0) == "next attempt now");
  CHECK(next_attempt(-3) == "next attempt now");
}

TEST_CASE("cli: up --debug stamps lines with the time since up started") {
  using namespace std::chrono_literals;
  struct Row {
    std::chrono::nanoseconds since;
    std::string_view stamp;
  };
  const Row rows[] = {
      {0ns, "[   0.000]"},          {999999ns, "[   0.000]"},  // milliseconds, truncated
      {1ms, "[   0.001]"},          {412ms, "[   0.412]"},
      {1s + 50ms, "[   1.050]"},    {12345678ms, "[12345.678]"},  // wider, never cut
      {-5ms, "[   0.000]"},  // a clock step must not print "-0.005"
  };
  for (const auto& r : rows) {
    CAPTURE(r.since.count());
    CHECK(pptpctl::elapsed_stamp(r.since) == r.stamp);
  }
}
