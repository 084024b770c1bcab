#include <doctest/doctest.h>

#include "kernel/ppp_flags.hpp"

namespace {
constexpr std::uint32_t kCompRun = 0x1000, kDecompRun = 0x2000;
}

TEST_CASE("kernel: flag read-modify-write drops the compressor state bits") {
  // What PPPIOCGFLAGS reports with MPPE running and a decrypt error pending.
  std::uint32_t reported = kernel::kFlagCcpOpen | kernel::kFlagCcpUp | kCompRun | kDecompRun |
                           kernel::kFlagDecryptError | kernel::kFlagDecryptFatal;
  auto next = kernel::next_flags(reported, 0, 0, false);
  CHECK(next == (kernel::kFlagCcpOpen | kernel::kFlagCcpUp));
}

TEST_CASE("kernel: SC_DC_ERROR read back is not mistaken for SC_MUST_COMP") {
  auto next = kernel::next_flags(kernel::kFlagDecryptError, kernel::kFlagCcpOpen, 0, false);
  CHECK(next == kernel::kFlagCcpOpen);
  CHECK((next & kernel::kFlagMustComp) == 0);
}

TEST_CASE("kernel: SC_MUST_COMP we set stays set until we clear it") {
  CHECK(kernel::next_flags(0, kernel::kFlagCcpUp, 0, true) == (kernel::kFlagMustComp | kernel::kFlagCcpUp));
  CHECK(kernel::next_flags(kernel::kFlagMustComp, 0, kernel::kFlagMustComp, true) == 0);
}

TEST_CASE("kernel: set and clear apply to the kept flags") {
  std::uint32_t reported = kernel::kFlagCcpOpen | kernel::kFlagCcpUp | 0x08 /* SC_NO_TCP_CCID */;
  CHECK(kernel::next_flags(reported, 0, kernel::kFlagCcpOpen | kernel::kFlagCcpUp, false) == 0x08);
  CHECK(kernel::next_flags(0x08, kernel::kFlagCcpOpen, kernel::kFlagCcpUp, false) == (0x08 | kernel::kFlagCcpOpen));
  // A bit the kernel does not keep as a flag is not written back from a read.
  CHECK(kernel::next_flags(0x100 /* SC_ENABLE_IP */, 0, 0, false) == 0);
}
