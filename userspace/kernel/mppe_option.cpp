#include "kernel/mppe_option.hpp"

#include <cerrno>

#include "kernel/sys_error.hpp"

namespace kernel {
namespace {
constexpr std::uint8_t kCiMppe = 18;
constexpr std::uint8_t kCiMppeLength = 6;
constexpr std::uint8_t kBitH = 0x01;  // in the first byte
constexpr std::uint8_t kBitM = 0x80;  // the rest in the last byte
constexpr std::uint8_t kBitS = 0x40;
constexpr std::uint8_t kBitL = 0x20;

const char* direction_text(Direction d) {
  switch (d) {
    case Direction::Receive:
      return "receive";
    case Direction::Transmit:
      return "send";
  }
  return "?";
}
}  // namespace

std::array<std::uint8_t, kMppeOptionSize> mppe_option_buffer(const MppeParams& params) {
  std::array<std::uint8_t, kMppeOptionSize> out{};
  out[0] = kCiMppe;
  out[1] = kCiMppeLength;
  out[2] = params.stateless ? kBitH : 0;
  out[3] = 0;
  out[4] = 0;
  switch (params.strength) {
    case MppeStrength::Bits40:
      out[5] = kBitL;
      break;
    case MppeStrength::Bits56:
      out[5] = kBitM;
      break;
    case MppeStrength::Bits128:
      out[5] = kBitS;
      break;
  }
  for (std::size_t i = 0; i < kMppeKeySize; ++i) out[6 + i] = params.start_key[i];
  return out;
}

std::string mppe_unsupported_reason(MppeStrength strength) {
  switch (strength) {
    case MppeStrength::Bits40:
    case MppeStrength::Bits128:
      return {};
    case MppeStrength::Bits56:
      return "the kernel's MPPE does 40-bit and 128-bit keys only, not 56-bit";
  }
  return {};
}

std::string compress_failure_sentence(int err, Direction direction, bool fips_mode) {
  std::string what = std::string("MPPE ") + direction_text(direction) + " key refused by the kernel";
  if (fips_mode && (err == EINVAL || err == ENOBUFS || err == ENODEV)) return what + ": FIPS mode forbids MPPE";
  switch (err) {
    case EINVAL:
      return "MPPE is missing in the kernel (module ppp_mppe not available)";
    case ENOBUFS:
      return what + ": it could not set up MPPE (out of memory, or no SHA-1/ARC4 in the kernel)";
    case ENXIO:
    case EBADF:
    case ENOTTY:
      return what + ": the PPP unit is gone";
  }
  return what + ": " + errno_text(err);
}

}  // namespace kernel
