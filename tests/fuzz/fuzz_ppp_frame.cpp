// Frame, control packet and option list decoders: whatever decodes must
// re-encode to the same bytes; describe() must never crash.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ppp/describe.hpp"
#include "ppp/frame.hpp"
#include "ppp/options.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool same(wire::ByteView a, wire::ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const wire::ByteView in(data, size);

  if (auto f = ppp::decode_frame(in)) {
    check(ppp::valid_protocol(f->protocol));
    const auto again = ppp::encode_frame(f->protocol, f->payload);
    auto g = ppp::decode_frame(again);
    check(g.ok() && g->protocol == f->protocol && same(g->payload, f->payload));
    (void)ppp::describe(f->protocol, f->payload);
  }
  (void)ppp::describe_frame(in);

  if (auto p = ppp::decode_packet(in)) {
    const auto again = ppp::encode_packet(p->code, p->id, p->data);
    // The packet up to its length field, padding dropped.
    check(same(again, in.first(again.size())));
    auto q = ppp::decode_packet(again);
    check(q.ok() && q->code == p->code && q->id == p->id && same(q->data, p->data));
  }

  if (auto options = ppp::decode_options(in)) {
    check(options->size() <= ppp::kMaxOptions);
    check(same(ppp::encode_options(*options), in));
  }

  if (size >= 2) {
    const auto protocol = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    (void)ppp::describe(protocol, in.subspan(2));
    for (auto p : {ppp::proto::LCP, ppp::proto::IPCP, ppp::proto::CCP, ppp::proto::CHAP, ppp::proto::PAP,
                   ppp::proto::EAP})
      (void)ppp::describe(p, in.subspan(1));
  }
  return 0;
}
