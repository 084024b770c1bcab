// CHAP and PAP packet codecs, the CHAP-MD5 response, and --debug lines.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ppp/auth_text.hpp"
#include "ppp/chap.hpp"
#include "ppp/pap.hpp"

using namespace ppp::auth;
using Bytes = std::vector<std::uint8_t>;

namespace {
Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
}  // namespace

TEST_CASE("auth: CHAP Challenge decodes and re-encodes byte for byte") {
  Bytes pkt = cat({0x01, 0x07, 0x00, 0x0E, 0x04, 0xAA, 0xBB, 0xCC, 0xDD}, bytes_of("pptpd"));
  auto p = decode_chap(pkt);
  REQUIRE(p);
  CHECK(p->code == ChapCode::Challenge);
  CHECK(p->id == 7);
  CHECK(p->value == Bytes{0xAA, 0xBB, 0xCC, 0xDD});
  CHECK(p->name == "pptpd");
  auto again = encode_chap(*p);
  REQUIRE(again);
  CHECK(*again == pkt);
}

TEST_CASE("auth: CHAP padding past Length is ignored") {
  Bytes pkt = {0x03, 0x02, 0x00, 0x06, 'O', 'K', 0x00, 0x00, 0x00};
  auto p = decode_chap(pkt);
  REQUIRE(p);
  CHECK(p->code == ChapCode::Success);
  CHECK(p->message == "OK");
  CHECK(*encode_chap(*p) == Bytes(pkt.begin(), pkt.begin() + 6));
}

TEST_CASE("auth: malformed CHAP packets are rejected") {
  CHECK_FALSE(decode_chap(Bytes{}));
  CHECK_FALSE(decode_chap(Bytes{0x01, 0x01, 0x00}));                    // short header
  CHECK_FALSE(decode_chap(Bytes{0x01, 0x01, 0x00, 0x03}));              // Length below header
  CHECK_FALSE(decode_chap(Bytes{0x03, 0x01, 0x00, 0x08, 'x'}));         // Length past the end
  CHECK_FALSE(decode_chap(Bytes{0x01, 0x01, 0x00, 0x04}));              // no Value-Size
  CHECK_FALSE(decode_chap(Bytes{0x01, 0x01, 0x00, 0x05, 0x00}));        // empty value
  CHECK_FALSE(decode_chap(Bytes{0x01, 0x01, 0x00, 0x07, 0x03, 1, 2}));  // Value-Size past Length
  // Value-Size fits the buffer but not Length: the Length wins.
  CHECK_FALSE(decode_chap(Bytes{0x01, 0x01, 0x00, 0x06, 0x02, 1, 2}));
  auto unknown = decode_chap(Bytes{0x09, 0x01, 0x00, 0x04});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == wire::ErrorKind::Ignore);
}

TEST_CASE("auth: CHAP encode refuses values it cannot express") {
  ChapPacket p{ChapCode::Response, 1, {}, "x", {}};
  CHECK_FALSE(encode_chap(p));
  p.value.assign(256, 0x55);
  CHECK_FALSE(encode_chap(p));
  p.value.assign(255, 0x55);
  CHECK(encode_chap(p));
}

TEST_CASE("auth: CHAP-MD5 response is MD5(id || secret || challenge)") {
  Bytes challenge;
  for (std::uint8_t i = 1; i <= 16; ++i) challenge.push_back(i);
  // Independently computed with Python's hashlib.md5.
  CHECK(hex_upper(chap_md5_response(0x2A, "secret", challenge)) == "369C0F1058BDF0A73BAB4EFBB952EA2B");
}

TEST_CASE("auth: describe_chap one-liners") {
  Bytes challenge = cat({0x01, 0x01, 0x00, 0x1A, 0x10}, Bytes(16, 0x11));
  challenge = cat(challenge, bytes_of("pptpd"));
  CHECK(describe_chap(challenge) == "[CHAP Challenge id=0x1 <16 bytes> name=\"pptpd\"]");
  ChapPacket resp{ChapCode::Response, 1, Bytes(49, 0), "alice", {}};
  CHECK(describe_chap(*encode_chap(resp)) == "[CHAP Response id=0x1 <49 bytes> name=\"alice\"]");
  ChapPacket ok{ChapCode::Success, 1, {}, {}, "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=hi"};
  CHECK(describe_chap(*encode_chap(ok)) == "[CHAP Success id=0x1 \"S=407A5589115FD0D6209F510FE9C04566932CDA56 M=hi\"]");
  ChapPacket evil{ChapCode::Failure, 0x2F, {}, {}, "E=691\x1B[2J"};
  CHECK(describe_chap(*encode_chap(evil)) == "[CHAP Failure id=0x2f \"E=691\\x1b[2J\"]");
  CHECK(describe_chap(Bytes{0x01, 0x01, 0x00, 0x09}).rfind("[CHAP malformed: ", 0) == 0);
}

TEST_CASE("auth: PAP Authenticate-Request round trip") {
  Bytes pkt = cat(cat({0x01, 0x05, 0x00, 0x10, 0x05}, bytes_of("alice")), cat({0x05}, bytes_of("s3cr3")));
  auto p = decode_pap(pkt);
  REQUIRE(p);
  CHECK(p->code == PapCode::AuthRequest);
  CHECK(p->id == 5);
  CHECK(p->peer_id == "alice");
  CHECK(p->password == "s3cr3");
  CHECK(*encode_pap(*p) == pkt);
}

TEST_CASE("auth: PAP Ack/Nak with and without a message") {
  Bytes ack = cat({0x02, 0x05, 0x00, 0x0C, 0x07}, bytes_of("Welcome"));
  auto a = decode_pap(ack);
  REQUIRE(a);
  CHECK(a->code == PapCode::AuthAck);
  CHECK(a->message == "Welcome");
  CHECK(*encode_pap(*a) == ack);
  auto bare = decode_pap(Bytes{0x03, 0x05, 0x00, 0x04});  // no Msg-Length at all
  REQUIRE(bare);
  CHECK(bare->code == PapCode::AuthNak);
  CHECK(bare->message.empty());
}

TEST_CASE("auth: malformed PAP packets are rejected") {
  CHECK_FALSE(decode_pap(Bytes{0x02, 0x01, 0x00}));
  CHECK_FALSE(decode_pap(Bytes{0x02, 0x01, 0x00, 0x02}));
  CHECK_FALSE(decode_pap(Bytes{0x02, 0x01, 0x00, 0x09, 0x01}));           // Length past the end
  CHECK_FALSE(decode_pap(Bytes{0x02, 0x01, 0x00, 0x06, 0x05, 'x'}));      // Msg-Length past Length
  CHECK_FALSE(decode_pap(Bytes{0x01, 0x01, 0x00, 0x07, 0x02, 'a', 'b'}));  // no Passwd-Length
  CHECK_FALSE(decode_pap(Bytes{0x01, 0x01, 0x00, 0x08, 0x01, 'a', 0x03, 'b'}));
  auto unknown = decode_pap(Bytes{0x07, 0x01, 0x00, 0x04});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == wire::ErrorKind::Ignore);
}

TEST_CASE("auth: describe_pap never shows the password") {
  PapPacket req{PapCode::AuthRequest, 1, "alice", "hunter2", {}};
  auto line = describe_pap(*encode_pap(req));
  CHECK(line == "[PAP AuthReq id=0x1 user=\"alice\" password=<hidden>]");
  CHECK(line.find("hunter2") == std::string::npos);
  PapPacket nak{PapCode::AuthNak, 1, {}, {}, "Bad password"};
  CHECK(describe_pap(*encode_pap(nak)) == "[PAP AuthNak id=0x1 \"Bad password\"]");
  PapPacket ack{PapCode::AuthAck, 2, {}, {}, {}};
  CHECK(describe_pap(*encode_pap(ack)) == "[PAP AuthAck id=0x2]");
}

// printable() moved to wire/text.hpp; its table is in test_wire_text.cpp.
