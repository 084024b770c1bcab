#pragma once
// MPPE (RFC 3078) with RFC 3079 keys for the userspace data path: what the
// kernel's ppp_mppe does, bit for bit, because the peer is often exactly that
// module (pptpd + pppd). One object per direction, as ppp_generic keeps one
// compressor and one decompressor state.
//
// Where ppp_mppe departs from the RFC, we follow ppp_mppe:
// - The coherency count starts at 4095 and the first packet carries 0, with
//   the FLUSHED (A) bit clear in stateful mode although the key table is
//   fresh (RFC 3078 §3.1 would set it).
// - Rekeying is RFC 3078 §7.3 "as meant": the new key is the interim SHA-1
//   key run once through RC4 keyed with itself, then salted for 40/56 bits.
// - Stateful mode rekeys on every flag packet (count low byte 0xFF, RFC 3078
//   §7.2) and also on the FLUSHED packet that follows a CCP Reset-Ack, where
//   RFC 3078 §8.2 only reinitialises the RC4 tables from the current session
//   key; the receiver rekeys on every FLUSHED packet it accepts to match.
// One deviation from ppp_mppe, on the receiving side only: a FLUSHED packet
// that reveals a loss in stateful mode resynchronises at once (ppp_mppe drops
// it without its rekey and ends up one key behind; see mppe.cpp).
// - Stateless mode drops a packet whose count is more than half the count
//   space behind (a late packet); the RFC says nothing of reordering.
//
// Per-packet work allocates nothing: SHA-1 and RC4 state live in the object.
#include <nettle/arcfour.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace datapath {

using Key16 = std::array<std::uint8_t, 16>;

struct MppeKeyConfig {
  Key16 start_key{};        // RFC 3079 start key (16 bytes; 40/56-bit use the first 8)
  unsigned key_bits = 128;  // 128, 56 or 40; any other value is taken as 128
  bool stateless = true;    // RFC 3078 §2 H bit, as negotiated for this direction
};

// The 16-bit header in front of every encrypted frame (RFC 3078 §3): A, B, C,
// D bits and a 12-bit coherency count.
namespace mppe_header {
inline constexpr std::uint16_t Flushed = 0x8000;    // A: key table reinitialised
inline constexpr std::uint16_t Encrypted = 0x1000;  // D
inline constexpr std::uint16_t CountMask = 0x0FFF;
inline constexpr std::uint16_t CountSpace = 0x1000;
}  // namespace mppe_header

namespace mppe_detail {

// One direction's key schedule: the start key, the current session key and
// the RC4 state keyed with it.
class KeySchedule {
 public:
  explicit KeySchedule(const MppeKeyConfig& config);
  ~KeySchedule();
  KeySchedule(const KeySchedule&) = delete;
  KeySchedule& operator=(const KeySchedule&) = delete;

  // ppp_mppe's mppe_rekey(state, 0): a new session key from the current one.
  void rekey();
  void crypt(std::span<std::uint8_t> data);

 private:
  void salt();

  Key16 start_{};
  Key16 session_{};
  std::size_t length_ = 16;  // key bytes: 16, or 8 for 40 and 56 bits
  unsigned bits_ = 128;
  arcfour_ctx rc4_{};
};

}  // namespace mppe_detail

class MppeSender {
 public:
  explicit MppeSender(const MppeKeyConfig& config);
  ~MppeSender();  // wipes key material
  MppeSender(const MppeSender&) = delete;
  MppeSender& operator=(const MppeSender&) = delete;

  // Encrypts `data` (the PPP protocol field, 2 bytes, then the payload) in
  // place and returns the MPPE header to put before it, as ppp_mppe's
  // mppe_compress. Which protocols to encrypt is the caller's rule.
  std::uint16_t encrypt(std::span<std::uint8_t> data);
  // A CCP Reset-Ack went out: ppp_mppe's mppe_comp_reset; the next packet
  // is rekeyed and FLUSHED. Several calls before it still mean one rekey.
  void flush();

 private:
  mppe_detail::KeySchedule keys_;
  bool stateful_;
  bool flush_pending_ = false;
  std::uint16_t ccount_ = mppe_header::CountSpace - 1;
};

class MppeReceiver {
 public:
  enum class Verdict : std::uint8_t { Ok, Drop, LostSync };

  explicit MppeReceiver(const MppeKeyConfig& config);
  ~MppeReceiver();  // wipes key material
  MppeReceiver(const MppeReceiver&) = delete;
  MppeReceiver& operator=(const MppeReceiver&) = delete;

  // `header` is the MPPE header, `data` what follows it; decrypted in place on
  // Ok (and only then is its content meaningful). Ok also sets
  // protocol_bytes(): 1 when the peer compressed the protocol field (RFC 1661
  // §6.5), else 2. Drop: late, duplicate, malformed or not encrypted.
  // LostSync: stateful mode just entered ppp_mppe's discard state; the caller
  // sends a CCP Reset-Request. Later packets are Drop until a FLUSHED one
  // (a Reset-Ack's, or a flag packet's), which resynchronises.
  Verdict decrypt(std::uint16_t header, std::span<std::uint8_t> data);
  std::size_t protocol_bytes() const { return protocol_bytes_; }
  // Stateful mode waiting for a FLUSHED packet (ppp_mppe's state->discard).
  bool discarding() const { return discard_; }

 private:
  Verdict decrypt_payload(std::span<std::uint8_t> data);
  void skip_flag_packets(std::uint16_t expected, std::uint16_t ccount);

  mppe_detail::KeySchedule keys_;
  bool stateful_;
  bool discard_ = false;
  std::uint16_t ccount_ = mppe_header::CountSpace - 1;
  std::size_t protocol_bytes_ = 2;
};

}  // namespace datapath
