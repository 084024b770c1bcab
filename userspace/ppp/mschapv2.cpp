#include "ppp/mschapv2.hpp"

#include <nettle/memops.h>
#include <nettle/sha1.h>

#include <algorithm>

#include "ppp/auth_text.hpp"

namespace ppp::auth {

namespace {

// RFC 2759 §8.7 constants.
constexpr std::string_view kMagic1 = "Magic server to client signing constant";
constexpr std::string_view kMagic2 = "Pad to make it do more than one iteration";

void sha1_text(sha1_ctx& ctx, std::string_view s) {
  sha1_update(&ctx, s.size(), reinterpret_cast<const std::uint8_t*>(s.data()));
}

}  // namespace

std::string_view strip_domain(std::string_view username) {
  auto slash = username.rfind('\\');
  return slash == std::string_view::npos ? username : username.substr(slash + 1);
}

Challenge8 challenge_hash(const Challenge16& peer_challenge, const Challenge16& authenticator_challenge,
                          std::string_view username) {
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, peer_challenge.size(), peer_challenge.data());
  sha1_update(&ctx, authenticator_challenge.size(), authenticator_challenge.data());
  sha1_text(ctx, strip_domain(username));
  Challenge8 out{};
  sha1_digest(&ctx, out.size(), out.data());
  return out;
}

Response24 generate_nt_response(const Challenge16& authenticator_challenge, const Challenge16& peer_challenge,
                                std::string_view username, const Hash16& password_hash) {
  return challenge_response(challenge_hash(peer_challenge, authenticator_challenge, username), password_hash);
}

Digest20 authenticator_response_digest(const Hash16& password_hash, const Response24& nt_response,
                                       const Challenge16& peer_challenge,
                                       const Challenge16& authenticator_challenge, std::string_view username) {
  auto hash_hash = hash_nt_password_hash(password_hash);
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, hash_hash.size(), hash_hash.data());
  sha1_update(&ctx, nt_response.size(), nt_response.data());
  sha1_text(ctx, kMagic1);
  Digest20 digest{};
  sha1_digest(&ctx, digest.size(), digest.data());

  auto challenge = challenge_hash(peer_challenge, authenticator_challenge, username);
  sha1_init(&ctx);
  sha1_update(&ctx, digest.size(), digest.data());
  sha1_update(&ctx, challenge.size(), challenge.data());
  sha1_text(ctx, kMagic2);
  Digest20 out{};
  sha1_digest(&ctx, out.size(), out.data());
  wipe(hash_hash);
  return out;
}

std::string generate_authenticator_response(const Hash16& password_hash, const Response24& nt_response,
                                            const Challenge16& peer_challenge,
                                            const Challenge16& authenticator_challenge, std::string_view username) {
  return "S=" + hex_upper(authenticator_response_digest(password_hash, nt_response, peer_challenge,
                                                         authenticator_challenge, username));
}

bool check_authenticator_response(const Digest20& received, const Hash16& password_hash,
                                  const Response24& nt_response, const Challenge16& peer_challenge,
                                  const Challenge16& authenticator_challenge, std::string_view username) {
  auto expected =
      authenticator_response_digest(password_hash, nt_response, peer_challenge, authenticator_challenge, username);
  // Constant time, so a forger learns nothing from how long a guess took.
  return memeql_sec(expected.data(), received.data(), expected.size()) != 0;
}

std::array<std::uint8_t, 49> encode_mschapv2_response(const MsChapV2Response& r) {
  std::array<std::uint8_t, 49> value{};
  std::copy(r.peer_challenge.begin(), r.peer_challenge.end(), value.begin());
  std::copy(r.nt_response.begin(), r.nt_response.end(), value.begin() + 24);
  value[48] = r.flags;
  return value;
}

wire::Result<MsChapV2Response> decode_mschapv2_response(wire::ByteView value) {
  if (value.size() != 49) return wire::Error::fatal("MS-CHAPv2 Response value is not 49 bytes");
  wire::Reader r(value);
  MsChapV2Response out;
  auto peer = r.bytes(16);
  std::copy(peer.begin(), peer.end(), out.peer_challenge.begin());
  auto reserved = r.bytes(8);
  if (std::any_of(reserved.begin(), reserved.end(), [](std::uint8_t b) { return b != 0; }))
    return wire::Error::fatal("MS-CHAPv2 Response has non-zero reserved bytes");
  auto nt = r.bytes(24);
  std::copy(nt.begin(), nt.end(), out.nt_response.begin());
  out.flags = r.u8();
  return out;
}

wire::Result<MsChapV2Success> parse_mschapv2_success(std::string_view text) {
  if (text.size() < 42 || text.compare(0, 2, "S=") != 0)
    return wire::Error::fatal("MS-CHAPv2 Success does not start with S=<40 hex digits>");
  MsChapV2Success s;
  if (!hex_decode(text.substr(2, 40), s.authenticator_response))
    return wire::Error::fatal("MS-CHAPv2 Success has a malformed S= value");
  auto rest = text.substr(42);
  // Strictly " M=<text>", but tolerate extra spaces and a missing M=.
  auto first = rest.find_first_not_of(' ');
  if (first == std::string_view::npos) return s;
  if (first == 0) return wire::Error::fatal("MS-CHAPv2 Success has junk after the S= value");
  rest = rest.substr(first);
  if (rest.compare(0, 2, "M=") == 0) rest = rest.substr(2);
  s.message = std::string(rest);
  return s;
}

}  // namespace ppp::auth
