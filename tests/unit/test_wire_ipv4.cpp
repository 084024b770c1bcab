// wire::Ipv4 and wire::Ipv4Prefix: the one address type every layer shares.
// Rows from config's and netlink's tests before the merge, plus the edges.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire/bytes.hpp"
#include "wire/ipv4.hpp"

using wire::Ipv4;
using wire::Ipv4Prefix;

TEST_CASE("wire: strict dotted quads") {
  struct Row {
    std::string_view text;
    std::optional<Ipv4> want;
  };
  const Row rows[] = {
      {"192.0.2.1", Ipv4{192, 0, 2, 1}},
      {"0.0.0.0", Ipv4{0, 0, 0, 0}},
      {"255.255.255.255", Ipv4{255, 255, 255, 255}},
      {"198.51.100.10", Ipv4{198, 51, 100, 10}},
      {"", std::nullopt},
      {"1.2.3", std::nullopt},
      {"1.2.3.4.5", std::nullopt},
      {"256.0.0.1", std::nullopt},
      {"01.2.3.4", std::nullopt},  // inet_aton would read octal
      {"1.2.3.010", std::nullopt},
      {"1..2.3", std::nullopt},
      {"1.2.3.4.", std::nullopt},
      {" 1.2.3.4", std::nullopt},
      {"1.2.3.4 ", std::nullopt},
      {"1.2.3.-4", std::nullopt},
      {"1.2.3.+4", std::nullopt},
      {"1.2.3.4x", std::nullopt},
      {"0x1.2.3.4", std::nullopt},
      {"1234.1.1.1", std::nullopt},
      {"1.2.3.4/32", std::nullopt},
      {"10.0.0.300", std::nullopt},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(wire::parse_ipv4(r.text) == r.want);
    if (r.want) CHECK(wire::to_string(*r.want) == r.text);
  }
}

TEST_CASE("wire: Ipv4 is four bytes in network order") {
  const Ipv4 a{203, 0, 113, 7};
  CHECK(a.to_u32() == 0xCB007107u);
  CHECK(Ipv4::from_u32(0xCB007107u) == a);
  const wire::ByteView bytes = a;  // as IPCP writes it
  REQUIRE(bytes.size() == 4);
  CHECK(bytes[0] == 203);
  CHECK(bytes[3] == 7);
  CHECK(Ipv4{10, 0, 0, 1} < Ipv4{10, 0, 1, 0});
}

TEST_CASE("wire: prefixes parse with a reason for each failure") {
  struct Row {
    std::string_view text;
    std::optional<Ipv4Prefix> want;
    std::string_view why;  // the sentence tail when want is empty
  };
  const Row rows[] = {
      {"203.0.113.0/24", Ipv4Prefix{{203, 0, 113, 0}, 24}, ""},
      {"0.0.0.0/0", Ipv4Prefix{{0, 0, 0, 0}, 0}, ""},
      {"192.0.2.7/32", Ipv4Prefix{{192, 0, 2, 7}, 32}, ""},
      {"128.0.0.0/1", Ipv4Prefix{{128, 0, 0, 0}, 1}, ""},
      {"192.0.2.7/31", std::nullopt, "host bits must be zero; did you mean 192.0.2.6/31?"},
      {"1.0.0.0/0", std::nullopt, "host bits must be zero; did you mean 0.0.0.0/0?"},
      {"10.0.0.0/33", std::nullopt, "the prefix length must be 0 to 32"},
      {"10.0.0.0/", std::nullopt, "the prefix length must be 0 to 32"},
      {"10.0.0.0/08", std::nullopt, "the prefix length must be 0 to 32"},
      {"10.0.0.0/-1", std::nullopt, "the prefix length must be 0 to 32"},
      {"10.0.0.0/8/8", std::nullopt, "the prefix length must be 0 to 32"},
      {"10.0.0.0", std::nullopt, "the prefix length is missing"},
      {"ten/8", std::nullopt, "the address is not a dotted quad like 203.0.113.0"},
      {"/8", std::nullopt, "the address is not a dotted quad like 203.0.113.0"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    auto got = wire::parse_prefix(r.text);
    REQUIRE(got.ok() == r.want.has_value());
    if (r.want) {
      CHECK(*got == *r.want);
      CHECK(wire::to_string(*got) == r.text);
    } else {
      CHECK(got.error().reason == r.why);
    }
  }
}

TEST_CASE("wire: covers and host bits") {
  struct Row {
    Ipv4Prefix prefix;
    Ipv4 addr;
    bool covered;
  };
  const Row rows[] = {
      {{{0, 0, 0, 0}, 0}, {198, 51, 100, 7}, true},  // a default route covers everything
      {{{0, 0, 0, 0}, 1}, {127, 255, 255, 255}, true},
      {{{0, 0, 0, 0}, 1}, {128, 0, 0, 0}, false},
      {{{128, 0, 0, 0}, 1}, {198, 51, 100, 7}, true},
      {{{203, 0, 113, 0}, 24}, {203, 0, 113, 255}, true},
      {{{203, 0, 113, 0}, 24}, {203, 0, 114, 0}, false},
      {{{198, 51, 100, 6}, 31}, {198, 51, 100, 7}, true},
      {{{198, 51, 100, 7}, 32}, {198, 51, 100, 7}, true},
      {{{198, 51, 100, 7}, 32}, {198, 51, 100, 6}, false},
      {{{10, 0, 0, 0}, 12}, {10, 15, 255, 255}, true},
      {{{10, 0, 0, 0}, 12}, {10, 16, 0, 0}, false},
  };
  for (const Row& r : rows) {
    CAPTURE(wire::to_string(r.prefix));
    CAPTURE(wire::to_string(r.addr));
    CHECK(wire::covers(r.prefix, r.addr) == r.covered);
  }
  CHECK(wire::host_bits_clear({{203, 0, 113, 0}, 24}));
  CHECK_FALSE(wire::host_bits_clear({{203, 0, 113, 1}, 24}));
  CHECK(wire::host_bits_clear({{203, 0, 113, 1}, 32}));
  CHECK(wire::host_bits_clear({{0, 0, 0, 0}, 0}));
  CHECK_FALSE(wire::host_bits_clear({{0, 0, 0, 0}, 33}));
  CHECK(wire::prefix_mask(0) == 0u);
  CHECK(wire::prefix_mask(1) == 0x80000000u);
  CHECK(wire::prefix_mask(24) == 0xFFFFFF00u);
  CHECK(wire::prefix_mask(32) == 0xFFFFFFFFu);
}
