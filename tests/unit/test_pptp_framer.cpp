#include <doctest/doctest.h>

#include "pptp/framer.hpp"

namespace {

wire::Bytes concat(const wire::Bytes& a, const wire::Bytes& b) {
  wire::Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

TEST_CASE("pptp: framer reassembles a message fed one byte at a time") {
  const auto bytes = pptp::encode(pptp::Sccrp{0x0100, 1, 0, 3, 3, 1, 1, "server", "vendor"});
  pptp::Framer f;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    f.feed(wire::ByteView(bytes).subspan(i, 1));
    auto r = f.next();
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().has_value());
  }
  CHECK(f.buffered() == bytes.size() - 1);
  f.feed(wire::ByteView(bytes).last(1));
  auto r = f.next();
  REQUIRE(r.ok());
  REQUIRE(r.value().has_value());
  CHECK(std::get<pptp::Sccrp>(*r.value()).hostname == "server");
  CHECK(f.buffered() == 0);
  auto empty = f.next();
  REQUIRE(empty.ok());
  CHECK_FALSE(empty.value().has_value());
}

TEST_CASE("pptp: framer splits two messages in one chunk, and a third split across chunks") {
  const auto a = pptp::encode(pptp::EchoRequest{1});
  const auto b = pptp::encode(pptp::Ocrp{0x5678, 0x1234, 1, 0, 0, 1000, 64, 0, 0});
  const auto c = pptp::encode(pptp::Sli{0x1234, 0, 0});
  const auto stream = concat(concat(a, b), c);
  pptp::Framer f;
  f.feed(wire::ByteView(stream).first(a.size() + b.size() + 5));
  auto r1 = f.next();
  auto r2 = f.next();
  auto r3 = f.next();
  REQUIRE(r1.ok());
  REQUIRE(r2.ok());
  REQUIRE(r3.ok());
  REQUIRE(r1.value().has_value());
  REQUIRE(r2.value().has_value());
  CHECK(*r1.value() == pptp::Message{pptp::EchoRequest{1}});
  CHECK(std::get<pptp::Ocrp>(*r2.value()).connect_speed == 1000);
  CHECK_FALSE(r3.value().has_value());
  f.feed(wire::ByteView(stream).subspan(a.size() + b.size() + 5));
  auto r4 = f.next();
  REQUIRE(r4.ok());
  REQUIRE(r4.value().has_value());
  CHECK(std::holds_alternative<pptp::Sli>(*r4.value()));
}

TEST_CASE("pptp: framer rejects lengths outside 12..512 as soon as they arrive") {
  pptp::Framer f;
  SUBCASE("too short") {
    const std::uint8_t bytes[] = {0x00, 0x0B};
    f.feed(bytes);
  }
  SUBCASE("too long") {
    const std::uint8_t bytes[] = {0x02, 0x01};  // 513
    f.feed(bytes);
  }
  SUBCASE("an HTTP server") {
    const std::string http = "HTTP/1.1 400 Bad Request\r\n";
    f.feed(wire::ByteView(reinterpret_cast<const std::uint8_t*>(http.data()), http.size()));
  }
  auto r = f.next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == wire::ErrorKind::Fatal);
  CHECK(f.failed());
  // It stays failed: the stream cannot be resynchronised.
  f.feed(pptp::encode(pptp::EchoRequest{1}));
  CHECK_FALSE(f.next().ok());
  CHECK(f.buffered() == 0);
}

TEST_CASE("pptp: framer catches a bad cookie before the whole message arrives") {
  std::uint8_t bytes[] = {0x01, 0x00, 0x00, 0x01, 0xDE, 0xAD, 0xBE, 0xEF};  // claims 256 bytes
  pptp::Framer f;
  f.feed(bytes);
  auto r = f.next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "PPTP control stream broken: bad magic cookie (not a PPTP server?)");
}

TEST_CASE("pptp: framer skips an unknown control type and carries on") {
  auto unknown = pptp::encode(pptp::EchoRequest{1});
  unknown[9] = 99;
  const auto stream = concat(unknown, pptp::encode(pptp::EchoRequest{2}));
  pptp::Framer f;
  f.feed(stream);
  auto skipped = f.next();
  REQUIRE_FALSE(skipped.ok());
  CHECK(skipped.error().kind == wire::ErrorKind::Ignore);
  CHECK_FALSE(f.failed());
  auto r = f.next();
  REQUIRE(r.ok());
  REQUIRE(r.value().has_value());
  CHECK(*r.value() == pptp::Message{pptp::EchoRequest{2}});
}

TEST_CASE("pptp: framer treats a wrong size for a known type as fatal") {
  auto bad = pptp::encode(pptp::EchoReply{1, 1, 0});
  bad[9] = 5;  // 20-byte Echo-Request
  pptp::Framer f;
  f.feed(bad);
  auto r = f.next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == wire::ErrorKind::Fatal);
  CHECK(f.failed());
}
