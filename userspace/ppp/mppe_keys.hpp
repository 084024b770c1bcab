#pragma once
// MPPE start keys from MS-CHAP credentials (RFC 3079). The daemon hands the
// 16-byte start keys to the kernel, which derives the session keys itself;
// the session-key functions exist so tests can pin the RFC's examples end to
// end.
#include <array>
#include <cstdint>
#include <span>

#include "ppp/mschap.hpp"

namespace ppp::auth {

using Key16 = std::array<std::uint8_t, 16>;

// Start keys from the client's point of view.
struct MppeKeys {
  Key16 send{};  // what we encrypt with
  Key16 recv{};  // what the server encrypts with
};

enum class KeyDirection { Send, Receive };
enum class KeySide { Client, Server };

// GetMasterKey (RFC 3079 §3.4).
Key16 mppe_master_key(const Hash16& password_hash_hash, const Response24& nt_response);
// GetAsymmetricStartKey at its full 16 bytes; a 40- or 56-bit start key is the
// first 8 bytes of it (SHA-1 output is simply cut shorter). The magic string
// says which way the key runs: "On the client side, this is the send key" is
// Magic2, "...this is the receive key" is Magic3, mirrored on the server.
Key16 mppe_asymmetric_start_key(const Key16& master_key, KeyDirection direction, KeySide side);

// Both client start keys from an MS-CHAPv2 exchange.
MppeKeys mppe_keys_mschapv2(const Hash16& password_hash, const Response24& nt_response);

// MS-CHAPv1 128-bit start key (RFC 3079 §2.4 GetStartKey): SHA-1 of the
// password hash hash twice and the server's 8-byte challenge. Both directions
// use the same key. (The 40/56-bit LM-hash variants are not provided: we never
// use the LM hash.)
MppeKeys mppe_keys_mschapv1(const Hash16& password_hash, const Challenge8& challenge);

// GetNewKeyFromSHA (RFC 3079 §3.3): SHA-1 over the start key, SHAPad1, the
// session key and SHAPad2, its first out.size() bytes. `out` may be the
// session key itself. The userspace MPPE rekeys with it (RFC 3078 §7.3).
void mppe_new_key_from_sha(std::span<const std::uint8_t> start_key, std::span<const std::uint8_t> session_key,
                           std::span<std::uint8_t> out);

// GetNewKeyFromSHA with the initial session key equal to the start key, as at
// the start of a session (RFC 3078 §7.3 / RFC 3079 §3.5 examples).
Key16 mppe_initial_session_key_128(const Key16& start_key);

enum class MppeShortKey { Bits40, Bits56 };
// 8-byte start key → initial session key with the RFC 3079 §3.5 salt bytes
// (D1 26 9E for 40 bits, D1 for 56 bits).
std::array<std::uint8_t, 8> mppe_initial_session_key_short(const std::array<std::uint8_t, 8>& start_key,
                                                           MppeShortKey strength);

}  // namespace ppp::auth
