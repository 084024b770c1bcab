#include <doctest/doctest.h>

#include "ppp/frame.hpp"
#include "ppp/options.hpp"
#include "ppp_test_util.hpp"

using namespace ppp;
using ppp_test::hex;

TEST_CASE("ppp: frame decodes with and without FF 03 and with a compressed protocol") {
  for (auto text : {"ff 03 c0 21 01 02 00 04", "c0 21 01 02 00 04"}) {
    auto bytes = hex(text);
    auto f = decode_frame(bytes);
    REQUIRE(f.ok());
    CHECK(f->protocol == proto::LCP);
    CHECK(wire::Bytes(f->payload.begin(), f->payload.end()) == hex("01 02 00 04"));
  }
  for (auto text : {"21 45 00", "ff 03 21 45 00", "00 21 45 00"}) {
    auto bytes = hex(text);
    auto f = decode_frame(bytes);
    REQUIRE(f.ok());
    CHECK(f->protocol == proto::IP);
    CHECK(f->payload.size() == 2);
  }
  auto ccp = hex("80 fd 0e 05 00 04");
  CHECK(decode_frame(ccp)->protocol == proto::CCP);
}

TEST_CASE("ppp: frame with an invalid or missing protocol field is rejected") {
  for (auto text : {"", "ff 03", "c0", "02 00 00", "c0 20 00", "ff 03 c0", "ff 03 02 02"}) {
    auto bytes = hex(text);
    CHECK_FALSE(decode_frame(bytes).ok());
  }
}

TEST_CASE("ppp: frames are encoded as the kernel wants them, without FF 03") {
  CHECK(encode_frame(proto::IPCP, hex("01 01 00 04")) == hex("80 21 01 01 00 04"));
  CHECK(encode_control_frame(proto::LCP, code::EchoReq, 3, hex("1a 2b 3c 4d")) ==
        hex("c0 21 09 03 00 08 1a 2b 3c 4d"));
  CHECK(uses_channel_fd(proto::LCP));
  CHECK(uses_channel_fd(proto::CHAP));
  CHECK_FALSE(uses_channel_fd(proto::CCP));
  CHECK_FALSE(uses_channel_fd(proto::IPCP));
}

TEST_CASE("ppp: control packet length is checked against the buffer") {
  auto ok = hex("01 07 00 08 05 06 aa bb");
  auto p = decode_packet(ok);
  REQUIRE(p.ok());
  CHECK(p->code == 1);
  CHECK(p->id == 7);
  CHECK(wire::Bytes(p->data.begin(), p->data.end()) == hex("05 06 aa bb"));

  auto padded = hex("05 01 00 04 00 00 00");  // trailing padding is allowed and dropped
  REQUIRE(decode_packet(padded).ok());
  CHECK(decode_packet(padded)->data.empty());

  for (auto text : {"01 07 00 09 05 06 aa bb", "01 07 00 03", "01 07 00 00", "01 07 00", ""}) {
    auto bad = hex(text);
    auto r = decode_packet(bad);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().kind == wire::ErrorKind::Ignore);
  }
}

TEST_CASE("ppp: option lists decode, reject bad lengths and too many options, and round-trip") {
  auto good = hex("01 04 05 dc 05 06 1a 2b 3c 4d 07 02");
  auto opts = decode_options(good);
  REQUIRE(opts.ok());
  REQUIRE(opts->size() == 3);
  CHECK((*opts)[0].type == 1);
  CHECK(option_u16((*opts)[0]) == 1500);
  CHECK(option_u32((*opts)[1]) == 0x1a2b3c4du);
  CHECK((*opts)[2].value.empty());
  CHECK(encode_options(*opts) == good);

  for (auto text : {"01 00", "01 01", "01 04 05", "01", "01 04 05 dc 05 07 1a 2b 3c 4d"}) {
    auto bad = hex(text);
    CHECK_FALSE(decode_options(bad).ok());
  }
  wire::Bytes many;
  for (std::size_t i = 0; i <= kMaxOptions; ++i) {
    many.push_back(7);
    many.push_back(2);
  }
  CHECK_FALSE(decode_options(many).ok());
  many.resize(many.size() - 2);
  CHECK(decode_options(many).ok());
}
