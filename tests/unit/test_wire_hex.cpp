// wire::hex and friends: the one hex formatter. The rows pin what each
// hand-written copy printed before (printf's "0x%x", "0x%04x", "%02x").
#include <doctest/doctest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "wire/hex.hpp"

TEST_CASE("wire: hex numbers") {
  struct Row {
    std::uint32_t v;
    int min_digits;
    std::string_view want;
  };
  const Row rows[] = {
      {0, 1, "0x0"},
      {0x2a, 1, "0x2a"},
      {0xc021, 1, "0xc021"},
      {0xdeadbeef, 1, "0xdeadbeef"},
      {0x2a, 4, "0x002a"},
      {0, 4, "0x0000"},
      {0x12345, 4, "0x12345"},  // min, not max
      {0x1, 8, "0x00000001"},
      {0x100, 2, "0x100"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.v);
    CAPTURE(r.min_digits);
    CHECK(wire::hex(r.v, r.min_digits) == r.want);
  }
}

TEST_CASE("wire: 16-bit IDs have four digits") {
  CHECK(wire::hex16(0x1234) == "0x1234");
  CHECK(wire::hex16(7) == "0x0007");
  CHECK(wire::hex16(0) == "0x0000");
  CHECK(wire::hex16(0xffff) == "0xffff");
  CHECK(wire::hex16(0x80fd) == "0x80fd");  // CCP, as a Protocol-Reject names it
}

TEST_CASE("wire: byte digits and dumps") {
  CHECK(wire::hex_byte(0x00) == "00");
  CHECK(wire::hex_byte(0x0a) == "0a");
  CHECK(wire::hex_byte(0xff) == "ff");
  struct Row {
    std::vector<std::uint8_t> bytes;
    std::size_t max;
    std::string_view want;
  };
  const Row rows[] = {
      {{}, 32, ""},
      {{0x01}, 32, "01"},
      {{0x01, 0x02, 0xfe}, 32, "01 02 fe"},
      {{0x01, 0x02, 0x03}, 3, "01 02 03"},
      {{0x01, 0x02, 0x03, 0x04}, 3, "01 02 03 ..."},
      {{0x01, 0x02}, 0, " ..."},
  };
  for (const Row& r : rows) {
    CAPTURE(r.want);
    CHECK(wire::hex_dump(r.bytes, r.max) == r.want);
  }
  const std::vector<std::uint8_t> long_one(40, 0xab);
  const auto dump = wire::hex_dump(long_one);  // 32 by default
  CHECK(dump.size() == 32 * 3 - 1 + 4);
  CHECK(dump.ends_with("ab ab ..."));
}
