#include <doctest/doctest.h>

#include <cerrno>
#include <vector>

#include "kernel/mppe_option.hpp"

namespace {
std::vector<std::uint8_t> bytes_of(const std::array<std::uint8_t, kernel::kMppeOptionSize>& a) {
  return {a.begin(), a.end()};
}
kernel::MppeParams with_key(kernel::MppeStrength s, bool stateless) {
  kernel::MppeParams p;
  p.strength = s;
  p.stateless = stateless;
  for (std::size_t i = 0; i < p.start_key.size(); ++i) p.start_key[i] = static_cast<std::uint8_t>(0xF0 + i);
  return p;
}
const std::vector<std::uint8_t> kKey = {0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7,
                                        0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF};
std::vector<std::uint8_t> expect(std::vector<std::uint8_t> head) {
  head.insert(head.end(), kKey.begin(), kKey.end());
  return head;
}
}  // namespace

TEST_CASE("kernel: MPPE option buffer for 128-bit stateless is 12 06 01 00 00 40 + key") {
  auto buf = kernel::mppe_option_buffer(with_key(kernel::MppeStrength::Bits128, true));
  CHECK(buf.size() == 22);
  CHECK(bytes_of(buf) == expect({0x12, 0x06, 0x01, 0x00, 0x00, 0x40}));
}

TEST_CASE("kernel: MPPE option buffer bit layout for stateful, 40 and 56 bits") {
  CHECK(bytes_of(kernel::mppe_option_buffer(with_key(kernel::MppeStrength::Bits128, false))) ==
        expect({0x12, 0x06, 0x00, 0x00, 0x00, 0x40}));
  CHECK(bytes_of(kernel::mppe_option_buffer(with_key(kernel::MppeStrength::Bits40, true))) ==
        expect({0x12, 0x06, 0x01, 0x00, 0x00, 0x20}));
  CHECK(bytes_of(kernel::mppe_option_buffer(with_key(kernel::MppeStrength::Bits40, false))) ==
        expect({0x12, 0x06, 0x00, 0x00, 0x00, 0x20}));
  CHECK(bytes_of(kernel::mppe_option_buffer(with_key(kernel::MppeStrength::Bits56, true))) ==
        expect({0x12, 0x06, 0x01, 0x00, 0x00, 0x80}));
}

TEST_CASE("kernel: the start key is copied whole, whatever its bytes") {
  kernel::MppeParams p;
  p.start_key.fill(0);
  p.start_key[15] = 0x99;
  auto buf = kernel::mppe_option_buffer(p);
  CHECK(buf[20] == 0x00);
  CHECK(buf[21] == 0x99);
}

TEST_CASE("kernel: 56-bit MPPE is refused up front, 40 and 128 are not") {
  CHECK(kernel::mppe_unsupported_reason(kernel::MppeStrength::Bits128).empty());
  CHECK(kernel::mppe_unsupported_reason(kernel::MppeStrength::Bits40).empty());
  CHECK(kernel::mppe_unsupported_reason(kernel::MppeStrength::Bits56) ==
        "the kernel's MPPE does 40-bit and 128-bit keys only, not 56-bit");
}

TEST_CASE("kernel: PPPIOCSCOMPRESS failures read as sentences") {
  using kernel::Direction;
  CHECK(kernel::compress_failure_sentence(EINVAL, Direction::Receive, false) ==
        "MPPE is missing in the kernel (module ppp_mppe not available)");
  CHECK(kernel::compress_failure_sentence(ENOBUFS, Direction::Transmit, true) ==
        "MPPE send key refused by the kernel: FIPS mode forbids MPPE");
  CHECK(kernel::compress_failure_sentence(EINVAL, Direction::Receive, true) ==
        "MPPE receive key refused by the kernel: FIPS mode forbids MPPE");
  auto nobufs = kernel::compress_failure_sentence(ENOBUFS, Direction::Receive, false);
  CHECK(nobufs.rfind("MPPE receive key refused by the kernel: ", 0) == 0);
  auto other = kernel::compress_failure_sentence(EFAULT, Direction::Transmit, false);
  CHECK(other == "MPPE send key refused by the kernel: bad address");
}
