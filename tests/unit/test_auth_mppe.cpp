// RFC 3079 MPPE keys. The RFC's example "send" key is the *server's* send key;
// these tests pin which of our keys that is, and cross-check the library
// against the RFC pseudo-code transcribed literally below.
#include <doctest/doctest.h>

#include <nettle/sha1.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "ppp/mppe_keys.hpp"
#include "ppp/mschap.hpp"
#include "ppp/mschapv2.hpp"

using namespace ppp::auth;

namespace {

constexpr Hash16 kPasswordHash = {0x44, 0xEB, 0xBA, 0x8D, 0x53, 0x12, 0xB8, 0xD6,
                                  0x11, 0x47, 0x44, 0x11, 0xF5, 0x69, 0x89, 0xAE};
constexpr Hash16 kPasswordHashHash = {0x41, 0xC0, 0x0C, 0x58, 0x4B, 0xD2, 0xD9, 0x1C,
                                      0x40, 0x17, 0xA2, 0xA1, 0x2F, 0xA5, 0x9F, 0x3F};
constexpr Response24 kNtResponse = {0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E, 0xA0, 0x8F, 0xAA, 0x39,
                                    0x81, 0xCD, 0x83, 0x54, 0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF};
constexpr Key16 kMasterKey = {0xFD, 0xEC, 0xE3, 0x71, 0x7A, 0x8C, 0x83, 0x8C,
                              0xB3, 0x88, 0xE5, 0x27, 0xAE, 0x3C, 0xDD, 0x31};
// RFC 3079 §3.5.3: "SendStartKey128" of the example, computed with IsServer.
constexpr Key16 kServerSendStartKey = {0x8B, 0x7C, 0xDC, 0x14, 0x9B, 0x99, 0x3A, 0x1B,
                                       0xA1, 0x18, 0xCB, 0x15, 0x3F, 0x56, 0xDC, 0xCB};
constexpr Key16 kSessionKey128 = {0x40, 0x5C, 0xB2, 0x24, 0x7A, 0x79, 0x56, 0xE6,
                                  0xE2, 0x11, 0x00, 0x7A, 0xE2, 0x7B, 0x22, 0xD4};
constexpr std::array<std::uint8_t, 8> kSessionKey40 = {0xD1, 0x26, 0x9E, 0xC4, 0x9F, 0xA6, 0x2E, 0x3E};
constexpr std::array<std::uint8_t, 8> kSessionKey56 = {0xD1, 0x5C, 0x00, 0xC4, 0x9F, 0xA6, 0x2E, 0x3E};

// ---- RFC 3079 §3.4 pseudo-code, transcribed without the library. ----
// Magic1..3 as the RFC lists them (ASCII of the sentences), SHSpad1/2.
const char* const Magic1 = "This is the MPPE Master Key";
const char* const Magic2 = "On the client side, this is the send key; on the server side, it is the receive key.";
const char* const Magic3 = "On the client side, this is the receive key; on the server side, it is the send key.";

void rfc_GetMasterKey(const std::uint8_t PasswordHashHash[16], const std::uint8_t NTResponse[24],
                      std::uint8_t MasterKey[16]) {
  std::uint8_t Digest[20];
  sha1_ctx Context;
  sha1_init(&Context);
  sha1_update(&Context, 16, PasswordHashHash);
  sha1_update(&Context, 24, NTResponse);
  sha1_update(&Context, 27, reinterpret_cast<const std::uint8_t*>(Magic1));
  sha1_digest(&Context, 20, Digest);
  std::memcpy(MasterKey, Digest, 16);
}

void rfc_GetAsymetricStartKey(const std::uint8_t MasterKey[16], std::uint8_t SessionKey[16],
                              std::size_t SessionKeyLength, bool IsSend, bool IsServer) {
  std::uint8_t Digest[20];
  std::uint8_t SHSpad1[40];
  std::uint8_t SHSpad2[40];
  std::memset(SHSpad1, 0x00, 40);
  std::memset(SHSpad2, 0xF2, 40);
  const char* s;
  if (IsSend) {
    if (IsServer) {
      s = Magic3;
    } else {
      s = Magic2;
    }
  } else {
    if (IsServer) {
      s = Magic2;
    } else {
      s = Magic3;
    }
  }
  sha1_ctx Context;
  sha1_init(&Context);
  sha1_update(&Context, 16, MasterKey);
  sha1_update(&Context, 40, SHSpad1);
  sha1_update(&Context, 84, reinterpret_cast<const std::uint8_t*>(s));
  sha1_update(&Context, 40, SHSpad2);
  sha1_digest(&Context, 20, Digest);
  std::memcpy(SessionKey, Digest, SessionKeyLength);
}

Key16 rfc_start_key(bool is_send, bool is_server) {
  std::uint8_t master[16];
  rfc_GetMasterKey(kPasswordHashHash.data(), kNtResponse.data(), master);
  Key16 key{};
  rfc_GetAsymetricStartKey(master, key.data(), 16, is_send, is_server);
  return key;
}

}  // namespace

TEST_CASE("auth: RFC 3079 master key") {
  CHECK(mppe_master_key(kPasswordHashHash, kNtResponse) == kMasterKey);
  std::uint8_t literal[16];
  rfc_GetMasterKey(kPasswordHashHash.data(), kNtResponse.data(), literal);
  CHECK(std::memcmp(literal, kMasterKey.data(), 16) == 0);
}

TEST_CASE("auth: RFC 3079 example start key is the server's send key, the client's receive key") {
  CHECK(mppe_asymmetric_start_key(kMasterKey, KeyDirection::Send, KeySide::Server) == kServerSendStartKey);
  CHECK(mppe_asymmetric_start_key(kMasterKey, KeyDirection::Receive, KeySide::Client) == kServerSendStartKey);
  CHECK(rfc_start_key(/*IsSend=*/true, /*IsServer=*/true) == kServerSendStartKey);

  auto keys = mppe_keys_mschapv2(kPasswordHash, kNtResponse);
  CHECK(keys.recv == kServerSendStartKey);
  CHECK(keys.send != keys.recv);
  // Client send = RFC(IsSend, !IsServer) = Magic2 = the server's receive key.
  CHECK(keys.send == rfc_start_key(true, false));
  CHECK(keys.send == rfc_start_key(false, true));
  CHECK(keys.recv == rfc_start_key(false, false));
  CHECK(keys.send == mppe_asymmetric_start_key(kMasterKey, KeyDirection::Receive, KeySide::Server));
  // And pinned as bytes, so a swap inside both derivations cannot pass.
  CHECK(keys.send == Key16{0xD5, 0xF0, 0xE9, 0x52, 0x1E, 0x3E, 0xA9, 0x58, 0x96, 0x45, 0xE8, 0x60, 0x51, 0xC8,
                           0x22, 0x26});
}

TEST_CASE("auth: RFC 3079 session keys from the example start key, 128/40/56 bits") {
  CHECK(mppe_initial_session_key_128(kServerSendStartKey) == kSessionKey128);
  std::array<std::uint8_t, 8> start8{};
  std::copy_n(kServerSendStartKey.begin(), 8, start8.begin());
  CHECK(mppe_initial_session_key_short(start8, MppeShortKey::Bits40) == kSessionKey40);
  CHECK(mppe_initial_session_key_short(start8, MppeShortKey::Bits56) == kSessionKey56);
}

TEST_CASE("auth: RFC 3079 keys end to end from user name, password and challenges") {
  const Challenge16 auth = {0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
                            0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28};
  const Challenge16 peer = {0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
                            0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E};
  auto hash = nt_password_hash("clientPass");
  auto nt = generate_nt_response(auth, peer, "User", hash);
  auto keys = mppe_keys_mschapv2(hash, nt);
  CHECK(mppe_initial_session_key_128(keys.recv) == kSessionKey128);
}

TEST_CASE("auth: MS-CHAPv1 start key follows RFC 3079 GetStartKey, same both ways") {
  const Challenge8 challenge = {0x10, 0x2D, 0xB5, 0xDF, 0x08, 0x5D, 0x30, 0x41};
  auto hash = nt_password_hash("MyPw");
  auto keys = mppe_keys_mschapv1(hash, challenge);
  CHECK(keys.send == keys.recv);
  // Literal GetStartKey: SHA1(PasswordHashHash, PasswordHashHash, Challenge).
  auto hh = hash_nt_password_hash(hash);
  std::uint8_t digest[20];
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, 16, hh.data());
  sha1_update(&ctx, 16, hh.data());
  sha1_update(&ctx, 8, challenge.data());
  sha1_digest(&ctx, 20, digest);
  CHECK(std::memcmp(keys.send.data(), digest, 16) == 0);
}
