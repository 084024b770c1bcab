#include <doctest/doctest.h>

#include "wire/bytes.hpp"

TEST_CASE("reader reads big-endian values and fails closed past the end") {
  const std::uint8_t buf[] = {0x1A, 0x2B, 0x3C, 0x4D, 0x00, 0x10, 0x7F};
  wire::Reader r(buf);
  CHECK(r.u32() == 0x1A2B3C4Du);
  CHECK(r.u16() == 0x0010);
  CHECK(r.ok());
  CHECK(r.u16() == 0);  // only one byte left
  CHECK_FALSE(r.ok());
  CHECK(r.u8() == 0);  // stays failed
  CHECK(r.remaining() == 0);
}

TEST_CASE("writer round-trips through reader, fixed strings are padded and truncated") {
  wire::Writer w;
  w.u16(0xBEEF).u32(7).fixed_string("host", 8).fixed_string("toolongname", 4);
  auto out = w.take();
  REQUIRE(out.size() == 2 + 4 + 8 + 4);
  wire::Reader r(out);
  CHECK(r.u16() == 0xBEEF);
  CHECK(r.u32() == 7);
  CHECK(r.fixed_string(8) == "host");
  CHECK(r.fixed_string(4) == "tool");
  CHECK(r.ok());
  CHECK(r.empty());
}
