#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "datapath/gre.hpp"

namespace {

using datapath::GreHeader;

// An IPv4 header (20 bytes, protocol 47) in front of `gre`, with the total
// length filled in unless told otherwise.
wire::Bytes datagram(const wire::Bytes& gre, int total_length = -1) {
  const std::size_t total = total_length < 0 ? 20 + gre.size() : static_cast<std::size_t>(total_length);
  wire::Bytes d = {0x45, 0x00, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total),
                   0x12, 0x34, 0x40, 0x00, 64,   47,   0x00, 0x00,
                   192,  0,    2,    1,    198,  51,   100,  7};
  // A loop, not insert(): GCC 12 warns (wrongly) about insert's memcpy here.
  for (auto b : gre) d.push_back(b);
  return d;
}

struct Row {
  const char* name;
  wire::Bytes datagram;
  const char* error;  // nullptr: parses
  std::optional<std::uint32_t> seq = std::nullopt;
  std::optional<std::uint32_t> ack = std::nullopt;
  std::uint16_t payload_length = 0;
};

wire::Bytes with(wire::Bytes d, std::size_t at, std::uint8_t v) {
  d.at(at) = v;
  return d;
}

}  // namespace

TEST_CASE("datapath: GRE parse, table of good and bad headers") {
  constexpr std::uint16_t call = 0x1234;
  // seq 5, 3-byte payload.
  const wire::Bytes data = {0x30, 0x01, 0x88, 0x0B, 0x00, 0x03, 0x12, 0x34, 0, 0, 0, 5, 0x00, 0x21, 0x45};
  // seq 6, ack 4, 2-byte payload.
  const wire::Bytes data_ack = {0x30, 0x81, 0x88, 0x0B, 0x00, 0x02, 0x12, 0x34, 0, 0, 0, 6, 0, 0, 0, 4, 0xC0, 0x21};
  // Stand-alone ack 9.
  const wire::Bytes ack_only = {0x20, 0x81, 0x88, 0x0B, 0x00, 0x00, 0x12, 0x34, 0, 0, 0, 9};

  const wire::Bytes full = datagram(data);
  const std::vector<Row> rows = {
      {"data packet", datagram(data), nullptr, 5, std::nullopt, 3},
      {"data with ack", datagram(data_ack), nullptr, 6, 4, 2},
      {"stand-alone ack", datagram(ack_only), nullptr, std::nullopt, 9, 0},
      {"IPv4 options (IHL 6)",
       [&] {
         auto d = datagram(data);
         d[0] = 0x46;
         const wire::Bytes options = {1, 1, 1, 0};
         d.insert(d.begin() + 20, options.begin(), options.end());
         d[3] = static_cast<std::uint8_t>(d.size());
         return d;
       }(),
       nullptr, 5, std::nullopt, 3},
      {"empty", {}, "shorter than an IPv4 header"},
      {"19 bytes", wire::Bytes(full.begin(), full.begin() + 19), "shorter than an IPv4 header"},
      {"IPv6", with(datagram(data), 0, 0x65), "not IPv4"},
      {"IHL 4", with(datagram(data), 0, 0x44), "header length"},
      {"IHL past the end", with(datagram(ack_only), 0, 0x4F), "header length"},
      {"total length short", datagram(data, 34), "total length"},
      {"total length long", datagram(data, 36), "total length"},
      {"more fragments", with(datagram(data), 6, 0x20), "fragment"},
      {"fragment offset", with(datagram(data), 7, 0x01), "fragment"},
      {"UDP", with(datagram(data), 9, 17), "not GRE"},
      {"GRE truncated", datagram({0x30, 0x01, 0x88, 0x0B, 0x00}), "truncated"},
      {"seq truncated", datagram({0x30, 0x01, 0x88, 0x0B, 0x00, 0x00, 0x12, 0x34, 0, 0}), "truncated"},
      {"C set", with(datagram(data), 20, 0xB0), "flags"},
      {"R set", with(datagram(data), 20, 0x70), "flags"},
      {"K clear", with(datagram(data), 20, 0x10), "flags"},
      {"strict source route", with(datagram(data), 20, 0x38), "flags"},
      {"recursion", with(datagram(data), 20, 0x31), "flags"},
      {"version 0", with(datagram(data), 21, 0x00), "version"},
      {"flags in byte 1", with(datagram(data), 21, 0x09), "version"},
      {"protocol 0x0800", with(with(datagram(data), 22, 0x08), 23, 0x00), "protocol"},
      {"payload length long", with(datagram(data), 25, 0x04), "payload length"},
      {"payload length short", with(datagram(data), 25, 0x02), "payload length"},
      {"payload without S", with(with(datagram(data), 20, 0x20), 25, 0x07), "sequence flag"},
      {"S without payload", datagram({0x30, 0x01, 0x88, 0x0B, 0x00, 0x00, 0x12, 0x34, 0, 0, 0, 1}),
       "sequence flag"},
      {"neither S nor A", datagram({0x20, 0x01, 0x88, 0x0B, 0x00, 0x00, 0x12, 0x34}), "neither"},
      {"another call", with(datagram(data), 27, 0x35), "another call"},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    auto r = datapath::parse_gre(row.datagram, call);
    if (row.error) {
      REQUIRE_FALSE(r.ok());
      const std::string reason = r.error().reason;
      CAPTURE(reason);
      CHECK(reason.find(row.error) != std::string::npos);
      CHECK(r.error().kind == wire::ErrorKind::Ignore);
      continue;
    }
    REQUIRE(r.ok());
    CHECK(r->header.call_id == call);
    CHECK(r->header.seq == row.seq);
    CHECK(r->header.ack == row.ack);
    CHECK(r->header.payload_length == row.payload_length);
    CHECK(r->payload_offset + r->header.payload_length == row.datagram.size());
  }
}

TEST_CASE("datapath: GRE write, the RFC 2637 first bytes, and parse(write) round trip") {
  struct W {
    std::optional<std::uint32_t> seq, ack;
    wire::Bytes first4;
    std::size_t size;
  };
  const std::vector<W> rows = {
      {0u, std::nullopt, {0x30, 0x01, 0x88, 0x0B}, 12},
      {0xFFFFFFFFu, 7u, {0x30, 0x81, 0x88, 0x0B}, 16},
      {std::nullopt, 3u, {0x20, 0x81, 0x88, 0x0B}, 12},
  };
  for (const auto& row : rows) {
    const std::uint16_t length = row.seq ? 4 : 0;
    std::vector<std::uint8_t> gre(row.size + length, 0xAA);
    const GreHeader h{length, 0xBEEF, row.seq, row.ack};
    REQUIRE(datapath::write_gre(gre, h) == row.size);
    CHECK(wire::Bytes(gre.begin(), gre.begin() + 4) == row.first4);
    auto r = datapath::parse_gre(datagram(gre), 0xBEEF);
    REQUIRE(r.ok());
    CHECK(r->header.seq == row.seq);
    CHECK(r->header.ack == row.ack);
    CHECK(r->payload_offset == 20 + row.size);
    // Too short a buffer: nothing written.
    std::vector<std::uint8_t> small(row.size - 1);
    CHECK(datapath::write_gre(small, h) == 0);
  }
}
