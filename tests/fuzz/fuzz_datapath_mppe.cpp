// MPPE receiver fed arbitrary (header, data) sequences, mixed with genuine
// packets from a sender with the same keys, in each mode. Invariants: no
// crash; Ok only for a non-empty frame whose protocol field fits in it;
// LostSync only in stateful mode and only when entering the discard state;
// while nothing forged came in, every genuine packet decrypts to its
// plaintext.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "datapath/mppe.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  if (size < 1) return 0;
  static constexpr unsigned kBits[] = {40, 56, 128};
  datapath::MppeKeyConfig config;
  for (std::size_t i = 0; i < config.start_key.size(); ++i) config.start_key[i] = static_cast<std::uint8_t>(i * 29 + 1);
  config.key_bits = kBits[(input[0] & 0x0F) % 3];
  config.stateless = (input[0] & 0x10) == 0;
  datapath::MppeSender tx(config);
  datapath::MppeReceiver rx(config);
  using Verdict = datapath::MppeReceiver::Verdict;

  bool forged = false;  // an arbitrary packet or a flush reached either side
  std::vector<std::uint8_t> data;
  std::size_t pos = 1;
  while (pos < size) {
    const std::uint8_t kind = input[pos++] % 4;
    if (kind == 3) {  // a Reset-Ack went out on the sender's side
      tx.flush();
      continue;
    }
    if (pos >= size) break;
    const std::size_t wanted = input[pos++];
    const std::size_t len = std::min(wanted, size - pos);
    data.assign(input + pos, input + pos + len);
    pos += len;

    std::uint16_t header = 0;
    std::vector<std::uint8_t> plain;
    if (kind == 0) {  // forged: the first two bytes are the header
      if (data.size() < 2) continue;
      header = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
      data.erase(data.begin(), data.begin() + 2);
      forged = true;
    } else {  // genuine; kind 2 is lost on the way
      plain = data;
      header = tx.encrypt(data);
      if (kind == 2) {
        forged = true;
        continue;
      }
    }
    const bool was_discarding = rx.discarding();
    const std::size_t in_size = data.size();
    const auto verdict = rx.decrypt(header, data);
    check(data.size() == in_size);
    switch (verdict) {
      case Verdict::Ok:
        check(!data.empty());
        check(rx.protocol_bytes() == 1 || rx.protocol_bytes() == 2);
        check(rx.protocol_bytes() <= data.size());
        check(!rx.discarding());
        break;
      case Verdict::Drop:
        // Only LostSync enters the discard state (a FLUSHED packet may leave
        // it and still be dropped: half a protocol field).
        check(was_discarding || !rx.discarding());
        break;
      case Verdict::LostSync:
        check(!config.stateless && !was_discarding && rx.discarding());
        break;
    }
    if (config.stateless) check(!rx.discarding());
    if (!forged && kind == 1) {
      // An unbroken genuine stream: every packet with a whole protocol field
      // comes back as it went in.
      const bool whole = !plain.empty() && ((plain[0] & 1) != 0 || plain.size() >= 2);
      if (whole) {
        check(verdict == Verdict::Ok);
        check(data == plain);
      } else {
        check(verdict == Verdict::Drop);
        // An empty frame does not reach the keys (stateful: the counts now
        // differ); a half protocol field does. Either way the stream is no
        // longer the simple one this check follows.
        forged = true;
      }
    }
  }
  return 0;
}
