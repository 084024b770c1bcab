// Untrusted text (issue 9, item 6): everything a server chooses reaches a
// terminal, a log or status only through wire::printable / wire::one_line.
// Table rows for the escaper, then the same hostile text pushed through each
// place a server's words surface: SCCRP host name and vendor, MS-CHAP and
// PAP failure texts, LCP Terminate-Request data, the --debug decoders, and
// the status JSON and its rendering.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/status_text.hpp"
#include "ppp/auth.hpp"
#include "ppp/chap.hpp"
#include "ppp/describe.hpp"
#include "ppp/pap.hpp"
#include "pptp/describe.hpp"
#include "wire/text.hpp"

namespace {

// OSC "set window title", BEL, then CR LF to forge a second log line.
const std::string kHostile = "\x1b]0;owned\x07\r\nfake: line";
// 8-bit CSI (C1 0x9B), and U+009B and U+0085 (NEL) encoded in UTF-8.
const std::string kC1 = "a\x9b" "2J\xc2\x9b" "2J\xc2\x85z";

// True when nothing in s could drive a terminal or split a line: only
// printable ASCII.
bool clean(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7F) return false;
  return true;
}

}  // namespace

TEST_CASE("wire: printable() escapes everything but printable ASCII") {
  struct Row {
    std::string in;
    std::string want;
  };
  const Row rows[] = {
      {"ok", "ok"},
      {"", ""},
      {"vpn1.example.com (Microsoft)", "vpn1.example.com (Microsoft)"},
      {std::string("a\0b", 3), "a\\x00b"},
      {"\\", "\\\\"},
      {"say \"hi\"", "say \\x22hi\\x22"},
      {"\x1b[2J", "\\x1b[2J"},                            // ESC: the sequence is inert text
      {"\x1b]0;owned\x07", "\\x1b]0;owned\\x07"},          // OSC title + BEL
      {"a\r\nb", "a\\x0d\\x0ab"},                          // no forged log line
      {"\t", "\\x09"},
      {"\x7f", "\\x7f"},                                   // DEL
      {"\x9b", "\\x9b"},                                   // 8-bit CSI (C1)
      {"\xc2\x9b", "\\xc2\\x9b"},                          // U+009B in UTF-8
      {"\xc2\x85", "\\xc2\\x85"},                          // U+0085 NEL in UTF-8
      {"caf\xc3\xa9", "caf\\xc3\\xa9"},                    // any non-ASCII is shown as bytes
      {"\xe2\x80\xae" "evil", "\\xe2\\x80\\xaeevil"},      // U+202E right-to-left override
  };
  for (const Row& r : rows) {
    CAPTURE(r.in);
    CHECK(wire::printable(r.in) == r.want);
    CHECK(clean(wire::printable(r.in)));
    CHECK(wire::quoted(r.in) == "\"" + r.want + "\"");
  }
}

TEST_CASE("wire: printable() is bounded") {
  CHECK(wire::printable(std::string(300, 'x')) == std::string(200, 'x') + "...");
  CHECK(wire::printable(std::string(10, 'x'), 4) == "xxxx...");
  CHECK(wire::printable(std::string(4, 'x'), 4) == "xxxx");
  // The worst case: every byte escaped, still at most 4 * max + 3.
  const std::string worst(5000, '\x1b');
  CHECK(wire::printable(worst).size() == 4 * wire::kMaxPeerText + 3);
  const std::vector<std::uint8_t> bytes{'h', 'i', 0x00, 0xff};
  CHECK(wire::printable(wire::ByteView(bytes)) == "hi\\x00\\xff");
}

TEST_CASE("wire: one_line() keeps our sentences and escapes the rest") {
  struct Row {
    std::string in;
    std::string want;
  };
  const Row rows[] = {
      {"control connection up", "control connection up"},
      {"already escaped \\x1b stays", "already escaped \\x1b stays"},  // not escaped twice
      {"quote \"kept\"", "quote \"kept\""},
      {"two\nlines\r\tand a tab", "two lines  and a tab"},
      {"\x1b]0;owned\x07", "\\x1b]0;owned\\x07"},
      {"\x7f\x9b\xc2\x9b", "\\x7f\\x9b\\xc2\\x9b"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.in);
    CHECK(wire::one_line(r.in) == r.want);
  }
  CHECK(wire::one_line(std::string(20, 'y'), 8) == "yyyyyyyy...");
  CHECK(clean(wire::one_line(kHostile + kC1)));
}

TEST_CASE("untrusted text: a hostile SCCRP host name and vendor come out clean") {
  pptp::ControlEstablished e;
  e.peer_hostname = kHostile;
  e.peer_vendor = kC1;
  const std::string line = pptp::describe(e);
  CHECK(clean(line));
  CHECK(line ==
        "control connection up (server \"\\x1b]0;owned\\x07\\x0d\\x0afake: line\", vendor "
        "\"a\\x9b2J\\xc2\\x9b2J\\xc2\\x85z\")");
  // The --debug decoder of the SCCRP itself.
  pptp::Sccrp m;
  m.result = 1;
  m.hostname = kHostile;
  m.vendor = std::string(64, '\x1b');
  const std::string dbg = pptp::describe(pptp::Message{m});
  CHECK(clean(dbg));
  CHECK(dbg.find("host=\"\\x1b]0;owned") != std::string::npos);
}

TEST_CASE("untrusted text: a hostile MS-CHAP failure text is clean in the sentence and in status") {
  using namespace ppp::auth;
  auto a = make_authenticator(AuthProtocol::MsChapV2, {"User", "clientPass", {}});
  REQUIRE(a);
  std::vector<std::uint8_t> challenge(16, 0x11);
  (*a)->on_packet(*encode_chap({ChapCode::Challenge, 1, challenge, "pptpd", {}}), {});
  auto out = (*a)->on_packet(*encode_chap({ChapCode::Failure, 1, {}, {}, "E=691 R=0 V=3 M=" + kHostile + kC1}), {});
  REQUIRE(out.event);
  REQUIRE(std::holds_alternative<AuthFailed>(*out.event));
  const std::string reason = std::get<AuthFailed>(*out.event).reason;
  CAPTURE(reason);
  CHECK(clean(reason));
  CHECK(reason.find("\\x1b]0;owned\\x07\\x0d\\x0afake: line") != std::string::npos);

  // The daemon's status JSON carries the sentence as last_failure; its dump
  // and the words `pptpctl status` prints hold no control byte either.
  nlohmann::json status{{"name", "office"}, {"state", "waiting"}, {"reconnects", 1}, {"last_failure", reason}};
  CHECK(clean(status.dump()));
  const std::string words = pptpctl::status_text(status);
  for (char c : words) CHECK((c == '\n' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)));
  CHECK(words.find("\\x1b]0;owned") != std::string::npos);

  // A daemon that forgot to escape is caught by the CLI's rendering.
  nlohmann::json raw{{"name", "office"}, {"state", "waiting"}, {"reconnects", 1}, {"last_failure", kHostile}};
  const std::string raw_words = pptpctl::status_text(raw);
  CHECK(raw_words.find('\x1b') == std::string::npos);
  CHECK(raw_words.find('\x07') == std::string::npos);
  CHECK(raw_words.find('\r') == std::string::npos);
}

TEST_CASE("untrusted text: hostile PAP and CHAP messages in sentences and --debug lines") {
  using namespace ppp::auth;
  auto pap = make_authenticator(AuthProtocol::Pap, {"User", "clientPass", {}});
  REQUIRE(pap);
  auto sent = (*pap)->start({});
  REQUIRE(sent.send.size() == 1);
  const std::uint8_t id = sent.send[0][1];
  PapPacket nak{PapCode::AuthNak, id, {}, {}, kHostile + kC1};
  auto out = (*pap)->on_packet(*encode_pap(nak), {});
  REQUIRE(out.event);
  REQUIRE(std::holds_alternative<AuthFailed>(*out.event));
  CHECK(clean(std::get<AuthFailed>(*out.event).reason));
  CHECK(clean(describe_pap(*encode_pap(nak))));
  CHECK(clean(describe_chap(*encode_chap({ChapCode::Failure, 1, {}, {}, kHostile}))));
  CHECK(clean(describe_chap(*encode_chap({ChapCode::Challenge, 1, std::vector<std::uint8_t>(16), kHostile, {}}))));
}

TEST_CASE("untrusted text: --debug lines of LCP Terminate, Code-Reject and Protocol-Reject are clean") {
  std::vector<std::uint8_t> term{0x05, 0x01, 0x00, 0x00};
  term.insert(term.end(), kHostile.begin(), kHostile.end());
  term[3] = static_cast<std::uint8_t>(term.size());
  CHECK(clean(ppp::describe(0xC021, term)));
  term[0] = 0x06;  // Terminate-Ack with data
  CHECK(clean(ppp::describe(0xC021, term)));
  std::vector<std::uint8_t> code_rej{0x07, 0x02, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00};
  code_rej.insert(code_rej.end(), kHostile.begin(), kHostile.end());
  code_rej[3] = static_cast<std::uint8_t>(code_rej.size());
  CHECK(clean(ppp::describe(0xC021, code_rej)));
  std::vector<std::uint8_t> proto_rej{0x08, 0x03, 0x00, 0x00, 0x80, 0xfd};
  proto_rej.insert(proto_rej.end(), kHostile.begin(), kHostile.end());
  proto_rej[3] = static_cast<std::uint8_t>(proto_rej.size());
  CHECK(clean(ppp::describe(0xC021, proto_rej)));
}
