// LCP, IPCP and CCP automata fed arbitrary packets and timeouts. Each input
// byte chooses a step; packets get a correct length field half the time so
// the fuzzer reaches option handling. Outputs must always be well-formed
// frames, deadlines must lie in the future, and no step may flood.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ppp/ccp.hpp"
#include "ppp/describe.hpp"
#include "ppp/ipcp.hpp"
#include "ppp/lcp.hpp"

namespace {

using namespace std::chrono_literals;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Input {
  wire::ByteView data;
  std::size_t pos = 0;
  bool empty() const { return pos >= data.size(); }
  std::uint8_t byte() { return empty() ? 0 : data[pos++]; }
  wire::ByteView take(std::size_t n) {
    n = std::min(n, data.size() - pos);
    auto v = data.subspan(pos, n);
    pos += n;
    return v;
  }
};

void verify(const ppp::Output& out, std::uint16_t protocol, ppp::TimePoint now) {
  check(out.frames.size() <= 8);
  for (const auto& f : out.frames) {
    auto frame = ppp::decode_frame(f);
    check(frame.ok() && frame->protocol == protocol);
    auto packet = ppp::decode_packet(frame->payload);
    check(packet.ok() && packet->data.size() + ppp::kPacketHeader == frame->payload.size());
    (void)ppp::describe(protocol, frame->payload);
  }
  check(!out.deadline || *out.deadline > now);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in{wire::ByteView(data, size)};
  const auto flags = in.byte();

  ppp::LcpConfig lc;
  lc.seed = flags;
  lc.echo_interval = (flags & 1) ? 5s : 0s;
  lc.echo_failures = 2;
  if (flags & 2) lc.allowed_auth = {ppp::AuthProtocol::ChapMd5, ppp::AuthProtocol::Pap};
  if (flags & 4) lc.allowed_auth.clear();
  ppp::IpcpConfig ic;
  ic.want_wins = (flags & 8) != 0;
  ppp::CcpConfig cc;
  if (flags & 16) cc.allowed = ppp::mppe_bit::S | ppp::mppe_bit::L | ppp::mppe_bit::M;
  cc.allow_stateful = (flags & 32) != 0;
  cc.required = (flags & 64) == 0;

  ppp::Lcp lcp(lc);
  ppp::Ipcp ipcp(ic);
  ppp::Ccp ccp(cc);
  auto now = ppp::TimePoint{} + 100s;

  verify(lcp.open(now), ppp::proto::LCP, now);
  verify(lcp.up(now), ppp::proto::LCP, now);
  verify(ipcp.open(now), ppp::proto::IPCP, now);
  verify(ipcp.up(now), ppp::proto::IPCP, now);
  verify(ccp.open(now), ppp::proto::CCP, now);
  verify(ccp.up(now), ppp::proto::CCP, now);

  for (int steps = 0; steps < 512 && !in.empty(); ++steps) {
    const auto op = in.byte();
    const auto target = op % 3;
    switch ((op / 3) % 6) {
      case 0:
      case 1:
      case 2: {  // a packet
        const std::size_t n = in.byte();
        const auto view = in.take(n);
        wire::Bytes packet(view.begin(), view.end());
        if ((op & 0x80) && packet.size() >= 4) {
          packet[2] = static_cast<std::uint8_t>(packet.size() >> 8);
          packet[3] = static_cast<std::uint8_t>(packet.size());
        }
        if (target == 0) {
          auto out = lcp.receive(packet, now);
          verify(out, ppp::proto::LCP, now);
          for (const auto& e : out.events)
            if (e.kind == ppp::LayerEvent::Kind::ProtocolRejected && e.protocol == ppp::proto::CCP)
              verify(ccp.protocol_rejected(now), ppp::proto::CCP, now);
        } else if (target == 1) {
          verify(ipcp.receive(packet, now), ppp::proto::IPCP, now);
        } else {
          verify(ccp.receive(packet, now), ppp::proto::CCP, now);
        }
        break;
      }
      case 3: {  // time passes
        now += std::chrono::milliseconds(250 * (1 + in.byte() % 32));
        verify(lcp.timeout(now), ppp::proto::LCP, now);
        verify(ipcp.timeout(now), ppp::proto::IPCP, now);
        verify(ccp.timeout(now), ppp::proto::CCP, now);
        break;
      }
      case 4: {  // administrative and lower-layer events
        const auto which = in.byte() % 4;
        auto step = [&](auto& m, std::uint16_t p) {
          switch (which) {
            case 0: verify(m.open(now), p, now); break;
            case 1: verify(m.close(now, "fuzz"), p, now); break;
            case 2: verify(m.down(now), p, now); break;
            case 3: verify(m.up(now), p, now); break;
          }
        };
        if (target == 0) step(lcp, ppp::proto::LCP);
        if (target == 1) step(ipcp, ppp::proto::IPCP);
        if (target == 2) step(ccp, ppp::proto::CCP);
        break;
      }
      case 5:  // caller-driven extras
        verify(ccp.request_reset(now), ppp::proto::CCP, now);
        verify(lcp.reject_protocol(0x8057, in.take(in.byte()), now), ppp::proto::LCP, now);
        break;
    }
  }
  return 0;
}
