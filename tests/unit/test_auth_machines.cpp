// Client authentication machines, driven packet by packet with the RFC's
// numbers. Time is a fixed point plus offsets; nothing sleeps.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ppp/auth.hpp"
#include "ppp/auth_text.hpp"
#include "ppp/chap.hpp"
#include "ppp/pap.hpp"

using namespace ppp::auth;
using Bytes = std::vector<std::uint8_t>;

namespace {

const Clock::time_point t0{std::chrono::seconds(1000)};

constexpr std::array<std::uint8_t, 16> kAuthChallenge = {0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
                                                         0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28};
constexpr std::array<std::uint8_t, 16> kPeerChallenge = {0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
                                                         0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E};
const std::string kGoodS = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

Bytes chap(ChapCode code, std::uint8_t id, Bytes value, std::string text) {
  ChapPacket p{code, id, std::move(value), {}, {}};
  if (code == ChapCode::Challenge || code == ChapCode::Response) p.name = std::move(text);
  else p.message = std::move(text);
  return *encode_chap(p);
}

Bytes challenge(std::uint8_t id) { return chap(ChapCode::Challenge, id, Bytes(kAuthChallenge.begin(), kAuthChallenge.end()), "pptpd"); }

std::unique_ptr<Authenticator> make(AuthProtocol proto, std::string user = "User", std::string pass = "clientPass") {
  auto a = make_authenticator(proto, {std::move(user), std::move(pass), kPeerChallenge});
  REQUIRE(a);
  return std::move(*a);
}

AuthFailed failure_of(const AuthOutput& out) {
  REQUIRE(out.event);
  REQUIRE(std::holds_alternative<AuthFailed>(*out.event));
  return std::get<AuthFailed>(*out.event);
}

AuthSucceeded success_of(const AuthOutput& out) {
  REQUIRE(out.event);
  REQUIRE(std::holds_alternative<AuthSucceeded>(*out.event));
  return std::get<AuthSucceeded>(*out.event);
}

}  // namespace

TEST_CASE("auth: MS-CHAPv2 full exchange with the RFC 2759 numbers") {
  auto a = make(AuthProtocol::MsChapV2);
  CHECK(ppp_protocol(a->protocol()) == 0xC223);
  auto s = a->start(t0);
  CHECK(s.send.empty());
  CHECK_FALSE(s.deadline);

  auto out = a->on_packet(challenge(0x01), t0);
  REQUIRE(out.send.size() == 1);
  Bytes expected = {0x02, 0x01, 0x00, 0x3A, 0x31,
                    // peer challenge
                    0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A, 0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E,
                    // reserved
                    0, 0, 0, 0, 0, 0, 0, 0,
                    // NT-Response
                    0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E, 0xA0, 0x8F, 0xAA, 0x39, 0x81, 0xCD, 0x83, 0x54,
                    0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF,
                    // flags, name
                    0x00, 'U', 's', 'e', 'r'};
  CHECK(out.send[0] == expected);
  CHECK_FALSE(out.event);
  CHECK_FALSE(out.deadline);

  // The server retransmits the same Challenge: same answer, byte for byte.
  auto again = a->on_packet(challenge(0x01), t0 + std::chrono::seconds(3));
  REQUIRE(again.send.size() == 1);
  CHECK(again.send[0] == expected);

  auto done = a->on_packet(chap(ChapCode::Success, 0x01, {}, kGoodS + " M=Access granted"), t0);
  auto ok = success_of(done);
  CHECK(ok.message == "Access granted");
  REQUIRE(ok.keys);
  CHECK(hex_upper(ok.keys->recv) == "8B7CDC149B993A1BA118CB153F56DCCB");
  CHECK(hex_upper(ok.keys->send) == "D5F0E9521E3EA9589645E86051C82226");
  CHECK(a->finished());

  // Nothing moves after the verdict.
  auto late = a->on_packet(chap(ChapCode::Failure, 0x01, {}, "E=691 R=0"), t0);
  CHECK_FALSE(late.event);
  CHECK_FALSE(late.dropped.empty());
}

TEST_CASE("auth: MS-CHAPv2 with a DOMAIN\\ user sends the full name but hashes the short one") {
  auto a = make(AuthProtocol::MsChapV2, "CORP\\User");
  auto out = a->on_packet(challenge(0x22), t0);
  REQUIRE(out.send.size() == 1);
  auto r = decode_chap(out.send[0]);
  REQUIRE(r);
  CHECK(r->id == 0x22);
  CHECK(r->name == "CORP\\User");
  CHECK(hex_upper(wire::ByteView(r->value).subspan(24, 24)) ==
        "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");
  CHECK(success_of(a->on_packet(chap(ChapCode::Success, 0x22, {}, kGoodS), t0)).keys);
}

TEST_CASE("auth: MS-CHAPv2 fails closed when the server cannot prove the password") {
  SUBCASE("wrong S=") {
    auto a = make(AuthProtocol::MsChapV2);
    a->on_packet(challenge(1), t0);
    auto bad = kGoodS;
    bad[10] = bad[10] == '0' ? '1' : '0';
    auto f = failure_of(a->on_packet(chap(ChapCode::Success, 1, {}, bad + " M=welcome"), t0));
    CHECK(f.category == FailureCategory::Impostor);
    CHECK(f.reason == "server failed to prove it knows the password: possible impostor");
    CHECK(a->finished());
  }
  SUBCASE("no S= at all") {
    auto a = make(AuthProtocol::MsChapV2);
    a->on_packet(challenge(1), t0);
    CHECK(failure_of(a->on_packet(chap(ChapCode::Success, 1, {}, "Welcome!"), t0)).category ==
          FailureCategory::Impostor);
  }
  SUBCASE("right S= for a different password") {
    auto a = make(AuthProtocol::MsChapV2, "User", "otherPass");
    a->on_packet(challenge(1), t0);
    CHECK(failure_of(a->on_packet(chap(ChapCode::Success, 1, {}, kGoodS), t0)).category ==
          FailureCategory::Impostor);
  }
}

TEST_CASE("auth: MS-CHAPv2 Failure codes become categories and sentences, no retry") {
  auto a = make(AuthProtocol::MsChapV2);
  a->on_packet(challenge(1), t0);
  auto out = a->on_packet(
      chap(ChapCode::Failure, 1, {}, "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=bad password"), t0);
  CHECK(out.send.empty());  // R=1 is declined
  auto f = failure_of(out);
  CHECK(f.category == FailureCategory::WrongPassword);
  CHECK(f.reason == "wrong user name or password (server says \"bad password\")");
  CHECK(a->finished());
  CHECK(a->on_packet(challenge(2), t0).send.empty());

  struct Case {
    const char* text;
    FailureCategory category;
    const char* reason;
  };
  for (auto c : {Case{"E=649 R=0", FailureCategory::AccountRestricted, "no dial-in permission"},
                 Case{"E=648 R=0 V=3", FailureCategory::PasswordExpired, "password expired"},
                 Case{"E=646", FailureCategory::AccountRestricted, "login not allowed at this time"},
                 Case{"E=647", FailureCategory::AccountRestricted, "account disabled"},
                 Case{"E=709", FailureCategory::PasswordExpired, "password change failed"},
                 Case{"E=42", FailureCategory::Rejected, "authentication failed (error 42)"},
                 Case{"go away", FailureCategory::Rejected,
                      "server refused the login without a readable reason (server says \"go away\")"}}) {
    CAPTURE(c.text);
    auto m = make(AuthProtocol::MsChapV2);
    m->on_packet(challenge(9), t0);
    auto ff = failure_of(m->on_packet(chap(ChapCode::Failure, 9, {}, c.text), t0));
    CHECK(ff.category == c.category);
    CHECK(ff.reason == c.reason);
  }
}

TEST_CASE("auth: MS-CHAPv2 ignores verdicts for other ids and before a Response") {
  auto a = make(AuthProtocol::MsChapV2);
  auto early = a->on_packet(chap(ChapCode::Success, 1, {}, kGoodS), t0);
  CHECK_FALSE(early.event);
  CHECK_FALSE(early.dropped.empty());
  a->on_packet(challenge(1), t0);
  auto other = a->on_packet(chap(ChapCode::Failure, 2, {}, "E=691"), t0);
  CHECK_FALSE(other.event);
  CHECK(other.dropped.find("id") != std::string::npos);
  auto garbage = a->on_packet(Bytes{0x03, 0x01, 0x00}, t0);
  CHECK_FALSE(garbage.event);
  CHECK_FALSE(garbage.dropped.empty());
  CHECK(success_of(a->on_packet(chap(ChapCode::Success, 1, {}, kGoodS), t0)).keys);
}

TEST_CASE("auth: MS-CHAPv2 answers a new challenge id, and gives up on endless ones") {
  auto a = make(AuthProtocol::MsChapV2);
  auto first = a->on_packet(challenge(1), t0);
  auto second = a->on_packet(challenge(2), t0);
  REQUIRE(second.send.size() == 1);
  CHECK(decode_chap(second.send[0])->id == 2);
  CHECK(success_of(a->on_packet(chap(ChapCode::Success, 2, {}, kGoodS), t0)).keys);

  auto b = make(AuthProtocol::MsChapV2);
  AuthOutput out;
  unsigned answered = 0;
  for (unsigned i = 0; i < 100 && !out.event; ++i) {
    out = b->on_packet(challenge(static_cast<std::uint8_t>(i)), t0);
    answered += static_cast<unsigned>(out.send.size());
  }
  CHECK(answered == kMaxChapResponses);
  CHECK(failure_of(out).category == FailureCategory::ProtocolError);
}

TEST_CASE("auth: MS-CHAPv2 rejects a challenge of the wrong size") {
  auto a = make(AuthProtocol::MsChapV2);
  auto f = failure_of(a->on_packet(chap(ChapCode::Challenge, 1, Bytes(8, 1), "srv"), t0));
  CHECK(f.category == FailureCategory::ProtocolError);
  CHECK(f.reason.find("instead of 16") != std::string::npos);
}

TEST_CASE("auth: MS-CHAPv1 exchange gives equal start keys") {
  const Bytes v1_challenge = {0x10, 0x2D, 0xB5, 0xDF, 0x08, 0x5D, 0x30, 0x41};
  auto a = make(AuthProtocol::MsChapV1, "User", "MyPw");
  auto out = a->on_packet(chap(ChapCode::Challenge, 3, v1_challenge, "srv"), t0);
  REQUIRE(out.send.size() == 1);
  auto r = decode_chap(out.send[0]);
  REQUIRE(r);
  REQUIRE(r->value.size() == 49);
  CHECK(hex_upper(wire::ByteView(r->value).first(24)) == std::string(48, '0'));
  CHECK(hex_upper(wire::ByteView(r->value).subspan(24, 24)) == "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61");
  CHECK(r->value[48] == 1);
  CHECK(r->name == "User");
  auto ok = success_of(a->on_packet(chap(ChapCode::Success, 3, {}, ""), t0));
  REQUIRE(ok.keys);
  CHECK(ok.keys->send == ok.keys->recv);

  auto b = make(AuthProtocol::MsChapV1);
  CHECK(failure_of(b->on_packet(challenge(1), t0)).category == FailureCategory::ProtocolError);
  auto c = make(AuthProtocol::MsChapV1);
  c->on_packet(chap(ChapCode::Challenge, 3, v1_challenge, "srv"), t0);
  CHECK(failure_of(c->on_packet(chap(ChapCode::Failure, 3, {}, "E=691 R=1 C=0011223344556677"), t0)).category ==
        FailureCategory::WrongPassword);
}

TEST_CASE("auth: CHAP-MD5 exchange, failure, and re-challenge after success") {
  auto a = make(AuthProtocol::ChapMd5, "alice", "clientPass");
  auto out = a->on_packet(challenge(1), t0);
  REQUIRE(out.send.size() == 1);
  auto r = decode_chap(out.send[0]);
  REQUIRE(r);
  CHECK(r->code == ChapCode::Response);
  CHECK(r->id == 1);
  CHECK(r->name == "alice");
  // MD5(01 || "clientPass" || challenge), computed with Python's hashlib.
  CHECK(hex_upper(r->value) == "5F09D7E952D4B481108861304E6DE873");
  auto ok = success_of(a->on_packet(chap(ChapCode::Success, 1, {}, "Welcome"), t0));
  CHECK_FALSE(ok.keys);
  CHECK(ok.message == "Welcome");
  CHECK(a->finished());

  // RFC 1994 lets the server re-challenge at any time.
  auto re = a->on_packet(challenge(2), t0);
  REQUIRE(re.send.size() == 1);
  CHECK(decode_chap(re.send[0])->id == 2);
  auto quiet = a->on_packet(chap(ChapCode::Success, 2, {}, ""), t0);
  CHECK_FALSE(quiet.event);  // only one Success event
  a->on_packet(challenge(3), t0);
  CHECK(failure_of(a->on_packet(chap(ChapCode::Failure, 3, {}, ""), t0)).category == FailureCategory::WrongPassword);

  auto b = make(AuthProtocol::ChapMd5, "alice", "wrong");
  b->on_packet(challenge(7), t0);
  auto f = failure_of(b->on_packet(chap(ChapCode::Failure, 7, {}, "Access denied"), t0));
  CHECK(f.category == FailureCategory::WrongPassword);
  CHECK(f.reason == "wrong user name or password (server says \"Access denied\")");
}

TEST_CASE("auth: PAP exchange, Ack") {
  auto a = make(AuthProtocol::Pap, "alice", "hunter2");
  CHECK(ppp_protocol(a->protocol()) == 0xC023);
  auto out = a->start(t0);
  REQUIRE(out.send.size() == 1);
  CHECK(out.send[0] == Bytes{0x01, 0x01, 0x00, 0x12, 0x05, 'a', 'l', 'i', 'c', 'e', 0x07, 'h', 'u', 'n', 't', 'e',
                             'r', '2'});
  REQUIRE(out.deadline);
  CHECK(*out.deadline == t0 + std::chrono::seconds(3));
  CHECK(a->start(t0).send.empty());  // only once

  // An early timer call changes nothing.
  auto early = a->on_timeout(t0 + std::chrono::seconds(1));
  CHECK(early.send.empty());
  CHECK(*early.deadline == t0 + std::chrono::seconds(3));

  auto ack = a->on_packet(Bytes{0x02, 0x01, 0x00, 0x07, 0x02, 'O', 'K'}, t0);
  auto ok = success_of(ack);
  CHECK(ok.message == "OK");
  CHECK_FALSE(ok.keys);
  CHECK_FALSE(ack.deadline);
  CHECK(a->finished());
}

TEST_CASE("auth: PAP Nak, unknown ids and a retransmitted request") {
  auto a = make(AuthProtocol::Pap, "alice", "wrong");
  a->start(t0);
  auto re = a->on_timeout(t0 + std::chrono::seconds(3));
  REQUIRE(re.send.size() == 1);
  CHECK(re.send[0][1] == 0x02);  // a new id for every request
  CHECK(*re.deadline == t0 + std::chrono::seconds(6));
  auto stray = a->on_packet(Bytes{0x03, 0x09, 0x00, 0x04}, t0);
  CHECK_FALSE(stray.event);
  CHECK(stray.deadline);
  // A late answer to the first request still counts.
  auto f = failure_of(a->on_packet(Bytes{0x03, 0x01, 0x00, 0x0A, 0x05, 'N', 'o', 'p', 'e', '!'}, t0));
  CHECK(f.category == FailureCategory::WrongPassword);
  CHECK(f.reason == "wrong user name or password (server says \"Nope!\")");
}

TEST_CASE("auth: PAP gives up after 10 requests") {
  auto a = make(AuthProtocol::Pap, "alice", "pw");
  auto now = t0;
  auto out = a->start(now);
  unsigned sent = static_cast<unsigned>(out.send.size());
  while (!out.event) {
    REQUIRE(out.deadline);
    now = *out.deadline;
    out = a->on_timeout(now);
    sent += static_cast<unsigned>(out.send.size());
    REQUIRE(sent <= 10);
  }
  CHECK(sent == 10);
  CHECK(now == t0 + std::chrono::seconds(30));
  auto f = failure_of(out);
  CHECK(f.category == FailureCategory::Timeout);
  CHECK_FALSE(out.deadline);
}

TEST_CASE("auth: credentials that cannot be sent are refused up front") {
  CHECK_FALSE(make_authenticator(AuthProtocol::Pap, {std::string(256, 'u'), "pw", {}}));
  CHECK_FALSE(make_authenticator(AuthProtocol::Pap, {"u", std::string(256, 'p'), {}}));
  CHECK_FALSE(make_authenticator(AuthProtocol::MsChapV2, {"u", std::string(257, 'p'), {}}));
  CHECK(make_authenticator(AuthProtocol::MsChapV2, {"u", std::string(256, 'p'), {}}));
  CHECK(to_string(FailureCategory::Impostor) == "impostor");
}
