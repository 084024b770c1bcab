// `pptpctl import`: each fixture (tests/unit/fixtures/import/) through the
// parsers and the mapper; expected profile keys, password and report lines,
// and the result must load with parse_profile.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/import_chap_secrets.hpp"
#include "config/import_detect.hpp"
#include "config/import_keyfile.hpp"
#include "config/import_map.hpp"
#include "config/import_words.hpp"
#include "config/profile.hpp"

using namespace config::importer;

namespace {

std::string fixture_dir() { return std::string(PPTPCTL_SOURCE_DIR) + "/tests/unit/fixtures/import/"; }

std::string fixture(const std::string& name) {
  std::ifstream in(fixture_dir() + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Includes come from the fixtures: /etc/ppp/options.pptp is options.pptp.
wire::Result<std::string> read_include(const std::string& path) {
  if (path == "/etc/ppp/options.pptp") return fixture("options.pptp");
  return wire::Error::fatal("cannot open " + path + ": No such file or directory");
}

struct Row {
  const char* file;
  const char* secrets;   // fixture name, or nullptr: no chap-secrets
  const char* name;      // --name, or nullptr
  Form form;
  const char* keys;      // JSON object: each member must equal the profile's
  const char* password;  // expected password ("" none)
  std::vector<const char*> lines;  // whole report lines that must appear
  const char* error;     // non-null: map/parse fails with this in the reason
};

const std::vector<Row>& rows() {
  static const std::vector<Row> r = {
      {"pptpsetup-office", "pptpsetup-chap-secrets", nullptr, Form::PppdPeers,
       R"({"server": "192.0.2.1", "username": "alice", "password_file": "pptpsetup-office.secret",
           "auth": ["mschap-v2", "mschap"], "mppe": {"required": true, "bits": [128], "stateful": false},
           "dns": {"use_peer": false}})",
       "lab-secret-1",
       {"form: a pppd peers file (pptp-linux / pptpsetup)",
        R"(pppd: pptpsetup-office:2: pty "pptp 192.0.2.1 --nolaunchpppd" -> "server": "192.0.2.1")",
        R"(pppd: pptpsetup-office:10: require-mppe-128 -> "mppe": {"required": true, "bits": [128], "stateful": false})",
        "ignored: pptpsetup-office:5: nobsdcomp (pptpctl never compresses)",
        "ignored: pptpsetup-office:9: ipparam office (handed to ip-up scripts; pptpctl runs none)",
        R"(pppd: pptpsetup-chap-secrets:6: "alice" "office" (secret hidden) -> the password, written to pptpsetup-office.secret (mode 0600))",
        R"(pppd: MPPE is required, so "chap-md5" and "pap" are left out although not refused: they give no MPPE keys and could only have sent the password out)",
        R"(warning: "auth" allows MS-CHAPv1 (nothing refuses it; add refuse-mschap to the old set-up or remove "mschap"): weaker than MS-CHAPv2, and the server does not prove it knows the password)"},
       nullptr},
      {"hand-written", "hand-written-chap-secrets", "corp", Form::PppdPeers,
       R"({"server": "vpn.corp.example", "username": "CORP\\alice", "password_file": "corp.secret",
           "auth": ["mschap-v2"], "mppe": {"required": true, "bits": [128], "stateful": false},
           "mtu": 1400, "mru": 1400, "lcp_echo": {"interval_s": 20, "failures": 4}, "default_route": true,
           "dns": {"use_peer": true}, "reconnect": {"enabled": true, "max_attempts": 0, "delay_s": 5},
           "idle_timeout_s": 3600})",
       "pass with spaces \"and quotes\"",
       {R"(include: hand-written:5: file "/etc/ppp/options.pptp" -> read, 9 options)",
        R"(pppd: options.pptp:15: require-mppe-128 -> "mppe": {"required": true, "bits": [128], "stateful": false})",
        R"(pppd: options.pptp:11: refuse-pap -> "auth" leaves out "pap")",
        "ignored: hand-written:2: pptp's own options --loglevel (pptpctl does the PPTP control connection itself)",
        R"(pppd: logins not refused -> "auth": ["mschap-v2"])"},
       nullptr},
      {"macos-vpn", nullptr, nullptr, Form::MacosPptp,
       R"({"server": "192.0.2.1", "username": "alice", "auth": ["mschap-v2", "mschap"],
           "mppe": {"required": true, "bits": [128], "stateful": false},
           "reconnect": {"enabled": true, "max_attempts": 3, "delay_s": 5}, "idle_timeout_s": 1800,
           "mtu": 1368, "mru": 1368, "default_route": true})",
       "lab-secret-1",
       {"form: a macOS PPTP.ppp options file",
        "macos: macos-vpn:22: password (hidden) -> the password, written to macos-vpn.secret (mode 0600)",
        R"(macos: macos-vpn:15: refuse-chap-md5 -> "auth" leaves out "chap-md5")",
        R"(macos: macos-vpn:5: redialcount 3 -> "reconnect": {"enabled": true, "max_attempts": 3})"},
       nullptr},
      {"office.nmconnection", nullptr, nullptr, Form::NetworkManager,
       R"({"server": "192.0.2.1", "username": "alice", "password_file": "Office-VPN.secret",
           "auth": ["mschap-v2"], "mppe": {"required": true, "bits": [128], "stateful": false},
           "lcp_echo": {"failures": 5, "interval_s": 30}, "dns": {"domains": ["corp.example"]},
           "default_route": false, "routes": ["203.0.113.0/24", "198.51.100.0/25"]})",
       "lab secret 1",
       {"form: a NetworkManager-pptp keyfile",
        R"(nm: office.nmconnection:8: [vpn] gateway=192.0.2.1 -> "server": "192.0.2.1")",
        "nm: office.nmconnection:24: [vpn-secrets] password=(hidden) -> the password, written to Office-VPN.secret (mode 0600)",
        R"(nm: office.nmconnection:29: [ipv4] never-default=true -> "default_route": false)",
        "ignored: office.nmconnection:18: [vpn] no-vj-comp=yes (pptpctl never compresses)"},
       nullptr},
      {"hostile-missing-secret", "pptpsetup-chap-secrets", nullptr, Form::PppdPeers,
       R"({"username": "mallory", "auth": ["mschap-v2"]})", "",
       {R"(warning: no entry for "mallory" and server "office" in pptpsetup-chap-secrets)",
        "warning: no password: write it to hostile-missing-secret.secret in the profile directory (mode 0600) before "
        "`pptpctl up hostile-missing-secret`"},
       nullptr},
      {"hostile-pap-allowed", nullptr, nullptr, Form::PppdPeers,
       R"({"auth": ["mschap-v2", "mschap"], "mppe": {"required": true, "bits": [40, 128], "stateful": true}})", "",
       {"warning: 40-bit MPPE is allowed: its keys can be searched in hours",
        "warning: stateful MPPE is allowed: one lost packet stalls the link until a reset, and keys change less often",
        "warning: no password found, and there is no /etc/ppp/chap-secrets"},
       nullptr},
      {"hostile-nomppe", nullptr, nullptr, Form::PppdPeers,
       R"({"auth": ["mschap-v2", "chap-md5", "pap"], "mppe": {"required": false, "bits": [40, 128], "stateful": false}})",
       "",
       {R"(pppd: hostile-nomppe:5: nomppe -> "mppe": {"required": false, "bits": [40, 128], "stateful": false})",
        "warning: MPPE is turned off (nomppe/noccp): the link may run unencrypted; pptpctl still takes MPPE when the "
        "server offers it",
        R"(warning: "auth" allows PAP (not refused): the password crosses the network in clear text)",
        R"(warning: "auth" allows CHAP-MD5 (not refused): no MPPE keys, the server is not checked)"},
       nullptr},
      {"hostile-include-loop", nullptr, nullptr, Form::PppdPeers, R"({"server": "192.0.2.1"})", "",
       {R"(warning: hostile-include-loop:4: call "../../etc/shadow" not read: pppd refuses a call name with ".." or a leading '/')",
        R"(warning: hostile-include-loop:3: file "hostile-include-loop" not read: it includes itself; its options are missing)"},
       nullptr},
      {"hostile-quotes", nullptr, nullptr, Form::PppdPeers, "{}", "", {},
       R"(the user name "alice\x1b]0;owned\x07" is longer than 255 bytes, holds control characters or is not UTF-8)"},
  };
  return r;
}

}  // namespace

TEST_CASE("import: each fixture becomes the expected profile, password and report") {
  for (const Row& row : rows()) {
    CAPTURE(std::string(row.file));
    const std::string text = fixture(row.file);
    auto setup = parse_setup(text, row.file, read_include);
    REQUIRE(setup.ok());
    CHECK(setup->form == row.form);
    ChapSecrets secrets;
    SecretsSource source{row.secrets ? row.secrets : "/etc/ppp/chap-secrets", nullptr};
    if (row.secrets) {
      secrets = parse_chap_secrets(fixture(row.secrets));
      source.secrets = &secrets;
    }
    const std::string name = row.name ? row.name : setup->default_name;
    auto imported = map_setup(*setup, source, name);
    if (row.error) {
      REQUIRE_FALSE(imported.ok());
      CHECK(imported.error().reason.find(row.error) != std::string::npos);
      continue;
    }
    REQUIRE(imported.ok());
    const auto want = nlohmann::json::parse(row.keys);
    const auto got = nlohmann::json::parse(imported->profile.dump());
    for (const auto& [key, value] : want.items()) {
      CAPTURE(key);
      REQUIRE(got.contains(key));
      CHECK(got[key] == value);
    }
    CHECK(imported->password.reveal() == row.password);
    for (const char* line : row.lines) {
      CAPTURE(std::string(line));
      const bool found = std::find(imported->report.begin(), imported->report.end(), line) != imported->report.end();
      if (!found)
        for (const std::string& l : imported->report) MESSAGE(l);
      CHECK(found);
    }
    // Every key is one the daemon's own parser accepts.
    auto parsed = config::parse_profile(imported->profile.dump(), "/etc/pptpctl/" + name + ".json", name);
    CHECK_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().reason));
    // No report line carries a control byte or the password.
    for (const std::string& l : imported->report) {
      CHECK(std::none_of(l.begin(), l.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
      if (!std::string_view(row.password).empty()) CHECK(l.find(row.password) == std::string::npos);
    }
  }
}

TEST_CASE("import: pppd's word syntax") {
  struct Case {
    const char* text;
    std::vector<const char*> words;
  } cases[] = {
      {"name alice", {"name", "alice"}},
      {"name 'a b' # comment\nmtu 1400", {"name", "a b", "mtu", "1400"}},
      {"password \"p\\\"q\\sr\"", {"password", "p\"q r"}},
      {"x\\101\\x42", {"xAB"}},
      {"a#b c\nd", {"a", "d"}},  // '#' ends a word and starts a comment
      {"a \\\n b", {"a", "b"}},
      {"\"\"", {""}},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.text));
    const Words w = split_words(c.text, 100);
    REQUIRE(w.words.size() == c.words.size());
    for (std::size_t i = 0; i < c.words.size(); ++i) CHECK(w.words[i].text == c.words[i]);
  }
  const Words open = split_words("name \"unterminated", 100);
  REQUIRE(open.problems.size() == 1);
  CHECK(open.problems[0] == "line 1: a quoted string is not closed before the end of the file");
  const Words nl = split_words("a b\nc", 100);
  CHECK(nl.words[0].starts_line);
  CHECK_FALSE(nl.words[1].starts_line);
  CHECK(nl.words[2].starts_line);
  CHECK(nl.words[2].line == 2);
  CHECK(split_words(std::string(5000, 'x'), 10).words[0].text.size() == 1023);
}

TEST_CASE("import: chap-secrets picks the entry pppd would") {
  const ChapSecrets s = parse_chap_secrets(
      "* * wild-both\n"
      "alice * wild-server\n"
      "* office wild-client\n"
      "alice office exact\n"
      "alice office second-exact\n"
      "short line\n"
      "carol srv @/etc/ppp/carol.pw\n");
  CHECK(s.problems.size() == 1);
  struct Case {
    const char* client;
    const char* server;
    const char* secret;
  } cases[] = {{"alice", "office", "exact"},
               {"alice", "other", "wild-server"},
               {"bob", "office", "wild-client"},
               {"bob", "other", "wild-both"}};
  for (const Case& c : cases) {
    CAPTURE(c.client);
    CAPTURE(c.server);
    const ChapSecret* e = find_secret(s, c.client, c.server);
    REQUIRE(e != nullptr);
    CHECK(e->secret.reveal() == c.secret);
  }
  const ChapSecret* carol = find_secret(s, "carol", "srv");
  REQUIRE(carol != nullptr);
  CHECK(carol->names_a_file);
}

TEST_CASE("import: keyfiles of other VPN types, and files of no known form, are refused") {
  auto l2tp = parse_setup("[connection]\nid=x\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n", "x", read_include);
  REQUIRE_FALSE(l2tp.ok());
  CHECK(l2tp.error().reason == "x is a NetworkManager VPN of type \"org.freedesktop.NetworkManager.l2tp\", not PPTP "
                               "(org.freedesktop.NetworkManager.pptp)");
  auto wifi = parse_setup("[connection]\nid=x\ntype=wifi\n", "x", read_include);
  REQUIRE_FALSE(wifi.ok());
  auto options = parse_setup("noauth\nname alice\n", "peers", read_include);
  REQUIRE(options.ok());
  auto mapped = map_setup(*options, {"/etc/ppp/chap-secrets", nullptr}, "peers");
  REQUIRE_FALSE(mapped.ok());
  CHECK(mapped.error().reason == "no PPTP server found: neither pty \"pptp HOST ...\" nor pptp_server in the file");
  auto all_refused = parse_setup("pty 'pptp 192.0.2.1'\nname a\nrefuse-mschap-v2\nrefuse-mschap\nrequire-mppe-128\n",
                                 "peers", read_include);
  REQUIRE(all_refused.ok());
  CHECK_FALSE(map_setup(*all_refused, {"/etc/ppp/chap-secrets", nullptr}, "peers").ok());
}
