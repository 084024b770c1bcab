#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pptp/describe.hpp"
#include "pptp/messages.hpp"

namespace {

using pptp::Message;

std::vector<Message> one_of_each() {
  return {
      pptp::Sccrq{0x0100, 3, 3, 65535, 1, "client.example", "pptpctl"},
      pptp::Sccrp{0x0100, 1, 0, 1, 1, 1, 0x0500, "server", "Microsoft"},
      pptp::StopCcrq{3},
      pptp::StopCcrp{2, 4},
      pptp::EchoRequest{0xDEADBEEF},
      pptp::EchoReply{0xDEADBEEF, 1, 0},
      pptp::Ocrq{0x1234, 7, 2400, 1000000000, 3, 3, 64, 0, "5551234", "sub"},
      pptp::Ocrp{0x5678, 0x1234, 1, 0, 0, 100000000, 64, 0, 0x01020304},
      pptp::Icrq{0x4321, 9, 1, 0xAABBCCDD, "555", "666", "x"},
      pptp::Icrp{0, 0x4321, 3, 0, 0, 0},
      pptp::Iccn{0x4321, 64000, 16, 2, 3},
      pptp::Ccrq{0x1234},
      pptp::Cdn{0x5678, 3, 0, 16, "bytes in 10, out 20"},
      pptp::Wen{0x1234, 1, 2, 3, 4, 5, 6},
      pptp::Sli{0x1234, 0xFFFFFFFF, 0x00000000},
  };
}

void append(std::vector<std::uint8_t>& v, std::initializer_list<int> bytes) {
  for (int b : bytes) v.push_back(static_cast<std::uint8_t>(b));
}

void append_text(std::vector<std::uint8_t>& v, const std::string& s, std::size_t field) {
  v.insert(v.end(), s.begin(), s.end());
  v.insert(v.end(), field - s.size(), 0);
}

}  // namespace

TEST_CASE("pptp: every message type round-trips at its exact RFC 2637 size") {
  const auto all = one_of_each();
  CHECK(all.size() == 15);  // one per control type, 1..15
  for (const Message& m : all) {
    CAPTURE(pptp::describe(m));
    const auto bytes = pptp::encode(m);
    CHECK(bytes.size() == pptp::wire_size(pptp::control_type(m)));
    CHECK(bytes[0] == 0);
    CHECK(bytes[1] == bytes.size());
    CHECK(bytes[9] == static_cast<std::uint8_t>(pptp::control_type(m)));
    auto back = pptp::decode(bytes);
    REQUIRE(back.ok());
    CHECK(back.value() == m);
  }
}

TEST_CASE("pptp: size table matches RFC 2637") {
  using pptp::ControlType;
  CHECK(pptp::wire_size(ControlType::StartControlConnectionRequest) == 156);
  CHECK(pptp::wire_size(ControlType::StartControlConnectionReply) == 156);
  CHECK(pptp::wire_size(ControlType::StopControlConnectionRequest) == 16);
  CHECK(pptp::wire_size(ControlType::StopControlConnectionReply) == 16);
  CHECK(pptp::wire_size(ControlType::EchoRequest) == 16);
  CHECK(pptp::wire_size(ControlType::EchoReply) == 20);
  CHECK(pptp::wire_size(ControlType::OutgoingCallRequest) == 168);
  CHECK(pptp::wire_size(ControlType::OutgoingCallReply) == 32);
  CHECK(pptp::wire_size(ControlType::IncomingCallRequest) == 220);
  CHECK(pptp::wire_size(ControlType::IncomingCallReply) == 24);
  CHECK(pptp::wire_size(ControlType::IncomingCallConnected) == 28);
  CHECK(pptp::wire_size(ControlType::CallClearRequest) == 16);
  CHECK(pptp::wire_size(ControlType::CallDisconnectNotify) == 148);
  CHECK(pptp::wire_size(ControlType::WanErrorNotify) == 40);
  CHECK(pptp::wire_size(ControlType::SetLinkInfo) == 24);
}

TEST_CASE("pptp: SCCRQ byte layout") {
  const auto out = pptp::encode(pptp::Sccrq{0x0100, 3, 3, 65535, 1, "myhost", "pptpctl"});
  std::vector<std::uint8_t> want;
  append(want, {0x00, 0x9C, 0x00, 0x01, 0x1A, 0x2B, 0x3C, 0x4D, 0x00, 0x01, 0x00, 0x00});  // header, length 156
  append(want, {0x01, 0x00, 0x00, 0x00});                                                  // version, reserved
  append(want, {0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03});                          // framing, bearer
  append(want, {0xFF, 0xFF, 0x00, 0x01});                                                  // channels, firmware
  append_text(want, "myhost", 64);
  append_text(want, "pptpctl", 64);
  REQUIRE(want.size() == 156);
  CHECK(out == want);
  // A few offsets by hand, as a second opinion on the expected bytes above.
  CHECK(out[4] == 0x1A);
  CHECK(out[7] == 0x4D);
  CHECK(out[28] == 'm');
  CHECK(out[33] == 't');
  CHECK(out[34] == 0);
  CHECK(out[92] == 'p');
}

TEST_CASE("pptp: OCRQ byte layout") {
  const auto out = pptp::encode(pptp::Ocrq{0x1234, 0x0007, 2400, 1000000000, 3, 3, 64, 0, "", ""});
  std::vector<std::uint8_t> want;
  append(want, {0x00, 0xA8, 0x00, 0x01, 0x1A, 0x2B, 0x3C, 0x4D, 0x00, 0x07, 0x00, 0x00});  // length 168, type 7
  append(want, {0x12, 0x34, 0x00, 0x07});                                                  // call ID, serial
  append(want, {0x00, 0x00, 0x09, 0x60, 0x3B, 0x9A, 0xCA, 0x00});                          // 2400, 1e9 bps
  append(want, {0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03});                          // bearer, framing
  append(want, {0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});  // window 64, delay, phone len, reserved
  append_text(want, "", 64);
  append_text(want, "", 64);
  REQUIRE(want.size() == 168);
  CHECK(out == want);
}

TEST_CASE("pptp: OCRQ phone number length is derived from the text") {
  const auto out = pptp::encode(pptp::Ocrq{1, 2, 3, 4, 5, 6, 7, 8, "12345", ""});
  CHECK(out[36] == 0);
  CHECK(out[37] == 5);
  CHECK(out[40] == '1');
  CHECK(out[44] == '5');
}

TEST_CASE("pptp: Echo-Reply and CDN byte layout") {
  const auto echo = pptp::encode(pptp::EchoReply{0xDEADBEEF, 1, 0});
  const std::vector<std::uint8_t> want_echo = {0x00, 0x14, 0x00, 0x01, 0x1A, 0x2B, 0x3C, 0x4D, 0x00, 0x06,
                                               0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x00, 0x00, 0x00};
  CHECK(echo == want_echo);

  const auto cdn = pptp::encode(pptp::Cdn{0x5678, 3, 0, 0x0102, "s"});
  REQUIRE(cdn.size() == 148);
  const std::vector<std::uint8_t> head(cdn.begin(), cdn.begin() + 21);
  const std::vector<std::uint8_t> want_cdn = {0x00, 0x94, 0x00, 0x01, 0x1A, 0x2B, 0x3C, 0x4D, 0x00, 0x0D, 0x00,
                                              0x00, 0x56, 0x78, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 's'};
  CHECK(head == want_cdn);
}

TEST_CASE("pptp: decode rejects malformed messages") {
  const auto good = pptp::encode(pptp::EchoRequest{42});
  REQUIRE(pptp::decode(good).ok());

  SUBCASE("shorter than a header") {
    const std::vector<std::uint8_t> tiny(good.begin(), good.begin() + 11);
    auto r = pptp::decode(tiny);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == wire::ErrorKind::Fatal);
  }
  SUBCASE("truncated body") {
    const std::vector<std::uint8_t> cut(good.begin(), good.end() - 1);
    auto r = pptp::decode(cut);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == wire::ErrorKind::Fatal);
    CHECK(r.error().reason == "PPTP control message length field says 16 bytes but the message has 15");
  }
  SUBCASE("oversized: trailing byte") {
    auto more = good;
    more.push_back(0);
    auto r = pptp::decode(more);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == wire::ErrorKind::Fatal);
  }
  SUBCASE("wrong cookie") {
    auto bad = good;
    bad[7] = 0x4E;
    auto r = pptp::decode(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == wire::ErrorKind::Fatal);
    CHECK(r.error().reason.find("magic cookie") != std::string::npos);
  }
  SUBCASE("length consistent with the data but wrong for the type") {
    auto bad = pptp::encode(pptp::EchoReply{42, 1, 0});  // 20 bytes
    bad[9] = 5;                                          // relabelled Echo-Request (16)
    auto r = pptp::decode(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == wire::ErrorKind::Fatal);
    CHECK(r.error().reason == "PPTP Echo-Request has length 20, expected exactly 16");
  }
  SUBCASE("unknown control type is skipped, not fatal") {
    auto bad = good;
    bad[9] = 16;
    auto r = pptp::decode(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == wire::ErrorKind::Ignore);
    CHECK(r.error().reason == "skipped a PPTP control message of unknown type 16");
    bad[9] = 0;
    CHECK(pptp::decode(bad).error().kind == wire::ErrorKind::Ignore);
  }
  SUBCASE("management message type is skipped") {
    auto bad = good;
    bad[3] = 2;
    auto r = pptp::decode(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == wire::ErrorKind::Ignore);
  }
}

TEST_CASE("pptp: reserved fields are ignored on input and zero on output") {
  auto bytes = pptp::encode(pptp::StopCcrq{1});
  bytes[10] = 0xFF;  // header reserved
  bytes[13] = 0xFF;  // body reserved
  auto r = pptp::decode(bytes);
  REQUIRE(r.ok());
  CHECK(std::get<pptp::StopCcrq>(r.value()).reason == 1);
  const auto again = pptp::encode(r.value());
  CHECK(again[10] == 0);
  CHECK(again[13] == 0);
}

TEST_CASE("pptp: host names fill the whole field without a NUL") {
  const std::string full(64, 'h');
  auto r = pptp::decode(pptp::encode(pptp::Sccrp{0x0100, 1, 0, 3, 3, 1, 1, full, "v"}));
  REQUIRE(r.ok());
  CHECK(std::get<pptp::Sccrp>(r.value()).hostname == full);
}

TEST_CASE("pptp: describe gives one line per message") {
  CHECK(pptp::describe(pptp::Ocrp{0x1234, 0x5678, 1, 0, 0, 100000000, 64, 0, 0}) ==
        "OCRP call=0x1234 peer-call=0x5678 result=1 (connected) speed=100000000 window=64");
  CHECK(pptp::describe(pptp::Ocrp{0x1234, 0x5678, 2, 4, 0, 0, 0, 0, 0}) ==
        "OCRP call=0x1234 peer-call=0x5678 result=2 (general error) error=4 (no resources) speed=0 window=0");
  CHECK(pptp::describe(pptp::Sccrq{0x0100, 3, 3, 65535, 1, "me", "pptpctl"}) ==
        "SCCRQ version=0x0100 framing=0x3 bearer=0x3 channels=65535 firmware=0x1 host=\"me\" vendor=\"pptpctl\"");
  CHECK(pptp::describe(pptp::EchoRequest{0xDEADBEEF}) == "Echo-Request id=0xdeadbeef");
  CHECK(pptp::describe(pptp::Cdn{0x0001, 1, 0, 0, ""}) == "CDN call=0x0001 result=1 (lost carrier)");
  CHECK(pptp::describe(pptp::StopCcrq{9}) == "StopCCRQ reason=9 (unknown reason code 9)");
  // Peer text cannot smuggle control characters into a log line.
  CHECK(pptp::describe(pptp::Sccrp{0x0100, 1, 0, 3, 3, 1, 1, "a\x1b[2Jb\"", "v"}) ==
        "SCCRP version=0x0100 result=1 (ok) framing=0x3 bearer=0x3 channels=1 firmware=0x1 "
        "host=\"a\\x1b[2Jb\\x22\" vendor=\"v\"");
}
