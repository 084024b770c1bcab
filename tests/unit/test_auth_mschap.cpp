// MS-CHAPv2 and MS-CHAPv1 crypto against the RFCs' own worked examples.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ppp/auth_text.hpp"
#include "ppp/mschap.hpp"
#include "ppp/mschapv2.hpp"

using namespace ppp::auth;

namespace {

// RFC 2759 §9.2.
constexpr Challenge16 kAuthChallenge = {0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
                                        0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28};
constexpr Challenge16 kPeerChallenge = {0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
                                        0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E};
constexpr Challenge8 kChallenge = {0xD0, 0x2E, 0x43, 0x86, 0xBC, 0xE9, 0x12, 0x26};
constexpr Hash16 kPasswordHash = {0x44, 0xEB, 0xBA, 0x8D, 0x53, 0x12, 0xB8, 0xD6,
                                  0x11, 0x47, 0x44, 0x11, 0xF5, 0x69, 0x89, 0xAE};
constexpr Response24 kNtResponse = {0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E, 0xA0, 0x8F, 0xAA, 0x39,
                                    0x81, 0xCD, 0x83, 0x54, 0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF};
constexpr Hash16 kPasswordHashHash = {0x41, 0xC0, 0x0C, 0x58, 0x4B, 0xD2, 0xD9, 0x1C,
                                      0x40, 0x17, 0xA2, 0xA1, 0x2F, 0xA5, 0x9F, 0x3F};
const std::string kAuthResponse = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

}  // namespace

TEST_CASE("auth: RFC 2759 9.2 password as UTF-16LE and its hashes") {
  auto unicode = utf16le("clientPass");
  CHECK(unicode == std::vector<std::uint8_t>{0x63, 0x00, 0x6C, 0x00, 0x69, 0x00, 0x65, 0x00, 0x6E, 0x00,
                                             0x74, 0x00, 0x50, 0x00, 0x61, 0x00, 0x73, 0x00, 0x73, 0x00});
  CHECK(nt_password_hash("clientPass") == kPasswordHash);
  CHECK(hash_nt_password_hash(kPasswordHash) == kPasswordHashHash);
}

TEST_CASE("auth: RFC 2759 9.2 challenge hash, NT-Response, authenticator response") {
  CHECK(challenge_hash(kPeerChallenge, kAuthChallenge, "User") == kChallenge);
  CHECK(challenge_response(kChallenge, kPasswordHash) == kNtResponse);
  CHECK(generate_nt_response(kAuthChallenge, kPeerChallenge, "User", kPasswordHash) == kNtResponse);
  CHECK(generate_authenticator_response(kPasswordHash, kNtResponse, kPeerChallenge, kAuthChallenge, "User") ==
        kAuthResponse);
}

TEST_CASE("auth: the DOMAIN\\ prefix stays out of the challenge hash") {
  CHECK(strip_domain("CORP\\User") == "User");
  CHECK(strip_domain("User") == "User");
  CHECK(strip_domain("A\\B\\User") == "User");
  CHECK(challenge_hash(kPeerChallenge, kAuthChallenge, "CORP\\User") == kChallenge);
  CHECK(generate_authenticator_response(kPasswordHash, kNtResponse, kPeerChallenge, kAuthChallenge,
                                        "CORP\\User") == kAuthResponse);
}

TEST_CASE("auth: check_authenticator_response accepts the RFC value and nothing else") {
  Digest20 good{};
  REQUIRE(hex_decode(kAuthResponse.substr(2), good));
  CHECK(check_authenticator_response(good, kPasswordHash, kNtResponse, kPeerChallenge, kAuthChallenge, "User"));
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x01;
    CHECK_FALSE(check_authenticator_response(bad, kPasswordHash, kNtResponse, kPeerChallenge, kAuthChallenge, "User"));
  }
  auto wrong_hash = kPasswordHash;
  wrong_hash[0] ^= 0x80;
  CHECK_FALSE(check_authenticator_response(good, wrong_hash, kNtResponse, kPeerChallenge, kAuthChallenge, "User"));
}

TEST_CASE("auth: RFC 2759 8.6 DES key expansion with parity") {
  CHECK(nt_password_hash("MyPw") == Hash16{0xFC, 0x15, 0x6A, 0xF7, 0xED, 0xCD, 0x6C, 0x0E, 0xDD, 0xE3, 0x33, 0x7D,
                                           0x42, 0x7F, 0x4E, 0xAC});
  CHECK(des_expand_key({0xFC, 0x15, 0x6A, 0xF7, 0xED, 0xCD, 0x6C}) ==
        std::array<std::uint8_t, 8>{0xFD, 0x0B, 0x5B, 0x5E, 0x7F, 0x6E, 0x34, 0xD9});
  CHECK(des_expand_key({0x0E, 0xDD, 0xE3, 0x33, 0x7D, 0x42, 0x7F}) ==
        std::array<std::uint8_t, 8>{0x0E, 0x6E, 0x79, 0x67, 0x37, 0xEA, 0x08, 0xFE});
}

TEST_CASE("auth: a weak DES key from an all-zero hash tail still encrypts") {
  // Key 00.. expands to 01 01 .. 01, a weak key; the classic DES vector for
  // the zero key and zero block is 8C A6 4D E9 C1 B1 23 A7.
  CHECK(des_encrypt_block(Challenge8{}, std::array<std::uint8_t, 7>{}) ==
        std::array<std::uint8_t, 8>{0x8C, 0xA6, 0x4D, 0xE9, 0xC1, 0xB1, 0x23, 0xA7});
}

TEST_CASE("auth: RFC 2433 MS-CHAPv1 NT response for \"MyPw\"") {
  const Challenge8 challenge = {0x10, 0x2D, 0xB5, 0xDF, 0x08, 0x5D, 0x30, 0x41};
  const Response24 expected = {0x4E, 0x9D, 0x3C, 0x8F, 0x9C, 0xFD, 0x38, 0x5D, 0x5B, 0xF4, 0xD3, 0x24,
                               0x67, 0x91, 0x95, 0x6C, 0xA4, 0xC3, 0x51, 0xAB, 0x40, 0x9A, 0x3D, 0x61};
  auto hash = nt_password_hash("MyPw");
  CHECK(mschapv1_nt_response(challenge, hash) == expected);
  auto value = mschapv1_response_value(challenge, hash);
  for (std::size_t i = 0; i < 24; ++i) CHECK(value[i] == 0);  // no LM response, ever
  CHECK(std::equal(expected.begin(), expected.end(), value.begin() + 24));
  CHECK(value[48] == 1);  // "use the NT response"
}

TEST_CASE("auth: UTF-8 passwords hash as UTF-16LE, invalid bytes as Latin-1") {
  // U+00E9 (2 bytes), U+20AC (3 bytes), U+1F600 (4 bytes, a surrogate pair).
  CHECK(utf16le("\xC3\xA9") == std::vector<std::uint8_t>{0xE9, 0x00});
  CHECK(utf16le("\xE2\x82\xAC") == std::vector<std::uint8_t>{0xAC, 0x20});
  CHECK(utf16le("\xF0\x9F\x98\x80") == std::vector<std::uint8_t>{0x3D, 0xD8, 0x00, 0xDE});
  // A lone Latin-1 byte and an overlong '/' are not UTF-8.
  CHECK(utf16le("\xE9") == std::vector<std::uint8_t>{0xE9, 0x00});
  CHECK(utf16le("\xC0\xAF") == std::vector<std::uint8_t>{0xC0, 0x00, 0xAF, 0x00});
  CHECK(utf16le("\xE2\x82") == std::vector<std::uint8_t>{0xE2, 0x00, 0x82, 0x00});
}

TEST_CASE("auth: MS-CHAPv2 Response value layout round-trips") {
  MsChapV2Response r{kPeerChallenge, kNtResponse, 0};
  auto value = encode_mschapv2_response(r);
  CHECK(std::equal(kPeerChallenge.begin(), kPeerChallenge.end(), value.begin()));
  for (std::size_t i = 16; i < 24; ++i) CHECK(value[i] == 0);
  CHECK(std::equal(kNtResponse.begin(), kNtResponse.end(), value.begin() + 24));
  CHECK(value[48] == 0);
  auto back = decode_mschapv2_response(value);
  REQUIRE(back);
  CHECK(back->peer_challenge == kPeerChallenge);
  CHECK(back->nt_response == kNtResponse);
  value[20] = 1;
  CHECK_FALSE(decode_mschapv2_response(value));
  CHECK_FALSE(decode_mschapv2_response(wire::ByteView(value).first(48)));
}

TEST_CASE("auth: MS-CHAPv2 Success message parsing") {
  auto s = parse_mschapv2_success(kAuthResponse + " M=Access granted");
  REQUIRE(s);
  CHECK(hex_upper(s->authenticator_response) == kAuthResponse.substr(2));
  CHECK(s->message == "Access granted");

  auto bare = parse_mschapv2_success(kAuthResponse);
  REQUIRE(bare);
  CHECK(bare->message.empty());

  auto lower = parse_mschapv2_success("S=407a5589115fd0d6209f510fe9c04566932cda56  M=ok");
  REQUIRE(lower);
  CHECK(lower->authenticator_response == s->authenticator_response);
  CHECK(lower->message == "ok");

  CHECK_FALSE(parse_mschapv2_success(""));
  CHECK_FALSE(parse_mschapv2_success("M=Access granted"));
  CHECK_FALSE(parse_mschapv2_success("S=407A5589115FD0D6209F510FE9C04566932CDA5"));    // 39 digits
  CHECK_FALSE(parse_mschapv2_success("S=407A5589115FD0D6209F510FE9C04566932CDA5G"));   // not hex
  CHECK_FALSE(parse_mschapv2_success("S=407A5589115FD0D6209F510FE9C04566932CDA560"));  // 41 digits
}

TEST_CASE("auth: MS-CHAP Failure message parsing") {
  auto f = parse_mschap_failure("E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Authentication failure");
  REQUIRE(f);
  CHECK(f->error == 691);
  CHECK_FALSE(f->retry_allowed);
  CHECK(f->new_challenge.size() == 16);
  CHECK(f->new_challenge[15] == 0xFF);
  CHECK(f->version == 3);
  CHECK(f->message == "Authentication failure");

  auto v1 = parse_mschap_failure("E=649 R=1 C=0011223344556677");
  REQUIRE(v1);
  CHECK(v1->error == 649);
  CHECK(v1->retry_allowed);
  CHECK(v1->new_challenge.size() == 8);
  CHECK(v1->message.empty());

  auto bare = parse_mschap_failure("E=648");
  REQUIRE(bare);
  CHECK(bare->error == 648);

  CHECK_FALSE(parse_mschap_failure(""));
  CHECK_FALSE(parse_mschap_failure("R=0 M=no error code"));
  CHECK_FALSE(parse_mschap_failure("E=abc"));
  CHECK_FALSE(parse_mschap_failure("E=691 R=2"));
  CHECK_FALSE(parse_mschap_failure("E=691 C=0011"));
  CHECK_FALSE(parse_mschap_failure("E=99999999999999"));
}

TEST_CASE("auth: RAS error codes read as sentences") {
  CHECK(mschap_error_sentence(691) == "wrong user name or password");
  CHECK(mschap_error_sentence(646) == "login not allowed at this time");
  CHECK(mschap_error_sentence(647) == "account disabled");
  CHECK(mschap_error_sentence(648) == "password expired");
  CHECK(mschap_error_sentence(649) == "no dial-in permission");
  CHECK(mschap_error_sentence(709) == "password change failed");
  CHECK(mschap_error_sentence(42) == "authentication failed (error 42)");
}
