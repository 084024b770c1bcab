// PAP codec round trip, describe_pap (must never print the password), and the
// PAP client machine fed arbitrary packets and timer expiries.
//
// Input: the whole buffer is decoded as one packet; then it is cut into
// packets by 1-byte length prefixes, a zero length meaning "the timer fired".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ppp/auth.hpp"
#include "ppp/auth_text.hpp"
#include "ppp/pap.hpp"
#include "wire/text.hpp"

using namespace ppp::auth;

namespace {

bool same(const PapPacket& a, const PapPacket& b) {
  return a.code == b.code && a.id == b.id && a.peer_id == b.peer_id && a.password == b.password &&
         a.message == b.message;
}

void check_round_trip(wire::ByteView data) {
  auto decoded = decode_pap(data);
  if (!decoded) return;
  auto encoded = encode_pap(*decoded);
  if (!encoded) std::abort();
  std::size_t length = (std::size_t{data[2]} << 8) | data[3];
  // Byte-exact unless the server left out Msg-Length or padded inside Length.
  if (encoded->size() == length && !std::equal(encoded->begin(), encoded->end(), data.begin())) std::abort();
  auto again = decode_pap(*encoded);
  if (!again || !same(*again, *decoded)) std::abort();
  // The password never reaches the debug line: the line is fully determined
  // by the other fields.
  if (decoded->code == PapCode::AuthRequest) {
    char id[8];
    std::snprintf(id, sizeof id, "0x%x", decoded->id);
    auto expected = std::string("[PAP AuthReq id=") + id + " user=\"" + wire::printable(decoded->peer_id) +
                    "\" password=<hidden>]";
    if (describe_pap(data) != expected) std::abort();
  } else {
    (void)describe_pap(data);
  }
}

void drive_machine(wire::ByteView rest) {
  auto made = make_authenticator(AuthProtocol::Pap, {"fuzz", "password", {}});
  if (!made) std::abort();
  auto& machine = *made;
  auto now = Clock::time_point{};
  auto out = machine->start(now);
  unsigned sent = static_cast<unsigned>(out.send.size());
  unsigned events = 0;
  while (!rest.empty()) {
    std::size_t n = rest[0];
    rest = rest.subspan(1);
    if (n == 0) {
      now += kPapRestart;
      out = machine->on_timeout(now);
    } else {
      if (n > rest.size()) n = rest.size();
      out = machine->on_packet(rest.first(n), now);
      rest = rest.subspan(n);
    }
    sent += static_cast<unsigned>(out.send.size());
    if (sent > kPapMaxTransmits) std::abort();
    if (out.event) ++events;
    if (out.event && out.deadline) std::abort();
  }
  if (events > 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::ByteView in(data, size);
  check_round_trip(in);
  drive_machine(in);
  return 0;
}
