#include <doctest/doctest.h>

#include "ppp/describe.hpp"
#include "ppp/frame.hpp"
#include "ppp_test_util.hpp"

using namespace ppp;
using ppp_test::hex;

TEST_CASE("ppp: describe LCP packets like pppd's debug output") {
  CHECK(describe(proto::LCP, hex("01 01 00 13 01 04 05 dc 03 05 c2 23 81 05 06 1a 2b 3c 4d")) ==
        "[LCP ConfReq id=0x1 <mru 1500> <auth chap MS-v2> <magic 0x1a2b3c4d>]");
  CHECK(describe(proto::LCP, hex("04 02 00 0e 07 02 08 02 02 06 00 00 00 00")) ==
        "[LCP ConfRej id=0x2 <pcomp> <accomp> <asyncmap 0x0>]");
  CHECK(describe(proto::LCP, hex("01 03 00 10 03 04 c0 23 03 05 c2 23 05 0d 03 06")) ==
        "[LCP ConfReq id=0x3 <auth pap> <auth chap MD5> <callback 0x6>]");
  CHECK(describe(proto::LCP, hex("09 03 00 08 1a 2b 3c 4d")) == "[LCP EchoReq id=0x3 magic=0x1a2b3c4d]");
  CHECK(describe(proto::LCP, hex("0a 03 00 0a 1a 2b 3c 4d ab cd")) == "[LCP EchoRep id=0x3 magic=0x1a2b3c4d ab cd]");
  CHECK(describe(proto::LCP, hex("05 04 00 0e 55 73 65 72 20 72 65 71 75 65")) == "[LCP TermReq id=0x4 \"User reque\"]");
  CHECK(describe(proto::LCP, hex("08 05 00 0a 80 fd 01 01 00 04")) == "[LCP ProtRej id=0x5 proto=CCP 01 01 00 04]");
  CHECK(describe(proto::LCP, hex("01 06 00 07 63 03 01")) == "[LCP ConfReq id=0x6 <63 03 01>]");
}

TEST_CASE("ppp: describe IPCP and CCP packets") {
  CHECK(describe(proto::IPCP, hex("03 02 00 10 03 06 c6 33 64 0a 81 06 c0 00 02 35")) ==
        "[IPCP ConfNak id=0x2 <addr 198.51.100.10> <ms-dns1 192.0.2.53>]");
  CHECK(describe(proto::IPCP, hex("01 01 00 0a 02 06 00 2d 0f 01")) == "[IPCP ConfReq id=0x1 <compress VJ>]");
  CHECK(describe(proto::CCP, hex("01 01 00 0a 12 06 01 00 00 40")) == "[CCP ConfReq id=0x1 <mppe +H -M +S -L -D -C>]");
  CHECK(describe(proto::CCP, hex("01 01 00 0a 12 06 01 00 00 60")) == "[CCP ConfReq id=0x1 <mppe +H -M +S +L -D -C>]");
  CHECK(describe(proto::CCP, hex("01 02 00 0d 1a 04 78 00 01 02 15 03 2f")) ==
        "[CCP ConfReq id=0x2 <deflate 15> <predictor 1> <bsd v1 15>]");
  CHECK(describe(proto::CCP, hex("0e 07 00 04")) == "[CCP ResetReq id=0x7]");
  CHECK(describe(proto::CCP, hex("0f 07 00 04")) == "[CCP ResetAck id=0x7]");
  CHECK(describe(proto::IPCP, hex("0e 07 00 04")) == "[IPCP code=0xe id=0x7]");
}

TEST_CASE("ppp: describe authentication packets without secrets, and odd input as hex") {
  CHECK(describe(proto::PAP, hex("01 01 00 0e 04 75 73 65 72 04 70 61 73 73")) ==
        "[PAP AuthReq id=0x1 user=\"user\" password=<hidden>]");
  CHECK(describe(proto::PAP, hex("02 01 00 07 02 6f 6b")) == "[PAP AuthAck id=0x1 \"ok\"]");
  CHECK(describe(proto::CHAP, hex("01 09 00 0c 04 01 02 03 04 73 72 76")) ==
        "[CHAP Challenge id=0x9 <4-byte value> name=\"srv\"]");
  CHECK(describe(proto::CHAP, hex("03 09 00 08 53 3d 41 42")) == "[CHAP Success id=0x9 \"S=AB\"]");
  CHECK(describe(proto::LCP, hex("01 01 00 09 01 04")) == "[LCP malformed 01 01 00 09 01 04]");
  CHECK(describe(proto::LCP, hex("01 01 00 06 01 07")) == "[LCP ConfReq id=0x1 bad options 01 07]");
  CHECK(describe(0x4021, hex("01 02")) == "[proto=0x4021 01 02]");
  CHECK(describe(proto::IP, hex("45 00 00 14")) == "[IP 4 bytes]");
  CHECK(describe_frame(hex("ff 03 c0 21 09 03 00 08 1a 2b 3c 4d")) == "[LCP EchoReq id=0x3 magic=0x1a2b3c4d]");
  CHECK(describe_frame(hex("c0")) == "[bad frame c0]");
}
