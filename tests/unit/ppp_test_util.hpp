#pragma once
// Helpers shared by the tests/unit/test_ppp_*.cpp files.
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "ppp/fsm.hpp"
#include "wire/bytes.hpp"

namespace ppp_test {

using namespace std::chrono_literals;

inline const ppp::TimePoint t0 = ppp::TimePoint{} + 1000s;

// "c0 21 01 01" -> bytes; spaces ignored.
inline wire::Bytes hex(std::string_view s) {
  wire::Bytes out;
  int high = -1;
  for (char c : s) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

// The control packet inside a kernel frame (drops the 2-byte protocol).
inline wire::Bytes packet_of(const wire::Bytes& frame) { return wire::Bytes(frame.begin() + 2, frame.end()); }

inline std::uint8_t code_of(const wire::Bytes& frame) { return frame.size() > 2 ? frame[2] : 0; }
inline std::uint8_t id_of(const wire::Bytes& frame) { return frame.size() > 3 ? frame[3] : 0; }

// Two machines wired back to back: every frame one sends, the other receives,
// until both are quiet. Returns the events each side saw.
template <typename A, typename B>
struct Wire {
  A& a;
  B& b;
  std::vector<ppp::LayerEvent> a_events, b_events;
  std::vector<wire::Bytes> a_sent, b_sent;

  void pump(ppp::Output from_a, ppp::Output from_b, ppp::TimePoint now = t0) {
    std::deque<wire::Bytes> to_b(from_a.frames.begin(), from_a.frames.end());
    std::deque<wire::Bytes> to_a(from_b.frames.begin(), from_b.frames.end());
    a_events.insert(a_events.end(), from_a.events.begin(), from_a.events.end());
    b_events.insert(b_events.end(), from_b.events.begin(), from_b.events.end());
    for (int guard = 0; guard < 200 && (!to_a.empty() || !to_b.empty()); ++guard) {
      if (!to_b.empty()) {
        auto f = to_b.front();
        to_b.pop_front();
        a_sent.push_back(f);
        auto out = b.receive(packet_of(f), now);
        b_events.insert(b_events.end(), out.events.begin(), out.events.end());
        to_a.insert(to_a.end(), out.frames.begin(), out.frames.end());
      }
      if (!to_a.empty()) {
        auto f = to_a.front();
        to_a.pop_front();
        b_sent.push_back(f);
        auto out = a.receive(packet_of(f), now);
        a_events.insert(a_events.end(), out.events.begin(), out.events.end());
        to_b.insert(to_b.end(), out.frames.begin(), out.frames.end());
      }
    }
  }
};

inline bool has_event(const std::vector<ppp::LayerEvent>& events, ppp::LayerEvent::Kind k) {
  for (const auto& e : events)
    if (e.kind == k) return true;
  return false;
}

inline std::string reason_of(const std::vector<ppp::LayerEvent>& events, ppp::LayerEvent::Kind k) {
  for (const auto& e : events)
    if (e.kind == k) return e.reason;
  return {};
}

}  // namespace ppp_test
