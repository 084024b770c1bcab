// CHAP codec round trip, the MS-CHAP message parsers, describe_chap, and the
// client machines fed a stream of arbitrary packets.
//
// Input: byte 0 picks the machine; the rest is a series of packets, each
// prefixed by a 1-byte length, with the first packet also decoded on its own.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ppp/auth.hpp"
#include "ppp/chap.hpp"
#include "ppp/mschap.hpp"
#include "ppp/mschapv2.hpp"

using namespace ppp::auth;

namespace {

void check_round_trip(wire::ByteView data) {
  auto decoded = decode_chap(data);
  if (!decoded) return;
  auto encoded = encode_chap(*decoded);
  if (!encoded) std::abort();  // anything we decode, we can encode
  std::size_t length = (std::size_t{data[2]} << 8) | data[3];
  if (encoded->size() != length || !std::equal(encoded->begin(), encoded->end(), data.begin())) std::abort();
}

void check_parsers(wire::ByteView data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (auto s = parse_mschapv2_success(text); s && s->message.size() > text.size()) std::abort();
  if (auto f = parse_mschap_failure(text)) {
    if (f->new_challenge.size() != 0 && f->new_challenge.size() != 8 && f->new_challenge.size() != 16) std::abort();
  }
  if (auto v = decode_mschapv2_response(data)) {
    auto again = encode_mschapv2_response(*v);
    if (!std::equal(again.begin(), again.end(), data.begin())) std::abort();
  }
  (void)describe_chap(data);
}

void drive_machine(std::uint8_t selector, wire::ByteView rest) {
  static constexpr AuthProtocol kProtocols[] = {AuthProtocol::MsChapV2, AuthProtocol::MsChapV1,
                                                AuthProtocol::ChapMd5};
  auto protocol = kProtocols[selector % 3];
  std::array<std::uint8_t, 16> peer{};
  peer.fill(selector);
  auto made = make_authenticator(protocol, {"DOMAIN\\fuzz", "password", peer});
  if (!made) std::abort();
  auto& machine = *made;
  auto now = Clock::time_point{};
  (void)machine->start(now);
  unsigned events = 0;
  bool succeeded = false;
  while (!rest.empty()) {
    std::size_t n = rest[0];
    rest = rest.subspan(1);
    if (n > rest.size()) n = rest.size();
    auto out = machine->on_packet(rest.first(n), now);
    rest = rest.subspan(n);
    if (out.deadline) std::abort();  // CHAP never arms a timer
    for (auto& p : out.send) {
      auto r = decode_chap(p);
      if (!r || r->code != ChapCode::Response) std::abort();
    }
    if (out.event) {
      ++events;
      if (!machine->finished()) std::abort();
      if (auto* ok = std::get_if<AuthSucceeded>(&*out.event)) {
        // A fuzzer cannot forge the server's proof for MS-CHAPv2.
        if (protocol == AuthProtocol::MsChapV2) std::abort();
        succeeded = true;
        (void)ok;
      }
    }
    now += std::chrono::seconds(1);
    (void)machine->on_timeout(now);
  }
  // One event per run, except CHAP-MD5's failure after a re-challenge.
  if (events > 2 || (events == 2 && !(protocol == AuthProtocol::ChapMd5 && succeeded))) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::ByteView in(data, size);
  check_round_trip(in);
  check_parsers(in);
  if (size > 0) {
    check_round_trip(in.subspan(1));
    drive_machine(data[0], in.subspan(1));
  }
  return 0;
}
