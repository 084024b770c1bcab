#pragma once
// The receive window keyed by GRE sequence numbers (RFC 2637 §4.3 leaves
// reordering to the receiver; pptp-linux's pqueue.c does it, the kernel drops
// late packets instead). Sequence numbers are 32-bit serial numbers (RFC
// 1982): a is after b when (a - b) mod 2^32 is in [1, 2^31).
//
// - The first packet sets the start and is delivered.
// - In order: delivered at once, in place (no copy), then every held packet
//   that now follows in order.
// - Early: copied into a preallocated slot and held, at most `capacity` of
//   them and at most `wait` each. A held packet whose wait ran out, or a
//   packet further ahead than the window reaches once a second one confirms
//   it (one forged datagram must not move the window), makes the window
//   give up the gap before it: the missing numbers count as lost and what
//   was held goes out in order.
// - kResyncRun late packets in sequence move the window back to them.
// - Late (its number was given up) or duplicate (delivered or held already):
//   dropped and counted.
// Capacity 0 holds nothing: every gap is given up at once, as the kernel does.
//
// Frames are handed to a Sink in sequence order. A frame from a slot stays
// valid while the next kSlotReuseDelay frames are held: freed slots are
// reused oldest first, so a caller may batch that many calls before writing.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "datapath/engine.hpp"

namespace datapath {

class ReorderWindow {
 public:
  // Freed slots wait behind this many others before they are reused.
  static constexpr std::size_t kSlotReuseDelay = kOutputCalls;
  static constexpr std::size_t kMaxCapacity = 1024;
  // Old numbers remembered to tell a duplicate from a late packet.
  static constexpr std::uint32_t kHistory = 256;
  // This many late packets in sequence move the window back to them.
  static constexpr unsigned kResyncRun = 4;

  struct Sink {
    virtual void deliver(MutableBytes frame) = 0;

   protected:
    ~Sink() = default;
  };

  enum class Arrival : std::uint8_t { InOrder, Held, Late, Duplicate, TooBig };

  struct Counters {
    std::uint64_t reordered = 0;  // held, then delivered in order
    std::uint64_t late = 0;
    std::uint64_t lost = 0;       // numbers given up
    std::uint64_t duplicate = 0;
  };

  // capacity is clamped to kMaxCapacity.
  ReorderWindow(std::size_t capacity, Clock::duration wait);

  // One frame with sequence number seq. Delivers (through sink, in order) what
  // becomes deliverable; frame itself is delivered in place when in order and
  // copied when held. A frame longer than kMaxDatagram is never held (TooBig).
  Arrival arrive(std::uint32_t seq, MutableBytes frame, TimePoint now, Sink& sink);
  // Gives up the gaps in front of held frames whose wait has run out.
  void expire(TimePoint now, Sink& sink);
  std::optional<TimePoint> deadline() const;

  // The last sequence number delivered or given up (what we acknowledge).
  std::optional<std::uint32_t> last_delivered() const;
  std::size_t held() const { return held_; }
  const Counters& counters() const { return counters_; }

 private:
  enum class SlotState : std::uint8_t { Free, Held };
  struct Slot {
    SlotState state = SlotState::Free;
    std::uint32_t seq = 0;
    std::size_t length = 0;
    TimePoint arrived{};
  };
  static constexpr std::int32_t kNone = -1;

  MutableBytes slot_bytes(std::size_t slot);
  void pass(std::uint32_t seq, bool delivered);  // expected_ moves past seq
  void release(std::size_t position, Sink& sink);  // deliver the held one at position
  // Gives up every number before `target` (serial after expected_), delivering
  // held frames on the way, then delivers what follows in order.
  void advance_to(std::uint32_t target, Sink& sink);
  void drain(Sink& sink);
  bool seen(std::uint32_t seq) const;
  std::size_t position_of(std::uint32_t seq) const;
  // The window was wrong (late packets in sequence): start again at seq.
  void resync(std::uint32_t seq);

  std::size_t capacity_;
  Clock::duration wait_;
  bool started_ = false;
  std::uint32_t expected_ = 0;  // next number to deliver
  std::optional<std::uint32_t> far_;  // a number beyond the window, unconfirmed
  unsigned late_run_ = 0;             // late packets in sequence so far
  std::uint32_t late_next_ = 0;
  std::size_t held_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint8_t> storage_;
  std::vector<std::int32_t> position_;   // seq mod (capacity rounded up to 2^k) -> slot, or kNone
  std::vector<std::uint32_t> free_;      // FIFO ring of free slot indexes
  std::size_t free_head_ = 0, free_count_ = 0;
  std::array<std::uint64_t, kHistory / 64> history_{};  // bit set: delivered
  Counters counters_;
};

}  // namespace datapath
