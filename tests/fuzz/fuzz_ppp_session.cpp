// The whole PPP session fed arbitrary frames from the network, with timeouts
// and the unit hand-off interleaved by the input itself. Invariants: it never
// crashes, every frame it emits decodes, and it fails at most once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>

#include "ppp/frame.hpp"
#include "ppp/session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ppp::SessionConfig cfg;
  cfg.lcp.seed = 7;
  cfg.lcp.allowed_auth = {ppp::AuthProtocol::MsChapV2, ppp::AuthProtocol::Pap};
  cfg.credentials.username = "alice";
  cfg.credentials.password = "secret";
  cfg.ccp.allow_stateful = size > 0 && (data[0] & 1);
  cfg.ccp.required = size > 0 && (data[0] & 2);
  ppp::Session s(cfg);
  ppp::TimePoint now{};
  int failed = 0;
  std::function<void(const ppp::SessionOutput&)> check = [&](const ppp::SessionOutput& out) {
    for (const auto& f : out.frames) {
      if (!ppp::decode_frame(f)) std::abort();
    }
    for (const auto& e : out.events) {
      if (std::holds_alternative<ppp::session_event::Failed>(e) && ++failed > 1) std::abort();
      if (std::holds_alternative<ppp::session_event::NetworkPhase>(e)) check(s.network_ready(now));
    }
  };
  check(s.start(now));
  std::size_t i = 1;
  while (i + 2 <= size) {
    // One control byte, one length byte, then that many bytes of frame.
    const std::uint8_t ctl = data[i];
    const std::size_t len = data[i + 1];
    i += 2;
    if (ctl % 7 == 0) {
      now += std::chrono::seconds(ctl % 40);
      check(s.timeout(now));
      continue;
    }
    if (ctl == 0xFF) {
      check(s.close(now, "fuzz"));
      continue;
    }
    const std::size_t n = len < size - i ? len : size - i;
    check(s.receive(wire::ByteView(data + i, n), now));
    i += n;
  }
  return 0;
}
