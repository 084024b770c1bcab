#include "ppp/mppe_keys.hpp"

#include <nettle/sha1.h>

#include <span>
#include <string_view>

#include "ppp/auth_text.hpp"

namespace ppp::auth {

namespace {

constexpr std::string_view kMasterMagic = "This is the MPPE Master Key";
constexpr std::string_view kClientSendMagic =
    "On the client side, this is the send key; on the server side, it is the receive key.";
constexpr std::string_view kClientRecvMagic =
    "On the client side, this is the receive key; on the server side, it is the send key.";

// SHAPad1 / SHAPad2: 40 bytes of 0x00 and of 0xF2.
constexpr std::size_t kPadLength = 40;

void sha1_text(sha1_ctx& ctx, std::string_view s) {
  sha1_update(&ctx, s.size(), reinterpret_cast<const std::uint8_t*>(s.data()));
}

void sha1_pad(sha1_ctx& ctx, std::uint8_t value) {
  std::array<std::uint8_t, kPadLength> pad{};
  pad.fill(value);
  sha1_update(&ctx, pad.size(), pad.data());
}

}  // namespace

void mppe_new_key_from_sha(std::span<const std::uint8_t> start_key, std::span<const std::uint8_t> session_key,
                      std::span<std::uint8_t> out) {
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, start_key.size(), start_key.data());
  sha1_pad(ctx, 0x00);
  sha1_update(&ctx, session_key.size(), session_key.data());
  sha1_pad(ctx, 0xF2);
  sha1_digest(&ctx, out.size(), out.data());
  wipe(std::span(reinterpret_cast<std::uint8_t*>(&ctx), sizeof ctx));
}

Key16 mppe_master_key(const Hash16& password_hash_hash, const Response24& nt_response) {
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, password_hash_hash.size(), password_hash_hash.data());
  sha1_update(&ctx, nt_response.size(), nt_response.data());
  sha1_text(ctx, kMasterMagic);
  Key16 out{};
  sha1_digest(&ctx, out.size(), out.data());
  return out;
}

Key16 mppe_asymmetric_start_key(const Key16& master_key, KeyDirection direction, KeySide side) {
  std::string_view magic;
  switch (side) {
    case KeySide::Client:
      magic = direction == KeyDirection::Send ? kClientSendMagic : kClientRecvMagic;
      break;
    case KeySide::Server:
      magic = direction == KeyDirection::Send ? kClientRecvMagic : kClientSendMagic;
      break;
  }
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, master_key.size(), master_key.data());
  sha1_pad(ctx, 0x00);
  sha1_text(ctx, magic);
  sha1_pad(ctx, 0xF2);
  Key16 out{};
  sha1_digest(&ctx, out.size(), out.data());
  return out;
}

MppeKeys mppe_keys_mschapv2(const Hash16& password_hash, const Response24& nt_response) {
  auto hash_hash = hash_nt_password_hash(password_hash);
  auto master = mppe_master_key(hash_hash, nt_response);
  MppeKeys keys;
  keys.send = mppe_asymmetric_start_key(master, KeyDirection::Send, KeySide::Client);
  keys.recv = mppe_asymmetric_start_key(master, KeyDirection::Receive, KeySide::Client);
  wipe(hash_hash);
  wipe(master);
  return keys;
}

MppeKeys mppe_keys_mschapv1(const Hash16& password_hash, const Challenge8& challenge) {
  auto hash_hash = hash_nt_password_hash(password_hash);
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, hash_hash.size(), hash_hash.data());
  sha1_update(&ctx, hash_hash.size(), hash_hash.data());
  sha1_update(&ctx, challenge.size(), challenge.data());
  MppeKeys keys;
  sha1_digest(&ctx, keys.send.size(), keys.send.data());
  keys.recv = keys.send;
  wipe(hash_hash);
  return keys;
}

Key16 mppe_initial_session_key_128(const Key16& start_key) {
  Key16 out{};
  mppe_new_key_from_sha(start_key, start_key, out);
  return out;
}

std::array<std::uint8_t, 8> mppe_initial_session_key_short(const std::array<std::uint8_t, 8>& start_key,
                                                           MppeShortKey strength) {
  std::array<std::uint8_t, 8> out{};
  mppe_new_key_from_sha(start_key, start_key, out);
  // Export-grade keys: the leading bytes are replaced by a fixed salt, so only
  // 40 or 56 bits stay secret.
  switch (strength) {
    case MppeShortKey::Bits40:
      out[0] = 0xD1, out[1] = 0x26, out[2] = 0x9E;
      break;
    case MppeShortKey::Bits56:
      out[0] = 0xD1;
      break;
  }
  return out;
}

}  // namespace ppp::auth
