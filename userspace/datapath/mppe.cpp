#include "datapath/mppe.hpp"


#include "ppp/auth_text.hpp"
#include "ppp/mppe_keys.hpp"

namespace datapath {

namespace {

constexpr std::uint16_t count_of(std::uint16_t header) { return header & mppe_header::CountMask; }
constexpr std::uint16_t next_count(std::uint16_t count, std::uint16_t step = 1) {
  return static_cast<std::uint16_t>((count + step) & mppe_header::CountMask);
}
// "Flag" packets (RFC 3078 §7.2): the count's low byte is 0xFF; in stateful
// mode both sides rekey on each and the sender always marks it FLUSHED.
constexpr bool is_flag_packet(std::uint16_t count) { return (count & 0xFF) == 0xFF; }

}  // namespace

namespace mppe_detail {

KeySchedule::KeySchedule(const MppeKeyConfig& config) : start_(config.start_key) {
  switch (config.key_bits) {
    case 40:
    case 56:
      bits_ = config.key_bits;
      length_ = 8;
      break;
    default:
      bits_ = 128;
      length_ = 16;
      break;
  }
  // The initial session key (RFC 3079 §3.5 GetKey with the session key equal
  // to the start key; ppp_mppe's mppe_rekey(state, 1)): the SHA-1 result is
  // taken as it is, with no RC4 pass, then salted.
  session_ = start_;
  ppp::auth::mppe_new_key_from_sha(std::span(start_).first(length_), std::span(session_).first(length_),
                                   std::span(session_).first(length_));
  salt();
  arcfour_set_key(&rc4_, length_, session_.data());
}

KeySchedule::~KeySchedule() {
  ppp::auth::wipe(start_);
  ppp::auth::wipe(session_);
  ppp::auth::wipe(std::span(reinterpret_cast<std::uint8_t*>(&rc4_), sizeof rc4_));
}

void KeySchedule::rekey() {
  // RFC 3078 §7.3 as ppp_mppe reads it: InterimKey = GetNewKeyFromSHA(start
  // key, current session key) cut to the key length; the new session key is
  // InterimKey encrypted by RC4 keyed with InterimKey; 40/56-bit keys are
  // salted (RFC 3079 §3.1/§3.5) before the RC4 tables are set up with it.
  std::array<std::uint8_t, 16> interim{};
  ppp::auth::mppe_new_key_from_sha(std::span(start_).first(length_), std::span(session_).first(length_),
                                   std::span(interim).first(length_));
  arcfour_set_key(&rc4_, length_, interim.data());
  arcfour_crypt(&rc4_, length_, session_.data(), interim.data());
  salt();
  arcfour_set_key(&rc4_, length_, session_.data());
  ppp::auth::wipe(interim);
}

void KeySchedule::salt() {
  // RFC 3079 §3.1 / §3.5: 40-bit keys start D1 26 9E, 56-bit keys D1, so
  // only 40 or 56 bits stay secret. (ppp_mppe knows only 40 bits; its keylen
  // 8 always means D1 26 9E. 56 bits follows the RFC.)
  if (bits_ == 40) {
    session_[0] = 0xD1, session_[1] = 0x26, session_[2] = 0x9E;
  } else if (bits_ == 56) {
    session_[0] = 0xD1;
  }
}

void KeySchedule::crypt(std::span<std::uint8_t> data) {
  if (!data.empty()) arcfour_crypt(&rc4_, data.size(), data.data(), data.data());
}

}  // namespace mppe_detail

MppeSender::MppeSender(const MppeKeyConfig& config) : keys_(config), stateful_(!config.stateless) {}

MppeSender::~MppeSender() = default;

void MppeSender::flush() { flush_pending_ = true; }

std::uint16_t MppeSender::encrypt(std::span<std::uint8_t> data) {
  // ppp_mppe's mppe_compress: the count starts at 4095, so the first packet
  // carries 0. The first packet is not FLUSHED in stateful mode although the
  // tables are fresh (contrary to RFC 3078 §3.1, as ppp_mppe).
  ccount_ = next_count(ccount_);
  std::uint16_t header = mppe_header::Encrypted | ccount_;
  // Stateless mode rekeys before every packet (RFC 3078 §7.1); stateful mode
  // on flag packets (§7.2) and after a Reset-Ack went out (ppp_mppe's
  // comp_reset, where §8.2 would only reinitialise the tables).
  if (!stateful_ || is_flag_packet(ccount_) || flush_pending_) {
    keys_.rekey();
    header |= mppe_header::Flushed;
    flush_pending_ = false;
  }
  keys_.crypt(data);
  return header;
}

MppeReceiver::MppeReceiver(const MppeKeyConfig& config) : keys_(config), stateful_(!config.stateless) {}

MppeReceiver::~MppeReceiver() = default;

MppeReceiver::Verdict MppeReceiver::decrypt(std::uint16_t header, std::span<std::uint8_t> data) {
  const std::uint16_t ccount = count_of(header);
  const bool flushed = (header & mppe_header::Flushed) != 0;

  // ppp_mppe's sanity checks; none of them touches the key state. A frame
  // must hold at least one encrypted byte (its isize > PPP_HDRLEN + 2).
  // ppp_mppe also counts these and takes the link down past a threshold
  // (SANITY_MAX); we only drop them, which the caller counts.
  if (data.empty()) return Verdict::Drop;
  if ((header & mppe_header::Encrypted) == 0) return Verdict::Drop;
  if (!stateful_ && !flushed) return Verdict::Drop;
  if (stateful_ && is_flag_packet(ccount) && !flushed) return Verdict::Drop;

  if (!stateful_) {
    // RFC 3078 §8.1: the count says how many keys to skip. A packet more than
    // half the count space behind is late and dropped (ppp_mppe since "ppp:
    // mppe: discard late packet in stateless mode", 2016).
    const auto ahead = static_cast<std::uint16_t>((ccount - ccount_) & mppe_header::CountMask);
    if (ahead > mppe_header::CountSpace / 2) return Verdict::Drop;
    // A repeated count: ppp_mppe decrypts it with the previous packet's
    // used-up keystream (garbage) and does not rekey; we drop it. The key
    // state stays the same as ppp_mppe's: the next packet rekeys anyway.
    if (ahead == 0) return Verdict::Drop;
    for (std::uint16_t i = 0; i < ahead; ++i) keys_.rekey();
    ccount_ = ccount;
    return decrypt_payload(data);
  }

  // RFC 3078 §8.2, as ppp_mppe, with one deviation below.
  const std::uint16_t expected = next_count(ccount_);
  if (!discard_) {
    if (ccount != expected) {
      const auto ahead = static_cast<std::uint16_t>((ccount - expected) & mppe_header::CountMask);
      if (!flushed || ahead >= mppe_header::CountSpace / 2) {
        // A packet was lost (or this one is late or repeated): the keys may
        // have moved on without us. Wait for a FLUSHED packet; the caller
        // asks for one with a CCP Reset-Request.
        ccount_ = expected;
        discard_ = true;
        return Verdict::LostSync;
      }
      // Deviation: ppp_mppe enters the discard state here too, dropping
      // this FLUSHED packet without applying its rekey; the sender has
      // applied it, so after the next FLUSHED packet ppp_mppe is one key
      // behind for good. We resynchronise on this packet instead, exactly
      // as ppp_mppe does on a FLUSHED packet in the discard state.
      skip_flag_packets(expected, ccount);
    }
  } else {
    if (!flushed) return Verdict::Drop;
    skip_flag_packets(ccount_, ccount);
    discard_ = false;
  }
  ccount_ = ccount;
  if (flushed) keys_.rekey();
  return decrypt_payload(data);
}

void MppeReceiver::skip_flag_packets(std::uint16_t expected, std::uint16_t ccount) {
  // Rekey once for every flag packet missed: each crossing of a 256-count
  // block boundary between the count we expected and this one.
  while ((ccount & 0xF00) != (expected & 0xF00)) {
    keys_.rekey();
    expected = next_count(expected, 256);
  }
}

MppeReceiver::Verdict MppeReceiver::decrypt_payload(std::span<std::uint8_t> data) {
  keys_.crypt(data);
  // An odd first byte is a compressed 1-byte protocol field (RFC 1661 §6.5,
  // as ppp_mppe's PFC check); an even one needs its second byte.
  protocol_bytes_ = (data[0] & 0x01) != 0 ? 1 : 2;
  if (data.size() < protocol_bytes_) return Verdict::Drop;
  return Verdict::Ok;
}

}  // namespace datapath
