#pragma once
// Microsoft CHAP building blocks shared by version 1 (RFC 2433) and version 2
// (RFC 2759): the NT password hash, the DES-based challenge response, the
// MS-CHAPv1 response value, and the Failure message both versions send.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp::auth {

using Hash16 = std::array<std::uint8_t, 16>;
using Challenge8 = std::array<std::uint8_t, 8>;
using Challenge16 = std::array<std::uint8_t, 16>;
using Response24 = std::array<std::uint8_t, 24>;

// RFC 2759 limits the password to 256 Unicode characters.
inline constexpr std::size_t kMaxPasswordUnits = 256;

// The password as UTF-16LE, which the NT hash is defined over. Invalid UTF-8
// bytes are taken as Latin-1 (one code point each) rather than rejected, so a
// legacy 8-bit password still hashes the way Windows would see it typed.
// The caller wipes the result.
std::vector<std::uint8_t> utf16le(std::string_view utf8);

// NtPasswordHash: MD4 of the UTF-16LE password.
Hash16 nt_password_hash(std::string_view password);
// HashNtPasswordHash: MD4 of the hash.
Hash16 hash_nt_password_hash(const Hash16& password_hash);

// The 7 → 8 byte DES key expansion with odd parity (RFC 2759 §8.6 example).
std::array<std::uint8_t, 8> des_expand_key(const std::array<std::uint8_t, 7>& key7);
// DesEncrypt(Clear, Key7). (Not named des_encrypt: nettle #defines that name.)
std::array<std::uint8_t, 8> des_encrypt_block(const Challenge8& clear, const std::array<std::uint8_t, 7>& key7);
// ChallengeResponse: the hash zero-padded to 21 bytes, three DES encryptions.
Response24 challenge_response(const Challenge8& challenge, const Hash16& password_hash);

// MS-CHAPv1 NT-Response (RFC 2433 NtChallengeResponse).
Response24 mschapv1_nt_response(const Challenge8& challenge, const Hash16& password_hash);
// MS-CHAPv1 Response value: 24 zero bytes where the LM response would go, the
// NT response, and the "use NT" flag 1. We never send the LM response: it is
// crackable in minutes.
std::array<std::uint8_t, 49> mschapv1_response_value(const Challenge8& challenge, const Hash16& password_hash);

// "E=691 R=0 C=<hex> V=3 M=<text>" from an MS-CHAP Failure packet.
struct MsChapFailure {
  unsigned error = 0;
  bool retry_allowed = false;
  std::vector<std::uint8_t> new_challenge;  // 8 (v1) or 16 (v2) bytes, or empty
  unsigned version = 0;
  std::string message;  // raw server text after M=, may be empty
};
wire::Result<MsChapFailure> parse_mschap_failure(std::string_view text);

// A sentence for a Windows RAS error code ("wrong user name or password").
std::string mschap_error_sentence(unsigned error);

}  // namespace ppp::auth
