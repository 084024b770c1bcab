#pragma once
// The buffer PPPIOCSCOMPRESS takes to start MPPE in one direction: the CCP
// MPPE option exactly as negotiated (type 18, length 6, four bytes of bits)
// followed by the 16-byte RFC 3079 start key. ppp_mppe refuses any other
// length, and derives session keys (and the 40-bit salt) itself.
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace kernel {

enum class MppeStrength { Bits40, Bits56, Bits128 };

inline constexpr std::size_t kMppeKeySize = 16;
inline constexpr std::size_t kMppeOptionSize = 6 + kMppeKeySize;

struct MppeParams {
  MppeStrength strength = MppeStrength::Bits128;
  bool stateless = true;
  std::array<std::uint8_t, kMppeKeySize> start_key{};
};

// 12 06 b0 b1 b2 b3 <key>: H (stateless) is 0x01 in b0; M (56) 0x80, S (128)
// 0x40 and L (40) 0x20 in b3. The C (MPPC) and D bits are never set.
std::array<std::uint8_t, kMppeOptionSize> mppe_option_buffer(const MppeParams& params);

// Linux's ppp_mppe does 40 and 128 bits only; a 56-bit buffer is accepted by
// the ioctl but the direction never starts. Empty when supported.
std::string mppe_unsupported_reason(MppeStrength strength);

enum class Direction { Receive, Transmit };

// The sentence for a failed PPPIOCSCOMPRESS. EINVAL is what the kernel says
// when no compressor for type 18 exists (ppp_mppe absent or refused to load),
// ENOBUFS when ppp_mppe refused the option or could not set up its state.
std::string compress_failure_sentence(int err, Direction direction, bool fips_mode);

}  // namespace kernel
