#pragma once
// MS-CHAPv2 (RFC 2759): the client's NT-Response, the server's proof
// ("S=<40 hex>") and how we check it, and the Response/Success layouts.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ppp/mschap.hpp"
#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace ppp::auth {

using Digest20 = std::array<std::uint8_t, 20>;

// The user name as it enters the challenge hash: without any "DOMAIN\" prefix.
// (The Name field of the Response still carries the full name.)
std::string_view strip_domain(std::string_view username);

// ChallengeHash: first 8 bytes of SHA-1(peer || authenticator || user name).
Challenge8 challenge_hash(const Challenge16& peer_challenge, const Challenge16& authenticator_challenge,
                          std::string_view username);

// GenerateNTResponse, from the password hash rather than the password so the
// plaintext can be dropped as soon as it is hashed.
Response24 generate_nt_response(const Challenge16& authenticator_challenge, const Challenge16& peer_challenge,
                                std::string_view username, const Hash16& password_hash);

// The 20 bytes behind GenerateAuthenticatorResponse.
Digest20 authenticator_response_digest(const Hash16& password_hash, const Response24& nt_response,
                                       const Challenge16& peer_challenge,
                                       const Challenge16& authenticator_challenge, std::string_view username);
// GenerateAuthenticatorResponse: "S=" followed by 40 uppercase hex digits.
std::string generate_authenticator_response(const Hash16& password_hash, const Response24& nt_response,
                                            const Challenge16& peer_challenge,
                                            const Challenge16& authenticator_challenge, std::string_view username);
// CheckAuthenticatorResponse: compares in constant time. `received` is the
// 20 bytes decoded from the server's S= field.
bool check_authenticator_response(const Digest20& received, const Hash16& password_hash,
                                  const Response24& nt_response, const Challenge16& peer_challenge,
                                  const Challenge16& authenticator_challenge, std::string_view username);

// Response value (49 bytes): peer challenge, 8 reserved zero bytes,
// NT-Response, flags 0.
struct MsChapV2Response {
  Challenge16 peer_challenge{};
  Response24 nt_response{};
  std::uint8_t flags = 0;
};
std::array<std::uint8_t, 49> encode_mschapv2_response(const MsChapV2Response& r);
wire::Result<MsChapV2Response> decode_mschapv2_response(wire::ByteView value);

// Success message: "S=<40 hex> M=<text>", or a bare "S=<40 hex>".
struct MsChapV2Success {
  Digest20 authenticator_response{};
  std::string message;  // raw server text, may be empty
};
wire::Result<MsChapV2Success> parse_mschapv2_success(std::string_view text);

}  // namespace ppp::auth
