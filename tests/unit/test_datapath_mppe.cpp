// MPPE for the userspace data path: pinned against the RFC 3079 keys and a
// by-hand derivation with nettle, then sender -> receiver in every mode, with
// the losses, late packets and resets ppp_mppe handles.
#include <doctest/doctest.h>

#include <nettle/arcfour.h>
#include <nettle/sha1.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include "datapath/mppe.hpp"
#include "ppp/mppe_keys.hpp"
#include "ppp_test_util.hpp"

using datapath::Key16;
using datapath::MppeKeyConfig;
using datapath::MppeReceiver;
using datapath::MppeSender;
using Verdict = datapath::MppeReceiver::Verdict;
namespace hdr = datapath::mppe_header;
using ppp_test::hex;

namespace {

// RFC 3079 §3.5.3: the example's send start key and its session keys.
constexpr Key16 kStartKey = {0x8B, 0x7C, 0xDC, 0x14, 0x9B, 0x99, 0x3A, 0x1B,
                             0xA1, 0x18, 0xCB, 0x15, 0x3F, 0x56, 0xDC, 0xCB};
constexpr Key16 kSessionKey128 = {0x40, 0x5C, 0xB2, 0x24, 0x7A, 0x79, 0x56, 0xE6,
                                  0xE2, 0x11, 0x00, 0x7A, 0xE2, 0x7B, 0x22, 0xD4};

MppeKeyConfig config(unsigned bits, bool stateless) {
  MppeKeyConfig c;
  c.start_key = kStartKey;
  c.key_bits = bits;
  c.stateless = stateless;
  return c;
}

// An IP packet behind its 2-byte protocol field, of a length that varies
// with n, content from n.
wire::Bytes plain_packet(unsigned n) {
  wire::Bytes p = {0x00, 0x21};
  const std::size_t len = 1 + (n * 37) % 300;
  for (std::size_t i = 0; i < len; ++i) p.push_back(static_cast<std::uint8_t>(n * 7 + i));
  return p;
}

struct Packet {
  std::uint16_t header = 0;
  wire::Bytes data;
  wire::Bytes plain;
};

Packet send(MppeSender& tx, unsigned n) {
  Packet p;
  p.plain = plain_packet(n);
  p.data = p.plain;
  p.header = tx.encrypt(p.data);
  return p;
}

// Decrypts a copy; true when Ok and the plaintext comes back.
Verdict receive(MppeReceiver& rx, const Packet& p, bool* same = nullptr) {
  wire::Bytes copy = p.data;
  const auto v = rx.decrypt(p.header, copy);
  if (same) *same = v == Verdict::Ok && copy == p.plain;
  return v;
}

bool receives(MppeReceiver& rx, const Packet& p) {
  bool same = false;
  receive(rx, p, &same);
  return same;
}

// ---- The rekey as ppp_mppe's mppe_rekey(state, 0) does it, with nettle. ----
std::vector<std::uint8_t> rekey_by_hand(const Key16& start, std::vector<std::uint8_t> session, unsigned bits) {
  const std::size_t n = session.size();
  // 1. get_new_key_from_sha: SHA-1 over start key (n bytes), 40 x 00, the
  //    current session key (n bytes), 40 x F2; keep the first n bytes.
  std::array<std::uint8_t, 40> pad1{}, pad2{};
  pad2.fill(0xF2);
  sha1_ctx sha;
  sha1_init(&sha);
  sha1_update(&sha, n, start.data());
  sha1_update(&sha, pad1.size(), pad1.data());
  sha1_update(&sha, n, session.data());
  sha1_update(&sha, pad2.size(), pad2.data());
  std::vector<std::uint8_t> interim(n);
  sha1_digest(&sha, n, interim.data());
  // 2. arc4_setkey(interim); session = arc4_crypt(interim).
  arcfour_ctx rc4;
  arcfour_set_key(&rc4, n, interim.data());
  arcfour_crypt(&rc4, n, session.data(), interim.data());
  // 3. 40-bit keys get D1 26 9E in front (RFC 3079 §3.5); 56 bits D1.
  if (bits == 40) session[0] = 0xD1, session[1] = 0x26, session[2] = 0x9E;
  if (bits == 56) session[0] = 0xD1;
  return session;
}

}  // namespace

TEST_CASE("datapath mppe: first stateless packet, derived by hand from the RFC 3079 session keys") {
  // The frame: protocol 0x0021 and a 20-byte IPv4 header.
  const auto plain = hex("00 21 45 00 00 14 00 00 40 00 40 01 00 00 c0 00 02 01 c0 00 02 02");
  std::array<std::uint8_t, 8> start8{};
  std::copy_n(kStartKey.begin(), 8, start8.begin());
  const auto short_key = [&](ppp::auth::MppeShortKey s) {
    const auto k = ppp::auth::mppe_initial_session_key_short(start8, s);
    return std::vector<std::uint8_t>(k.begin(), k.end());
  };
  const auto key128 = ppp::auth::mppe_initial_session_key_128(kStartKey);
  REQUIRE(key128 == kSessionKey128);

  struct Case {
    unsigned bits;
    std::vector<std::uint8_t> initial;  // ppp/mppe_keys.hpp's initial session key
    const char* initial_hex;            // RFC 3079 §3.5.3 / protocol-facts.md
    const char* cipher_hex;             // computed separately (Python hashlib + RC4)
  };
  const Case cases[] = {
      {128, std::vector<std::uint8_t>(key128.begin(), key128.end()), "40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4",
       "70 58 13 2b e0 7b 58 ba 93 66 c9 24 7f 54 55 ba 6b f1 f8 d3 47 f7"},
      {40, short_key(ppp::auth::MppeShortKey::Bits40), "D1 26 9E C4 9F A6 2E 3E",
       "9e dc 94 66 94 fa 40 8f 77 5e 9d 44 54 88 d1 45 15 e2 c5 10 d3 f0"},
      {56, short_key(ppp::auth::MppeShortKey::Bits56), "D1 5C 00 C4 9F A6 2E 3E",
       "68 da b6 5b a5 6f 87 59 4f 82 a5 14 ba 84 95 a5 fd 60 fd ae c8 98"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.bits);
    CHECK(wire::Bytes(c.initial.begin(), c.initial.end()) == hex(c.initial_hex));
    // ppp_mppe: mppe_init derives the initial key (no RC4 pass) and sets the
    // count to 4095; mppe_compress moves it to 0 and, stateless, rekeys once
    // before encrypting, so packet 0 uses the key after one rekey.
    const auto key = rekey_by_hand(kStartKey, c.initial, c.bits);
    arcfour_ctx rc4;
    arcfour_set_key(&rc4, key.size(), key.data());
    wire::Bytes expected(plain.size());
    arcfour_crypt(&rc4, plain.size(), expected.data(), plain.data());
    CHECK(expected == hex(c.cipher_hex));

    MppeSender tx(config(c.bits, true));
    auto data = plain;
    // A (flushed) | D (encrypted), count 0.
    CHECK(tx.encrypt(data) == 0x9000);
    CHECK(data == expected);

    MppeReceiver rx(config(c.bits, true));
    CHECK(rx.decrypt(0x9000, data) == Verdict::Ok);
    CHECK(data == plain);
    CHECK(rx.protocol_bytes() == 2);
  }
}

TEST_CASE("datapath mppe: the first stateful packet uses the initial key, unflushed") {
  const auto plain = hex("00 21 45 00 00 14");
  const auto key = ppp::auth::mppe_initial_session_key_128(kStartKey);
  arcfour_ctx rc4;
  arcfour_set_key(&rc4, key.size(), key.data());
  wire::Bytes expected(plain.size());
  arcfour_crypt(&rc4, plain.size(), expected.data(), plain.data());

  MppeSender tx(config(128, false));
  auto data = plain;
  CHECK(tx.encrypt(data) == 0x1000);  // D only, count 0 (not FLUSHED, as ppp_mppe)
  CHECK(data == expected);
  // The RC4 stream continues into the next packet (no rekey).
  auto second = plain;
  CHECK(tx.encrypt(second) == 0x1001);
  wire::Bytes expected2(plain.size());
  arcfour_crypt(&rc4, plain.size(), expected2.data(), plain.data());
  CHECK(second == expected2);
}

TEST_CASE("datapath mppe: round trips in every mode, across flag packets and the count's wrap") {
  for (unsigned bits : {40u, 56u, 128u}) {
    for (bool stateless : {true, false}) {
      CAPTURE(bits);
      CAPTURE(stateless);
      MppeSender tx(config(bits, stateless));
      MppeReceiver rx(config(bits, stateless));
      bool all_ok = true, headers_ok = true;
      for (unsigned n = 0; n < 2 * hdr::CountSpace + 300; ++n) {
        const auto p = send(tx, n);
        const std::uint16_t count = n % hdr::CountSpace;
        const bool flag = (count & 0xFF) == 0xFF;
        const std::uint16_t want = hdr::Encrypted | count | ((stateless || flag) ? hdr::Flushed : 0);
        headers_ok = headers_ok && p.header == want;
        all_ok = all_ok && receives(rx, p) && rx.protocol_bytes() == 2;
      }
      CHECK(headers_ok);
      CHECK(all_ok);
    }
  }
}

TEST_CASE("datapath mppe: keys differ between strengths and from the clear text") {
  std::set<wire::Bytes> seen;
  for (unsigned bits : {40u, 56u, 128u}) {
    MppeSender tx(config(bits, true));
    auto p = send(tx, 1);
    CHECK(p.data != p.plain);
    seen.insert(p.data);
  }
  CHECK(seen.size() == 3);
}

TEST_CASE("datapath mppe: stateless receiver skips a key per missed count, drops late and repeated packets") {
  for (unsigned bits : {40u, 128u}) {
    CAPTURE(bits);
    MppeSender tx(config(bits, true));
    MppeReceiver rx(config(bits, true));
    std::vector<Packet> sent;
    for (unsigned n = 0; n < 3 * hdr::CountSpace; ++n) sent.push_back(send(tx, n));

    struct Step {
      unsigned index;
      Verdict verdict;
      const char* what;
    };
    const Step steps[] = {
        {0, Verdict::Ok, "first"},
        {2, Verdict::Ok, "one lost"},
        {1, Verdict::Drop, "late by one"},
        {2, Verdict::Drop, "repeated"},
        {13, Verdict::Ok, "ten lost"},
        {14, Verdict::Ok, "in order"},
        {1500, Verdict::Ok, "lost across flag packets"},
        {3500, Verdict::Ok, "2000 lost"},
        {4100, Verdict::Ok, "lost across the wrap"},
        {4099, Verdict::Drop, "late across the wrap"},
        {4100 + 2048, Verdict::Ok, "exactly half the count space ahead"},
        {4100 + 2048 + 2049, Verdict::Drop, "more than half ahead reads as late"},
        {4100 + 2048 + 1, Verdict::Ok, "still in sync"},
    };
    for (const auto& s : steps) {
      CAPTURE(s.what);
      bool same = false;
      CHECK(receive(rx, sent[s.index], &same) == s.verdict);
      if (s.verdict == Verdict::Ok) CHECK(same);
    }
  }
}

TEST_CASE("datapath mppe: stateful loss gives LostSync, then drops until a FLUSHED packet") {
  struct Case {
    const char* what;
    unsigned good;        // packets received before the loss
    unsigned lost;        // packets lost
    unsigned after_loss;  // packets sent (and dropped) before the Reset-Ack
    unsigned lost_after;  // more packets lost before the flushed one
  };
  const Case cases[] = {
      {"one lost", 10, 1, 3, 0},
      {"a flag packet lost", 250, 10, 2, 0},
      {"flag packets lost before the flushed one", 10, 1, 1, 700},
      {"loss across the count's wrap", 4090, 20, 5, 300},
  };
  for (unsigned bits : {40u, 56u, 128u}) {
    for (const auto& c : cases) {
      CAPTURE(bits);
      CAPTURE(c.what);
      MppeSender tx(config(bits, false));
      MppeReceiver rx(config(bits, false));
      unsigned n = 0;
      bool ok = true;
      for (; n < c.good; ++n) ok = ok && receives(rx, send(tx, n));
      CHECK(ok);
      for (unsigned i = 0; i < c.lost; ++i, ++n) (void)send(tx, n);
      // The first packet after the gap reveals it.
      CHECK(receive(rx, send(tx, n++)) == Verdict::LostSync);
      CHECK(rx.discarding());
      // In flight before our Reset-Request took effect: dropped, unless a
      // flag packet (always FLUSHED) comes by, which resynchronises.
      for (unsigned i = 0; i < c.after_loss; ++i, ++n) {
        const auto p = send(tx, n);
        if ((p.header & hdr::Flushed) == 0) CHECK(receive(rx, p) == Verdict::Drop);
      }
      for (unsigned i = 0; i < c.lost_after; ++i, ++n) (void)send(tx, n);
      // The server answered the Reset-Request with a Reset-Ack: comp_reset.
      tx.flush();
      const auto flushed = send(tx, n++);
      CHECK((flushed.header & hdr::Flushed) != 0);
      CHECK(receives(rx, flushed));
      CHECK_FALSE(rx.discarding());
      ok = true;
      for (unsigned i = 0; i < 600; ++i, ++n) ok = ok && receives(rx, send(tx, n));
      CHECK(ok);
    }
  }
}

TEST_CASE("datapath mppe: stateful discard state resynchronises on a flag packet, without a reset") {
  MppeSender tx(config(128, false));
  MppeReceiver rx(config(128, false));
  unsigned n = 0;
  for (; n < 100; ++n) REQUIRE(receives(rx, send(tx, n)));
  (void)send(tx, n++);  // lost
  CHECK(receive(rx, send(tx, n++)) == Verdict::LostSync);
  for (; n < 255; ++n) CHECK(receive(rx, send(tx, n)) == Verdict::Drop);
  const auto flag = send(tx, n++);
  CHECK(flag.header == (hdr::Flushed | hdr::Encrypted | 255));
  CHECK(receives(rx, flag));
  CHECK(receives(rx, send(tx, n++)));
}

TEST_CASE("datapath mppe: a FLUSHED packet that reveals a loss resynchronises at once") {
  // ppp_mppe drops such a packet without its rekey and is one key behind
  // after the next FLUSHED packet; we apply it (see mppe.cpp).
  struct Case {
    const char* what;
    unsigned good, lost;
    bool reset;  // the revealing packet is FLUSHED by a Reset-Ack, else a flag packet
  };
  const Case cases[] = {
      {"Reset-Ack flush after one lost", 5, 1, true},
      {"Reset-Ack flush after flag packets lost", 5, 600, true},
      {"a flag packet after one lost", 250, 5, false},
      {"a flag packet after its predecessor's flag was lost", 200, 311, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    MppeSender tx(config(128, false));
    MppeReceiver rx(config(128, false));
    unsigned n = 0;
    for (; n < c.good; ++n) REQUIRE(receives(rx, send(tx, n)));
    for (unsigned i = 0; i < c.lost; ++i, ++n) (void)send(tx, n);
    if (c.reset) tx.flush();
    const auto p = send(tx, n++);
    CHECK((p.header & hdr::Flushed) != 0);
    CHECK(receives(rx, p));
    CHECK_FALSE(rx.discarding());
    bool ok = true;
    for (unsigned i = 0; i < 300; ++i, ++n) ok = ok && receives(rx, send(tx, n));
    CHECK(ok);
  }
}

TEST_CASE("datapath mppe: a late or repeated FLUSHED packet in stateful mode still means LostSync") {
  MppeSender tx(config(128, false));
  MppeReceiver rx(config(128, false));
  std::vector<Packet> sent;
  for (unsigned n = 0; n < 300; ++n) sent.push_back(send(tx, n));
  for (unsigned n = 0; n < 260; ++n) REQUIRE(receives(rx, sent[n]));
  CHECK(receive(rx, sent[255]) == Verdict::LostSync);  // the flag packet again
  CHECK(receive(rx, sent[261]) == Verdict::Drop);
  tx.flush();
  CHECK(receives(rx, send(tx, 300)));
}

TEST_CASE("datapath mppe: resets without loss keep both sides in step; several flushes mean one rekey") {
  for (bool stateless : {true, false}) {
    CAPTURE(stateless);
    MppeSender tx(config(128, stateless));
    MppeReceiver rx(config(128, stateless));
    bool ok = true;
    for (unsigned n = 0; n < 400; ++n) {
      if (n % 7 == 3) tx.flush();
      if (n % 11 == 5) tx.flush(), tx.flush();
      ok = ok && receives(rx, send(tx, n));
    }
    CHECK(ok);
  }
}

TEST_CASE("datapath mppe: a compressed 1-byte protocol field") {
  for (bool stateless : {true, false}) {
    MppeSender tx(config(128, stateless));
    MppeReceiver rx(config(128, stateless));
    Packet p;
    p.plain = hex("21 45 00 00 14");  // PFC: 0x21 for 0x0021
    p.data = p.plain;
    p.header = tx.encrypt(p.data);
    CHECK(receives(rx, p));
    CHECK(rx.protocol_bytes() == 1);
    const auto q = send(tx, 2);
    CHECK(receives(rx, q));
    CHECK(rx.protocol_bytes() == 2);
  }
}

TEST_CASE("datapath mppe: malformed headers are dropped without disturbing the keys") {
  struct Case {
    const char* what;
    bool stateless;
    std::uint16_t clear;  // header bits taken away from a good packet
  };
  const Case cases[] = {
      {"stateless, encrypted bit clear", true, hdr::Encrypted},
      {"stateful, encrypted bit clear", false, hdr::Encrypted},
      {"stateless without FLUSHED", true, hdr::Flushed},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    MppeSender tx(config(128, c.stateless));
    MppeReceiver rx(config(128, c.stateless));
    const auto p0 = send(tx, 0);
    CHECK(receives(rx, p0));
    auto bad = send(tx, 1);
    const auto good = bad;
    bad.header = static_cast<std::uint16_t>(bad.header & ~c.clear);
    CHECK(receive(rx, bad) == Verdict::Drop);
    CHECK(receives(rx, good));
    CHECK(receives(rx, send(tx, 2)));
  }
}

TEST_CASE("datapath mppe: a stateful flag packet without FLUSHED, and frames too short, are dropped") {
  MppeSender tx(config(128, false));
  MppeReceiver rx(config(128, false));
  unsigned n = 0;
  for (; n < 255; ++n) REQUIRE(receives(rx, send(tx, n)));
  auto flag = send(tx, n++);
  const auto good = flag;
  flag.header = static_cast<std::uint16_t>(flag.header & ~hdr::Flushed);
  CHECK(receive(rx, flag) == Verdict::Drop);
  wire::Bytes empty;
  CHECK(rx.decrypt(good.header, empty) == Verdict::Drop);
  CHECK(receives(rx, good));

  // One encrypted byte that decrypts to an even value: half a protocol field.
  MppeSender tx2(config(128, true));
  MppeReceiver rx2(config(128, true));
  wire::Bytes one = {0x00};
  const auto header = tx2.encrypt(one);
  CHECK(rx2.decrypt(header, one) == Verdict::Drop);
  CHECK(receives(rx2, send(tx2, 1)));
}
