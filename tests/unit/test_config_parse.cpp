// parse_profile: defaults, every key's type and range errors with their exact
// wording, unknown keys, password sources. No files are touched.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/profile.hpp"

using namespace config;

namespace {

// A valid minimal profile with `extra` members appended.
std::string profile_text(std::string_view extra = {}) {
  std::string text = R"({"server": "192.0.2.1", "username": "alice", "password_file": "office.secret")";
  if (!extra.empty()) text += std::string(", ") + std::string(extra);
  return text + "}";
}

wire::Result<Profile> parse(std::string_view text, std::string_view name = "office") {
  return parse_profile(text, "/etc/pptpctl/office.json", name);
}

std::string error_of(std::string_view text) {
  auto r = parse(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == wire::ErrorKind::Fatal);
  return r.error().reason;
}

std::string error_with(std::string_view extra) { return error_of(profile_text(extra)); }

constexpr std::string_view kFile = "/etc/pptpctl/office.json: ";

}  // namespace

TEST_CASE("config: a minimal profile gets every documented default") {
  auto r = parse(profile_text());
  REQUIRE(r.ok());
  const Profile& p = *r;
  CHECK(p.name == "office");
  CHECK(p.path == "/etc/pptpctl/office.json");
  CHECK(p.server == "192.0.2.1");
  CHECK(p.username == "alice");
  CHECK(p.password_file == "/etc/pptpctl/office.secret");
  CHECK(p.password.empty());
  CHECK(p.auth == std::vector<AuthMethod>{AuthMethod::MsChapV2});
  CHECK(p.mppe.required);
  CHECK(p.mppe.bits == MppeBits{false, false, true});
  CHECK_FALSE(p.mppe.stateful);
  CHECK(p.routes.empty());
  CHECK_FALSE(p.default_route);
  CHECK(p.dns.use_peer);
  CHECK_FALSE(p.mtu.has_value());  // "auto"
  CHECK(p.clamp_mss);
  CHECK(p.mru == 1500);
  CHECK(p.interface == "pptp-office");
  CHECK(p.lcp_echo.interval_s == 10);
  CHECK(p.lcp_echo.failures == 3);
  CHECK(p.connect_timeout_s == 30);
  CHECK(p.reconnect == Reconnect{true, 1, 60, 0});
  CHECK_FALSE(p.block_while_down);
  CHECK(p.idle_timeout_s == 0);
  CHECK_FALSE(p.debug);
  CHECK(p.inject_guard);
  CHECK(p.data_path == DataPath::Auto);
}

TEST_CASE("config: every key given is read") {
  auto r = parse(R"({
    "server": "vpn.example.com", "username": "CORP\\alice", "password": "s3cret",
    "auth": ["pap", "mschap-v2", "chap-md5", "mschap"],
    "mppe": {"required": false, "bits": [40, 128], "stateful": true},
    "routes": ["203.0.113.0/24", "10.0.0.0/8", "0.0.0.0/0", "198.51.100.7/32"],
    "default_route": true, "dns": {"use_peer": false}, "mtu": 576, "mru": 1500,
    "interface": "vpn0", "lcp_echo": {"interval_s": 0, "failures": 100},
    "connect_timeout_s": 300, "debug": true, "clamp_mss": false,
    "reconnect": {"enabled": false, "delay_s": 3600, "max_delay_s": 86400, "max_attempts": 1000000},
    "block_while_down": false, "idle_timeout_s": 604800, "inject_guard": false,
    "data_path": "userspace" })");
  REQUIRE(r.ok());
  const Profile& p = *r;
  CHECK(p.server == "vpn.example.com");
  CHECK(p.username == "CORP\\alice");
  CHECK(p.password.reveal() == "s3cret");
  CHECK(p.password_file.empty());
  CHECK(p.auth == std::vector<AuthMethod>{AuthMethod::Pap, AuthMethod::MsChapV2,
                                          AuthMethod::ChapMd5, AuthMethod::MsChapV1});
  CHECK(p.mppe == Mppe{false, MppeBits{true, false, true}, true});
  REQUIRE(p.routes.size() == 4);
  CHECK(p.routes[0] == wire::Ipv4Prefix{{203, 0, 113, 0}, 24});
  CHECK(p.routes[0].addr.to_u32() == 0xCB007100u);
  CHECK(p.routes[1] == wire::Ipv4Prefix{{10, 0, 0, 0}, 8});
  CHECK(p.routes[2] == wire::Ipv4Prefix{{0, 0, 0, 0}, 0});
  CHECK(p.routes[3] == wire::Ipv4Prefix{{198, 51, 100, 7}, 32});
  CHECK(p.default_route);
  CHECK_FALSE(p.dns.use_peer);
  CHECK(p.mtu == 576);
  CHECK_FALSE(p.clamp_mss);
  CHECK(p.interface == "vpn0");
  CHECK(p.lcp_echo == LcpEcho{0, 100});
  CHECK(p.connect_timeout_s == 300);
  CHECK(p.reconnect == Reconnect{false, 3600, 86400, 1000000});
  CHECK_FALSE(p.block_while_down);  // given, so default_route does not decide
  CHECK(p.idle_timeout_s == 604800);
  CHECK(p.debug);
  CHECK_FALSE(p.inject_guard);
  CHECK(p.data_path == DataPath::Userspace);
}

TEST_CASE("config: mtu is \"auto\" or a number") {
  struct Row {
    std::string_view extra;
    std::optional<std::uint16_t> want;
  };
  const Row rows[] = {{"", std::nullopt}, {R"("mtu": "auto")", std::nullopt}, {R"("mtu": 1400)", 1400},
                      {R"("mtu": 1500)", 1500}, {R"("mtu": 576)", 576}};
  for (const auto& row : rows) {
    CAPTURE(row.extra);
    auto r = parse(profile_text(row.extra));
    REQUIRE(r.ok());
    CHECK(r->mtu == row.want);
    CHECK(to_json(*r)["mtu"] == (row.want ? nlohmann::json(*row.want) : nlohmann::json("auto")));
  }
}

TEST_CASE("config: the top level must be an object") {
  CHECK(error_of("[1, 2]") ==
        std::string(kFile) + "expected a JSON object at the top level, got an array");
  CHECK(error_of("\"office\"") ==
        std::string(kFile) + "expected a JSON object at the top level, got \"office\"");
}

TEST_CASE("config: unknown keys are errors, with a suggestion when one is close") {
  CHECK(error_with(R"("rootes": [])") ==
        std::string(kFile) + R"(unknown key "rootes" (did you mean "routes"?))");
  CHECK(error_with(R"("MTU": 1400)") ==
        std::string(kFile) + R"(unknown key "MTU" (did you mean "mtu"?))");
  CHECK(error_with(R"("mppe": {"bit": [128]})") ==
        std::string(kFile) + R"(mppe: unknown key "bit" (did you mean "bits"?))");
  CHECK(error_with(R"("lcp_echo": {"intervall_s": 5})") ==
        std::string(kFile) + R"(lcp_echo: unknown key "intervall_s" (did you mean "interval_s"?))");
  CHECK(error_with(R"("dns": {"servers": ["1.1.1.1"]})") ==
        std::string(kFile) + R"(dns: unknown key "servers"; the keys allowed here are "use_peer", "domains")");
  // A misspelt required key is reported as the typo, not as the key missing.
  CHECK(error_of(R"({"sever": "192.0.2.1", "username": "a", "password": "p"})") ==
        std::string(kFile) + R"(unknown key "sever" (did you mean "server"?))");
  CHECK(error_with(R"("colour": "blue")").find(R"(unknown key "colour"; the keys allowed here are "server", "username")") !=
        std::string::npos);
}

TEST_CASE("config: a key given twice is an error") {
  CHECK(error_with(R"("mtu": 1400, "mtu": 1300)") ==
        std::string(kFile) + R"(key "mtu" appears more than once)");
  CHECK(error_with(R"("password_file": "other.secret")") ==
        std::string(kFile) + R"(key "password_file" appears more than once)");
  CHECK(error_with(R"("mppe": {"bits": [40], "bits": [128]})") ==
        std::string(kFile) + R"(mppe: key "bits" appears more than once)");
}

TEST_CASE("config: required keys") {
  CHECK(error_of(R"({"username": "alice", "password": "x"})") ==
        std::string(kFile) +
            R"(missing required key "server" (the PPTP server's IPv4 address or host name))");
  CHECK(error_of(R"({"server": "192.0.2.1", "password": "x"})") ==
        std::string(kFile) + R"(missing required key "username" (the name to log in with))");
}

TEST_CASE("config: server is an IPv4 literal or a host name") {
  const auto with_server = [](std::string_view s) {
    return std::string(R"({"username": "alice", "password": "x", "server": )") + std::string(s) + "}";
  };
  CHECK(parse(with_server(R"("vpn-1.corp.example.")")).ok());
  CHECK(parse(with_server(R"("localhost")")).ok());
  CHECK(error_of(with_server("42")) == std::string(kFile) + "server: expected a string, got 42");
  CHECK(error_of(with_server(R"("192.0.2.256")")) ==
        std::string(kFile) +
            R"(server: expected an IPv4 address like 192.0.2.1 or a host name, got "192.0.2.256")");
  CHECK(error_of(with_server(R"("2001:db8::1")")) ==
        std::string(kFile) +
            R"(server: expected an IPv4 address or a host name (PPTP runs over IPv4 only), got "2001:db8::1")");
  CHECK(error_of(with_server(R"("bad host")")) ==
        std::string(kFile) + R"(server: expected an IPv4 address or a host name, got "bad host")");
  CHECK(error_of(with_server(R"("")")) ==
        std::string(kFile) + R"(server: expected an IPv4 address or a host name, got "")");
}

TEST_CASE("config: username") {
  const auto with_user = [](std::string_view u) {
    return std::string(R"({"server": "192.0.2.1", "password": "x", "username": )") + std::string(u) + "}";
  };
  CHECK(error_of(with_user(R"("")")) == std::string(kFile) + R"(username: expected a non-empty string, got "")");
  CHECK(error_of(with_user("null")) == std::string(kFile) + "username: expected a string, got null");
  CHECK(error_of(with_user('"' + std::string(256, 'a') + '"')) ==
        std::string(kFile) + "username: expected at most 255 bytes, got 256");
  CHECK(parse(with_user('"' + std::string(255, 'a') + '"')).ok());
  CHECK(error_of(with_user(R"("al\u0000ice")")) ==
        std::string(kFile) + R"(username: expected no control characters, got "al\u0000ice")");
}

TEST_CASE("config: exactly one of password and password_file") {
  CHECK(error_of(R"({"server": "192.0.2.1", "username": "alice"})") ==
        std::string(kFile) +
            R"(no password: set "password_file" (a file only root can read) or "password")");
  CHECK(error_with(R"("password": "x")") ==
        std::string(kFile) + R"("password" and "password_file" are both set; keep exactly one)");
}

TEST_CASE("config: password_file is resolved next to the profile") {
  CHECK(parse(profile_text())->password_file == "/etc/pptpctl/office.secret");
  auto abs = parse(R"({"server": "192.0.2.1", "username": "a", "password_file": "/root/vpn.pw"})");
  CHECK(abs->password_file == "/root/vpn.pw");
  auto no_dir = parse_profile(profile_text(), "office.json", "office");
  CHECK(no_dir->password_file == "office.secret");
  CHECK(error_of(R"({"server": "192.0.2.1", "username": "a", "password_file": ""})") ==
        std::string(kFile) + R"(password_file: expected a path to the file holding the password, got "")");
  CHECK(error_of(R"({"server": "192.0.2.1", "username": "a", "password_file": ["x"]})") ==
        std::string(kFile) + "password_file: expected a string, got an array");
}

TEST_CASE("config: an inline password never appears in an error") {
  const std::string secret = "hunter2-SECRET";
  const auto base = [&](std::string_view rest) {
    return R"({"server": "192.0.2.1", "username": "alice", "password": ")" + secret + '"' +
           std::string(rest) + "}";
  };
  for (std::string_view bad : {R"(, "mtu": 1)", R"(, "rootes": [])", R"(, "mtu": 1, "mtu": 2)",
                               ", ]", R"(, "auth": ["x"])"}) {
    auto r = parse(base(bad));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason.find("hunter2") == std::string::npos);
  }
  // An unterminated password with a raw newline: nlohmann quotes "last read"
  // text, which is cut from the message.
  auto r = parse(R"({"server": "192.0.2.1", "username": "a", "password": "hunter2)" "\n" R"("})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason.find("hunter2") == std::string::npos);
  CHECK(r.error().reason.rfind("/etc/pptpctl/office.json:1:", 0) == 0);

  CHECK(error_of(R"({"server": "192.0.2.1", "username": "a", "password": 1234})") ==
        std::string(kFile) + "password: expected a string, got an integer");
  CHECK(error_of(R"({"server": "192.0.2.1", "username": "a", "password": ""})") ==
        std::string(kFile) + "password: expected a non-empty string");
  CHECK(error_of(R"({"server": "192.0.2.1", "username": "a", "password": ")" + std::string(1025, 'x') +
                 R"("})") == std::string(kFile) + "password: is longer than 1024 bytes");
}

TEST_CASE("config: auth methods") {
  CHECK(error_with(R"("auth": [])") ==
        std::string(kFile) +
            R"(auth: expected a non-empty array of "mschap-v2", "mschap", "chap-md5", "pap", got an array)");
  CHECK(error_with(R"("auth": "pap")") ==
        std::string(kFile) +
            R"(auth: expected a non-empty array of "mschap-v2", "mschap", "chap-md5", "pap", got "pap")");
  CHECK(error_with(R"("auth": ["mschap-v2", "md5"])") ==
        std::string(kFile) +
            R"(auth[1]: expected one of "mschap-v2", "mschap", "chap-md5", "pap", got "md5")");
  CHECK(error_with(R"("auth": ["pap", 3])") ==
        std::string(kFile) + R"(auth[1]: expected one of "mschap-v2", "mschap", "chap-md5", "pap", got 3)");
  CHECK(error_with(R"("auth": ["pap", "mschap", "pap"])") ==
        std::string(kFile) + R"(auth[2]: "pap" is listed twice)");
}

TEST_CASE("config: mppe") {
  // Linux's ppp_mppe accepts a 56-bit key and then never starts encrypting.
  CHECK(error_with(R"("mppe": {"bits": [128, 56]})") ==
        std::string(kFile) + "mppe.bits[1]: 56-bit MPPE is not supported by the Linux kernel (use 40 or 128)");
  CHECK(error_with(R"("mppe": {"bits": [128, 64]})") ==
        std::string(kFile) + "mppe.bits[1]: expected one of 40, 128, got 64");
  CHECK(error_with(R"("mppe": {"bits": ["128"]})") ==
        std::string(kFile) + R"(mppe.bits[0]: expected one of 40, 128, got "128")");
  CHECK(error_with(R"("mppe": {"bits": [128.0]})") ==
        std::string(kFile) + "mppe.bits[0]: expected one of 40, 128, got 128.0");
  CHECK(error_with(R"("mppe": {"bits": []})") ==
        std::string(kFile) + "mppe.bits: expected a non-empty array of 40, 128, got an array");
  CHECK(error_with(R"("mppe": {"bits": [40, 40]})") ==
        std::string(kFile) + "mppe.bits[1]: 40 is listed twice");
  CHECK(error_with(R"("mppe": {"required": "yes"})") ==
        std::string(kFile) + R"(mppe.required: expected true or false, got "yes")");
  CHECK(error_with(R"("mppe": {"stateful": 1})") ==
        std::string(kFile) + "mppe.stateful: expected true or false, got 1");
  CHECK(error_with(R"("mppe": true)") == std::string(kFile) + "mppe: expected an object, got true");
  auto partial = parse(profile_text(R"("mppe": {"required": false})"));
  REQUIRE(partial.ok());
  CHECK(partial->mppe == Mppe{false, MppeBits{false, false, true}, false});
}

TEST_CASE("config: routes are IPv4 networks with host bits zero") {
  CHECK(error_with(R"("routes": ["203.0.113.1/24"])") ==
        std::string(kFile) +
            R"(routes[0]: expected an IPv4 network like "203.0.113.0/24", got "203.0.113.1/24" (host bits must be zero; did you mean 203.0.113.0/24?))");
  CHECK(error_with(R"("routes": ["10.0.0.0/8", "10.0.0.0/33"])") ==
        std::string(kFile) +
            R"(routes[1]: expected an IPv4 network like "203.0.113.0/24", got "10.0.0.0/33" (the prefix length must be 0 to 32))");
  CHECK(error_with(R"("routes": ["banana"])") ==
        std::string(kFile) +
            R"(routes[0]: expected an IPv4 network like "203.0.113.0/24", got "banana" (the prefix length is missing))");
  CHECK(error_with(R"("routes": ["10.0.0/8"])") ==
        std::string(kFile) +
            R"(routes[0]: expected an IPv4 network like "203.0.113.0/24", got "10.0.0/8" (the address is not a dotted quad like 203.0.113.0))");
  CHECK(error_with(R"("routes": ["10.0.0.0"])").find("(the prefix length is missing)") != std::string::npos);
  CHECK(error_with(R"("routes": [24])") ==
        std::string(kFile) + R"(routes[0]: expected an IPv4 network like "203.0.113.0/24", got 24)");
  CHECK(error_with(R"("routes": "10.0.0.0/8")") ==
        std::string(kFile) +
            R"(routes: expected an array of IPv4 networks like "203.0.113.0/24", got "10.0.0.0/8")");
  CHECK(error_with(R"("routes": ["10.0.0.0/8", "10.0.0.0/8"])") ==
        std::string(kFile) + R"(routes[1]: "10.0.0.0/8" is listed twice)");
}

TEST_CASE("config: integer keys and their ranges") {
  CHECK(error_with(R"("mtu": 9000)") == std::string(kFile) + "mtu: expected an integer from 576 to 1500, got 9000");
  CHECK(error_with(R"("mtu": 575)") == std::string(kFile) + "mtu: expected an integer from 576 to 1500, got 575");
  CHECK(error_with(R"("mtu": -1400)") == std::string(kFile) + "mtu: expected an integer from 576 to 1500, got -1400");
  CHECK(error_with(R"("mtu": "big")") ==
        std::string(kFile) + R"(mtu: expected "auto" or an integer from 576 to 1500, got "big")");
  CHECK(error_with(R"("clamp_mss": "yes")") == std::string(kFile) + R"(clamp_mss: expected true or false, got "yes")");
  CHECK(error_with(R"("mtu": 1400.5)") == std::string(kFile) + "mtu: expected an integer from 576 to 1500, got 1400.5");
  CHECK(error_with(R"("mtu": "1400")") == std::string(kFile) + R"(mtu: expected "auto" or an integer from 576 to 1500, got "1400")");
  CHECK(error_with(R"("mru": 1501)") == std::string(kFile) + "mru: expected an integer from 576 to 1500, got 1501");
  CHECK(error_with(R"("connect_timeout_s": 4)") ==
        std::string(kFile) + "connect_timeout_s: expected an integer from 5 to 300, got 4");
  CHECK(error_with(R"("lcp_echo": {"interval_s": 3601})") ==
        std::string(kFile) + "lcp_echo.interval_s: expected an integer from 0 to 3600, got 3601");
  CHECK(error_with(R"("lcp_echo": {"failures": 0})") ==
        std::string(kFile) + "lcp_echo.failures: expected an integer from 1 to 100, got 0");
  CHECK(error_with(R"("lcp_echo": {"failures": 18446744073709551615})") ==
        std::string(kFile) + "lcp_echo.failures: expected an integer from 1 to 100, got 18446744073709551615");
  CHECK(error_with(R"("lcp_echo": [])") == std::string(kFile) + "lcp_echo: expected an object, got an array");
  CHECK(parse(profile_text(R"("mtu": 1500, "mru": 576, "connect_timeout_s": 5)")).ok());
}

TEST_CASE("config: boolean keys") {
  CHECK(error_with(R"("default_route": "true")") ==
        std::string(kFile) + R"(default_route: expected true or false, got "true")");
  CHECK(error_with(R"("debug": null)") == std::string(kFile) + "debug: expected true or false, got null");
  CHECK(error_with(R"("dns": {"use_peer": 0})") ==
        std::string(kFile) + "dns.use_peer: expected true or false, got 0");
}

TEST_CASE("config: reconnect, block_while_down and idle_timeout_s are read") {
  struct Row {
    std::string_view extra;
    Reconnect reconnect;
    bool block_while_down;
    std::uint32_t idle_timeout_s;
  };
  const Row rows[] = {
      {"", {true, 1, 60, 0}, false, 0},
      // block_while_down follows default_route unless it is given.
      {R"("default_route": true)", {true, 1, 60, 0}, true, 0},
      {R"("default_route": true, "block_while_down": false)", {true, 1, 60, 0}, false, 0},
      {R"("default_route": false, "block_while_down": true)", {true, 1, 60, 0}, true, 0},
      {R"("reconnect": {})", {true, 1, 60, 0}, false, 0},
      {R"("reconnect": {"enabled": false})", {false, 1, 60, 0}, false, 0},
      {R"("reconnect": {"delay_s": 5, "max_delay_s": 5})", {true, 5, 5, 0}, false, 0},
      {R"("reconnect": {"delay_s": 1, "max_delay_s": 1, "max_attempts": 0})", {true, 1, 1, 0}, false, 0},
      {R"("reconnect": {"max_attempts": 3})", {true, 1, 60, 3}, false, 0},
      // delay_s alone above the default cap lifts the cap, not an error about
      // a key nobody wrote.
      {R"("reconnect": {"delay_s": 120})", {true, 120, 120, 0}, false, 0},
      {R"("reconnect": {"delay_s": 30})", {true, 30, 60, 0}, false, 0},
      {R"("idle_timeout_s": 1)", {true, 1, 60, 0}, false, 1},
      {R"("idle_timeout_s": 604800)", {true, 1, 60, 0}, false, 604800},
  };
  for (const Row& row : rows) {
    CAPTURE(row.extra);
    auto r = parse(profile_text(row.extra));
    REQUIRE(r.ok());
    CHECK(r->reconnect == row.reconnect);
    CHECK(r->block_while_down == row.block_while_down);
    CHECK(r->idle_timeout_s == row.idle_timeout_s);
  }
}

TEST_CASE("config: reconnect, block_while_down and idle_timeout_s errors") {
  struct Row {
    std::string_view extra;
    std::string_view error;
  };
  const Row rows[] = {
      {R"("reconnect": true)", "reconnect: expected an object, got true"},
      {R"("reconnect": [])", "reconnect: expected an object, got an array"},
      {R"("reconnect": {"enabled": "yes"})", R"(reconnect.enabled: expected true or false, got "yes")"},
      {R"("reconnect": {"enabled": 1})", "reconnect.enabled: expected true or false, got 1"},
      {R"("reconnect": {"delay_s": 0})", "reconnect.delay_s: expected an integer from 1 to 3600, got 0"},
      {R"("reconnect": {"delay_s": 3601})", "reconnect.delay_s: expected an integer from 1 to 3600, got 3601"},
      {R"("reconnect": {"delay_s": -1})", "reconnect.delay_s: expected an integer from 1 to 3600, got -1"},
      {R"("reconnect": {"delay_s": 1.5})", "reconnect.delay_s: expected an integer from 1 to 3600, got 1.5"},
      {R"("reconnect": {"delay_s": "1"})", R"(reconnect.delay_s: expected an integer from 1 to 3600, got "1")"},
      {R"("reconnect": {"max_delay_s": 0})", "reconnect.max_delay_s: expected an integer from 1 to 86400, got 0"},
      {R"("reconnect": {"max_delay_s": 86401})",
       "reconnect.max_delay_s: expected an integer from 1 to 86400, got 86401"},
      {R"("reconnect": {"max_delay_s": null})", "reconnect.max_delay_s: expected an integer from 1 to 86400, got null"},
      {R"("reconnect": {"delay_s": 10, "max_delay_s": 5})",
       "reconnect.max_delay_s: expected at least reconnect.delay_s (10), got 5"},
      {R"("reconnect": {"max_delay_s": 5, "delay_s": 10})",
       "reconnect.max_delay_s: expected at least reconnect.delay_s (10), got 5"},
      {R"("reconnect": {"delay_s": 120, "max_delay_s": 60})",
       "reconnect.max_delay_s: expected at least reconnect.delay_s (120), got 60"},
      {R"("reconnect": {"max_attempts": 1000001})",
       "reconnect.max_attempts: expected an integer from 0 to 1000000, got 1000001"},
      {R"("reconnect": {"max_attempts": -1})", "reconnect.max_attempts: expected an integer from 0 to 1000000, got -1"},
      {R"("reconnect": {"max_attempts": 18446744073709551615})",
       "reconnect.max_attempts: expected an integer from 0 to 1000000, got 18446744073709551615"},
      {R"("reconnect": {"delay": 5})", R"(reconnect: unknown key "delay" (did you mean "delay_s"?))"},
      {R"("reconnect": {"persist": true})",
       R"(reconnect: unknown key "persist"; the keys allowed here are "enabled", "delay_s", "max_delay_s", "max_attempts")"},
      {R"("reconnect": {"delay_s": 1, "delay_s": 2})", R"(reconnect: key "delay_s" appears more than once)"},
      {R"("reconect": {})", R"(unknown key "reconect" (did you mean "reconnect"?))"},
      {R"("block_while_down": "yes")", R"(block_while_down: expected true or false, got "yes")"},
      {R"("block_while_down": null)", "block_while_down: expected true or false, got null"},
      {R"("block_whiledown": true)", R"(unknown key "block_whiledown" (did you mean "block_while_down"?))"},
      {R"("idle_timeout": 60)", R"(unknown key "idle_timeout" (did you mean "idle_timeout_s"?))"},
      {R"("idle_timeout_s": 604801)", "idle_timeout_s: expected an integer from 0 to 604800, got 604801"},
      {R"("idle_timeout_s": -5)", "idle_timeout_s: expected an integer from 0 to 604800, got -5"},
      {R"("idle_timeout_s": "1h")", R"(idle_timeout_s: expected an integer from 0 to 604800, got "1h")"},
      {R"("idle_timeout_s": {})", "idle_timeout_s: expected an integer from 0 to 604800, got an object"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.extra);
    CHECK(error_with(row.extra) == std::string(kFile) + std::string(row.error));
  }
}

TEST_CASE("config: interface name default is cut to the kernel's 15 characters") {
  auto r = parse_profile(profile_text(), "x/abcdefghijklmnopqrst.json", "abcdefghijklmnopqrst");
  REQUIRE(r.ok());
  CHECK(r->interface == "pptp-abcdefghij");
  CHECK(r->interface.size() == 15);
  CHECK(parse_profile(profile_text(), "x/a.json", "a")->interface == "pptp-a");
}

TEST_CASE("config: interface name validation") {
  const std::string expected = "interface: expected 1 to 15 of the characters A-Z a-z 0-9 _ . -, got ";
  CHECK(error_with(R"("interface": "")") == std::string(kFile) + expected + R"("")");
  CHECK(error_with(R"("interface": "abcdefghijklmnop")") == std::string(kFile) + expected + R"("abcdefghijklmnop")");
  CHECK(error_with(R"("interface": "vpn/0")") == std::string(kFile) + expected + R"("vpn/0")");
  CHECK(error_with(R"("interface": "my vpn")") == std::string(kFile) + expected + R"("my vpn")");
  CHECK(error_with(R"("interface": "..")") ==
        std::string(kFile) + R"(interface: expected a name other than "." and "..", got "..")");
  CHECK(error_with(R"("interface": ".")") ==
        std::string(kFile) + R"(interface: expected a name other than "." and "..", got ".")");
  CHECK(parse(profile_text(R"("interface": "abcdefghijklmno")"))->interface == "abcdefghijklmno");
  CHECK(parse(profile_text(R"("interface": "vpn_0.a-b")"))->interface == "vpn_0.a-b");
}

// The position is where nlohmann stopped reading: the last byte of the
// offending token.
TEST_CASE("config: JSON syntax errors give file, line and column") {
  CHECK(error_of("{\n  \"server\": \"192.0.2.1\",\n  \"username\": \"alice\"\n  \"mtu\": 1400\n}") ==
        "/etc/pptpctl/office.json:4:7: invalid JSON: syntax error while parsing object - "
        "unexpected string literal; expected '}'");
  CHECK(error_of("{\"mtu\": 14x0}") ==
        "/etc/pptpctl/office.json:1:11: invalid JSON: syntax error while parsing object - "
        "invalid literal");
  CHECK(error_of("") ==
        "/etc/pptpctl/office.json:1:1: invalid JSON: syntax error while parsing value - "
        "unexpected end of input; expected '[', '{', or a literal");
  CHECK(error_of("{} {}") ==
        "/etc/pptpctl/office.json:1:4: invalid JSON: syntax error while parsing value - "
        "unexpected '{'; expected end of input");
  // JSON has no comments; say where the first one is.
  CHECK(error_of("{ // office\n}").rfind("/etc/pptpctl/office.json:1:3: invalid JSON: ", 0) == 0);
}

TEST_CASE("config: nesting depth is bounded") {
  const std::string deep = profile_text("\"routes\": " + std::string(100, '[') + std::string(100, ']'));
  CHECK(error_of(deep) == std::string(kFile) + "invalid JSON: nested more than 16 levels deep");
}

TEST_CASE("config: the profile name is checked before anything else") {
  auto r = parse_profile(profile_text(), "/etc/pptpctl/x.json", "../../etc/x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason ==
        R"(profile name "../../etc/x" is not allowed: use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.')");
}

TEST_CASE("config: to_json has every key, no password, and parses back") {
  auto r = parse(profile_text(R"("routes": ["10.0.0.0/8"], "auth": ["mschap", "pap"], "mppe": {"bits": [40, 128]})"));
  REQUIRE(r.ok());
  const nlohmann::json j = to_json(*r);
  CHECK(j["server"] == "192.0.2.1");
  CHECK(j["password_file"] == "/etc/pptpctl/office.secret");
  CHECK_FALSE(j.contains("password"));
  CHECK(j["auth"] == nlohmann::json({"mschap", "pap"}));
  CHECK(j["mppe"]["bits"] == nlohmann::json({40, 128}));
  CHECK(j["routes"] == nlohmann::json({"10.0.0.0/8"}));
  CHECK(j["interface"] == "pptp-office");
  CHECK(j["lcp_echo"]["interval_s"] == 10);
  CHECK(j["reconnect"] == nlohmann::json({{"enabled", true}, {"delay_s", 1}, {"max_delay_s", 60}, {"max_attempts", 0}}));
  CHECK(j["block_while_down"] == false);
  CHECK(j["idle_timeout_s"] == 0);
  auto back = parse(j.dump());
  REQUIRE(back.ok());
  CHECK(to_json(*back) == j);

  auto inline_pw = parse(R"({"server": "192.0.2.1", "username": "a", "password": "hunter2"})");
  REQUIRE(inline_pw.ok());
  const std::string dumped = to_json(*inline_pw).dump();
  CHECK(dumped.find("hunter2") == std::string::npos);
  CHECK(dumped.find("password") == std::string::npos);
}

TEST_CASE("config: to_json shows the effective block_while_down, and it parses back the same") {
  for (std::string_view extra : {R"("default_route": true)", R"("default_route": true, "block_while_down": false)",
                                 R"("reconnect": {"delay_s": 300}, "idle_timeout_s": 900)"}) {
    CAPTURE(extra);
    auto r = parse(profile_text(extra));
    REQUIRE(r.ok());
    const nlohmann::json j = to_json(*r);
    CHECK(j["block_while_down"] == r->block_while_down);
    CHECK(j["reconnect"]["max_delay_s"] == r->reconnect.max_delay_s);
    auto back = parse(j.dump());
    REQUIRE(back.ok());
    CHECK(back->block_while_down == r->block_while_down);
    CHECK(back->reconnect == r->reconnect);
    CHECK(to_json(*back) == j);
  }
  CHECK(to_json(*parse(profile_text(R"("default_route": true)")))["block_while_down"] == true);
}

TEST_CASE("config: auth method names") {
  CHECK(to_string(AuthMethod::MsChapV2) == "mschap-v2");
  CHECK(to_string(AuthMethod::MsChapV1) == "mschap");
  CHECK(to_string(AuthMethod::ChapMd5) == "chap-md5");
  CHECK(to_string(AuthMethod::Pap) == "pap");
}

TEST_CASE("config: ipv6 is block with default_route, allow without, unless given") {
  struct Row {
    std::string_view extra;
    Ipv6Mode ipv6;
  };
  const Row rows[] = {
      {"", Ipv6Mode::Allow},
      {R"("default_route": true)", Ipv6Mode::Block},
      {R"("default_route": false)", Ipv6Mode::Allow},
      {R"("default_route": true, "ipv6": "allow")", Ipv6Mode::Allow},
      {R"("ipv6": "allow", "default_route": true)", Ipv6Mode::Allow},
      {R"("ipv6": "block")", Ipv6Mode::Block},
      {R"("routes": ["203.0.113.0/24"], "ipv6": "block")", Ipv6Mode::Block},
  };
  for (const Row& row : rows) {
    CAPTURE(row.extra);
    auto r = parse(profile_text(row.extra));
    REQUIRE(r.ok());
    CHECK(r->ipv6 == row.ipv6);
    // status --json shows the effective value, and it parses back the same.
    const nlohmann::json j = to_json(*r);
    CHECK(j["ipv6"] == std::string(to_string(row.ipv6)));
    auto back = parse(j.dump());
    REQUIRE(back.ok());
    CHECK(back->ipv6 == r->ipv6);
  }
}

TEST_CASE("config: ipv6 errors") {
  struct Row {
    std::string_view extra;
    std::string_view error;
  };
  const Row rows[] = {
      {R"("ipv6": "off")", R"(ipv6: expected "block" or "allow", got "off")"},
      {R"("ipv6": "Block")", R"(ipv6: expected "block" or "allow", got "Block")"},
      {R"("ipv6": true)", "ipv6: expected a string, got true"},
      {R"("ipv6": null)", "ipv6: expected a string, got null"},
      {R"("ipv6": "")", R"(ipv6: expected "block" or "allow", got "")"},
      {R"("ipv_6": "block")", R"(unknown key "ipv_6" (did you mean "ipv6"?))"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.extra);
    CHECK(error_with(row.extra) == std::string(kFile) + std::string(row.error));
  }
}

TEST_CASE("config: dns.domains are DNS names, normalised, checked one by one") {
  struct Row {
    std::string_view extra;
    std::vector<std::string> domains;  // when it parses
    std::string_view error;            // else the message after the file name
  };
  const Row rows[] = {
      {"", {}, ""},
      {R"("dns": {"domains": []})", {}, ""},
      {R"("dns": {"domains": ["corp.example"]})", {"corp.example"}, ""},
      {R"("dns": {"domains": ["Corp.Example.", "lab", "x_y.example"]})", {"corp.example", "lab", "x_y.example"}, ""},
      {R"("dns": {"use_peer": true, "domains": ["a.example", "b.example"]})", {"a.example", "b.example"}, ""},
      {R"("dns": {"domains": "corp.example"})", {},
       R"(dns.domains: expected an array of DNS names like "corp.example", got "corp.example")"},
      {R"("dns": {"domains": ["~corp.example"]})", {},
       R"(dns.domains[0]: expected a DNS name like "corp.example", got "~corp.example")"},
      {R"("dns": {"domains": ["ok.example", "bad name"]})", {},
       R"(dns.domains[1]: expected a DNS name like "corp.example", got "bad name")"},
      {R"("dns": {"domains": ["."]})", {}, R"(dns.domains[0]: expected a DNS name like "corp.example", got ".")"},
      {R"("dns": {"domains": [""]})", {}, R"(dns.domains[0]: expected a DNS name like "corp.example", got "")"},
      {R"("dns": {"domains": ["-x.example"]})", {},
       R"(dns.domains[0]: expected a DNS name like "corp.example", got "-x.example")"},
      {R"("dns": {"domains": ["a\nb"]})", {}, R"(dns.domains[0]: expected a DNS name like "corp.example", got "a\nb")"},
      {R"("dns": {"domains": [7]})", {}, R"(dns.domains[0]: expected a DNS name like "corp.example", got 7)"},
      {R"("dns": {"domains": ["corp.example", "CORP.example."]})", {},
       R"(dns.domains[1]: "CORP.example." is listed twice)"},
      {R"("dns": {"domains": ["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]})", {},
       "dns.domains: expected at most 16 names, got 17"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.extra);
    auto r = parse(profile_text(row.extra));
    if (row.error.empty()) {
      REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().reason));
      CHECK(r->dns.domains == row.domains);
      CHECK(to_json(*r)["dns"]["domains"] == nlohmann::json(row.domains));
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().reason == std::string(kFile) + std::string(row.error));
    }
  }
}

TEST_CASE("config: inject_guard is read, shown by to_json, and must be a boolean") {
  struct Row {
    std::string_view extra;
    bool guard;
  };
  for (const Row& row : {Row{"", true}, Row{R"("inject_guard": true)", true}, Row{R"("inject_guard": false)", false},
                         Row{R"("mppe": {"required": false}, "inject_guard": false)", false}}) {
    CAPTURE(row.extra);
    auto r = parse(profile_text(row.extra));
    REQUIRE(r.ok());
    CHECK(r->inject_guard == row.guard);
    CHECK(to_json(*r)["inject_guard"] == row.guard);
  }
  struct Bad {
    std::string_view extra;
    std::string_view error;
  };
  for (const Bad& row : {Bad{R"("inject_guard": "no")", R"(inject_guard: expected true or false, got "no")"},
                         Bad{R"("inject_guard": 0)", "inject_guard: expected true or false, got 0"},
                         Bad{R"("inject_gaurd": false)", R"(unknown key "inject_gaurd" (did you mean "inject_guard"?))"}}) {
    CAPTURE(row.extra);
    CHECK(error_with(row.extra) == std::string(kFile) + std::string(row.error));
  }
}

TEST_CASE("config: data_path is auto unless given, shown by to_json, and one of three words") {
  struct Row {
    std::string_view extra;
    DataPath path;
  };
  for (const Row& row : {Row{"", DataPath::Auto}, Row{R"("data_path": "auto")", DataPath::Auto},
                         Row{R"("data_path": "kernel")", DataPath::Kernel},
                         Row{R"("data_path": "userspace")", DataPath::Userspace}}) {
    CAPTURE(row.extra);
    auto r = parse(profile_text(row.extra));
    REQUIRE(r.ok());
    CHECK(r->data_path == row.path);
    const nlohmann::json j = to_json(*r);
    CHECK(j["data_path"] == std::string(to_string(row.path)));
    auto back = parse(j.dump());
    REQUIRE(back.ok());
    CHECK(back->data_path == row.path);
  }
  struct Bad {
    std::string_view extra;
    std::string_view error;
  };
  for (const Bad& row :
       {Bad{R"("data_path": "user")", R"(data_path: expected "auto", "kernel" or "userspace", got "user")"},
        Bad{R"("data_path": "Kernel")", R"(data_path: expected "auto", "kernel" or "userspace", got "Kernel")"},
        Bad{R"("data_path": true)", "data_path: expected a string, got true"},
        Bad{R"("data_path": null)", "data_path: expected a string, got null"},
        Bad{R"("datapath": "kernel")", R"(unknown key "datapath" (did you mean "data_path"?))"}}) {
    CAPTURE(row.extra);
    CHECK(error_with(row.extra) == std::string(kFile) + std::string(row.error));
  }
}
