#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "datapath/reorder.hpp"

namespace {

using datapath::ReorderWindow;
using namespace std::chrono_literals;

// Each frame carries its own sequence number, so the sink can say what came.
struct Recorder final : ReorderWindow::Sink {
  std::vector<std::uint32_t> got;
  void deliver(datapath::MutableBytes frame) override {
    REQUIRE(frame.size() == 4);
    got.push_back((std::uint32_t{frame[0]} << 24) | (std::uint32_t{frame[1]} << 16) |
                  (std::uint32_t{frame[2]} << 8) | frame[3]);
  }
};

// An arrival (seq at ms) or, with tick, a call to expire() at ms.
struct Event {
  std::uint32_t seq;
  int ms;
  bool tick = false;
};
Event at(int ms) { return {0, ms, true}; }

struct Row {
  const char* name;
  std::size_t capacity;
  std::vector<Event> events;
  std::vector<std::uint32_t> delivered;
  ReorderWindow::Counters counters;
  std::size_t held_after = 0;
};

}  // namespace

TEST_CASE("datapath: reorder window, table of arrivals and time") {
  constexpr std::uint32_t top = 0xFFFFFFFF;
  const std::vector<Row> rows = {
      {"in order", 4, {{0, 0}, {1, 0}, {2, 0}}, {0, 1, 2}, {}},
      {"first number sets the start", 4, {{1000, 0}, {1001, 0}}, {1000, 1001}, {}},
      {"swap", 4, {{0, 0}, {2, 0}, {1, 1}}, {0, 1, 2}, {1, 0, 0, 0}},
      {"reverse three", 4, {{0, 0}, {3, 0}, {2, 0}, {1, 0}}, {0, 1, 2, 3}, {2, 0, 0, 0}},
      {"duplicate delivered", 4, {{0, 0}, {1, 0}, {1, 0}, {0, 0}}, {0, 1}, {0, 0, 0, 2}},
      {"duplicate held", 4, {{0, 0}, {2, 0}, {2, 0}, {1, 0}}, {0, 1, 2}, {1, 0, 0, 1}},
      {"gap expires", 4, {{0, 0}, {2, 0}, {3, 10}, at(49), at(50), {4, 51}}, {0, 2, 3, 4}, {2, 0, 1, 0}},
      {"late after expiry", 4, {{0, 0}, {2, 0}, at(50), {1, 60}}, {0, 2}, {1, 1, 1, 0}},
      {"later of two expires takes the earlier with it", 8, {{0, 0}, {5, 0}, {3, 20}, at(50)},
       {0, 3, 5}, {2, 0, 3, 0}, 0},
      {"only the expired part goes", 8, {{0, 0}, {3, 0}, {6, 40}, at(50)}, {0, 3}, {1, 0, 2, 0}, 1},
      {"overflow gives up the gap once a second packet confirms it", 2, {{0, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}},
       {0, 2, 3, 5}, {2, 1, 2, 0}},
      {"far ahead, confirmed, flushes all held", 4, {{0, 0}, {2, 0}, {3, 0}, {100, 0}, {101, 0}}, {0, 2, 3, 101},
       {2, 1, 98, 0}},
      {"one forged number far ahead does not move the window", 4, {{0, 0}, {0x7ffffff0u, 0}, {1, 0}, {2, 0}},
       {0, 1, 2}, {0, 1, 0, 0}},
      {"late packets in sequence move the window back", 4,
       {{0, 0}, {1, 0}, {1000, 0}, {1001, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}}, {0, 1, 1001, 5, 6},
       {0, 5, 999, 0}},
      {"capacity 0 is the kernel's rule", 0, {{0, 0}, {2, 0}, {1, 0}, {3, 0}}, {0, 2, 3}, {0, 1, 1, 0}},
      {"wrap-around in order", 4, {{top - 1, 0}, {top, 0}, {0, 0}, {1, 0}}, {top - 1, top, 0, 1}, {}},
      // 2^32 mod 50 = 46: 0xFFFFFFF6 and 0x24 share seq % 50, both inside the window.
      {"a capacity that is no power of two across the wrap", 50,
       {{0xFFFFFFF4u, 0}, {0xFFFFFFF6u, 0}, {0x24, 0}, {0xFFFFFFF5u, 0}, at(50)},
       {0xFFFFFFF4u, 0xFFFFFFF5u, 0xFFFFFFF6u, 0x24}, {2, 0, 45, 0}},
      {"wrap-around reordered", 4, {{top - 1, 0}, {0, 0}, {top, 0}}, {top - 1, top, 0}, {1, 0, 0, 0}},
      {"half the space behind is late", 4, {{0, 0}, {0x80000001u, 0}, {1, 0}}, {0, 1}, {0, 1, 0, 0}},
      {"old beyond the history is late", 4, {{0, 0}, {1, 0}, {600, 0}, {601, 0}, {1, 0}}, {0, 1, 601},
       {0, 2, 599, 0}},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    ReorderWindow w(row.capacity, 50ms);
    Recorder sink;
    const auto t0 = datapath::TimePoint{} + 1h;
    for (const auto& e : row.events) {
      const auto now = t0 + std::chrono::milliseconds(e.ms);
      if (e.tick) {
        w.expire(now, sink);
        continue;
      }
      std::array<std::uint8_t, 4> frame = {static_cast<std::uint8_t>(e.seq >> 24),
                                           static_cast<std::uint8_t>(e.seq >> 16),
                                           static_cast<std::uint8_t>(e.seq >> 8), static_cast<std::uint8_t>(e.seq)};
      (void)w.arrive(e.seq, frame, now, sink);
      frame.fill(0xEE);  // held frames were copied, not referenced
    }
    CHECK(sink.got == row.delivered);
    CHECK(w.counters().reordered == row.counters.reordered);
    CHECK(w.counters().late == row.counters.late);
    CHECK(w.counters().lost == row.counters.lost);
    CHECK(w.counters().duplicate == row.counters.duplicate);
    CHECK(w.held() == row.held_after);
  }
}

TEST_CASE("datapath: reorder window arrival verdicts, deadline and last delivered") {
  ReorderWindow w(4, 50ms);
  Recorder sink;
  const auto t0 = datapath::TimePoint{} + 1h;
  std::array<std::uint8_t, 4> f{};
  CHECK_FALSE(w.last_delivered());
  CHECK_FALSE(w.deadline());
  CHECK(w.arrive(7, f, t0, sink) == ReorderWindow::Arrival::InOrder);
  CHECK(w.last_delivered() == 7u);
  CHECK(w.arrive(9, f, t0 + 5ms, sink) == ReorderWindow::Arrival::Held);
  CHECK(w.arrive(10, f, t0 + 8ms, sink) == ReorderWindow::Arrival::Held);
  CHECK(w.deadline() == t0 + 55ms);
  CHECK(w.last_delivered() == 7u);
  CHECK(w.arrive(9, f, t0 + 9ms, sink) == ReorderWindow::Arrival::Duplicate);
  CHECK(w.arrive(7, f, t0 + 9ms, sink) == ReorderWindow::Arrival::Duplicate);
  CHECK(w.arrive(6, f, t0 + 9ms, sink) == ReorderWindow::Arrival::Late);
  CHECK(w.arrive(8, f, t0 + 10ms, sink) == ReorderWindow::Arrival::InOrder);
  CHECK(w.last_delivered() == 10u);
  CHECK_FALSE(w.deadline());
  CHECK(sink.got.size() == 4);
}

TEST_CASE("datapath: a held frame's bytes outlive the next holds (slots are reused oldest first)") {
  struct Keep final : ReorderWindow::Sink {
    std::vector<std::pair<datapath::MutableBytes, std::uint8_t>> seen;
    void deliver(datapath::MutableBytes frame) override { seen.emplace_back(frame, frame[0]); }
  } keep;
  ReorderWindow w(2, 50ms);
  const auto t0 = datapath::TimePoint{} + 1h;
  std::array<std::uint8_t, 4> f{};
  (void)w.arrive(0, f, t0, keep);
  for (std::uint32_t seq = 1; seq < 400; seq += 2) {
    f.fill(static_cast<std::uint8_t>(seq + 1));
    CHECK(w.arrive(seq + 1, f, t0, keep) == ReorderWindow::Arrival::Held);
    f.fill(static_cast<std::uint8_t>(seq));
    CHECK(w.arrive(seq, f, t0, keep) == ReorderWindow::Arrival::InOrder);  // releases seq + 1
  }
  // The last kSlotReuseDelay frames handed out from slots still hold their
  // own bytes, though many holds came after them.
  std::size_t checked = 0;
  for (auto it = keep.seen.rbegin(); it != keep.seen.rend() && checked < ReorderWindow::kSlotReuseDelay; ++it) {
    if (it->first.data() == f.data()) continue;  // delivered in place
    CHECK(it->first[0] == it->second);
    ++checked;
  }
  CHECK(checked == ReorderWindow::kSlotReuseDelay);
  CHECK(w.counters().reordered == 200);
}
