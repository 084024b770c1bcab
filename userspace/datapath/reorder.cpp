#include "datapath/reorder.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace datapath {

namespace {

// RFC 1982 serial-number distance: positive when a is after b.
std::int32_t distance(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

}  // namespace

ReorderWindow::ReorderWindow(std::size_t capacity, Clock::duration wait)
    : capacity_(std::min(capacity, kMaxCapacity)), wait_(wait) {
  const std::size_t slots = capacity_ == 0 ? 0 : capacity_ + kSlotReuseDelay;
  slots_.resize(slots);
  storage_.resize(slots * kMaxDatagram);
  // A power of two, so positions stay distinct across the 2^32 wrap.
  position_.assign(capacity_ == 0 ? 0 : std::bit_ceil(capacity_), kNone);
  free_.resize(slots);
  for (std::size_t i = 0; i < slots; ++i) free_[i] = static_cast<std::uint32_t>(i);
  free_count_ = slots;
}

std::size_t ReorderWindow::position_of(std::uint32_t seq) const { return seq & (position_.size() - 1); }

MutableBytes ReorderWindow::slot_bytes(std::size_t slot) {
  return MutableBytes(storage_).subspan(slot * kMaxDatagram, slots_[slot].length);
}

bool ReorderWindow::seen(std::uint32_t seq) const {
  const std::uint32_t bit = seq % kHistory;
  return (history_[bit / 64] >> (bit % 64)) & 1u;
}

void ReorderWindow::pass(std::uint32_t seq, bool delivered) {
  const std::uint32_t bit = seq % kHistory;
  const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
  if (delivered)
    history_[bit / 64] |= mask;
  else
    history_[bit / 64] &= ~mask;
}

void ReorderWindow::release(std::size_t position, Sink& sink) {
  const auto slot = static_cast<std::size_t>(position_[position]);
  position_[position] = kNone;
  slots_[slot].state = SlotState::Free;
  --held_;
  ++counters_.reordered;
  // Back of the queue: the bytes stay put while kSlotReuseDelay others go first.
  free_[(free_head_ + free_count_) % free_.size()] = static_cast<std::uint32_t>(slot);
  ++free_count_;
  sink.deliver(slot_bytes(slot));
}

void ReorderWindow::drain(Sink& sink) {
  if (capacity_ == 0) return;
  while (held_ > 0) {
    const std::size_t position = position_of(expected_);
    const std::int32_t slot = position_[position];
    if (slot == kNone || slots_[static_cast<std::size_t>(slot)].seq != expected_) return;
    pass(expected_, true);
    ++expected_;
    release(position, sink);
  }
}

void ReorderWindow::advance_to(std::uint32_t target, Sink& sink) {
  auto remaining = static_cast<std::uint32_t>(distance(target, expected_));
  // Held frames lie in (expected_, expected_ + capacity_]: walk at most that
  // far one number at a time, and jump over the rest.
  while (remaining > 0 && held_ > 0) {
    const std::size_t position = position_of(expected_);
    const std::int32_t slot = position_[position];
    const bool here = slot != kNone && slots_[static_cast<std::size_t>(slot)].seq == expected_;
    pass(expected_, here);
    ++expected_;
    --remaining;
    if (here)
      release(position, sink);
    else
      ++counters_.lost;
  }
  if (remaining > 0) {
    counters_.lost += remaining;
    if (remaining >= kHistory) {
      history_.fill(0);
    } else {
      for (std::uint32_t i = 0; i < remaining; ++i) pass(expected_ + i, false);
    }
    expected_ += remaining;
  }
  drain(sink);
}

ReorderWindow::Arrival ReorderWindow::arrive(std::uint32_t seq, MutableBytes frame, TimePoint now, Sink& sink) {
  if (!started_) {
    // Peers start at 0 (RFC 2637 §4.1 leaves it open); we take whatever comes
    // first rather than hold it for a number that may never come.
    started_ = true;
    expected_ = seq;
  }
  std::int32_t d = distance(seq, expected_);
  if (d < 0) {
    const auto back = static_cast<std::uint32_t>(expected_ - seq);
    if (back <= kHistory && seen(seq)) {
      ++counters_.duplicate;
      return Arrival::Duplicate;
    }
    ++counters_.late;
    // A run of late packets in sequence means the window is the one that is
    // wrong: a forged number far ahead moved it (below). Follow the peer.
    late_run_ = late_run_ > 0 && seq == late_next_ ? late_run_ + 1 : 1;
    late_next_ = seq + 1;
    if (late_run_ < kResyncRun) return Arrival::Late;
    resync(seq);
    d = 0;
  } else if (static_cast<std::size_t>(d) > capacity_ && capacity_ > 0) {
    // Beyond the window. A burst lost on the path, or one spoofed datagram
    // (pptp.c takes any number ahead, so one forged packet 2^31 ahead makes
    // every real one late for good). Move only when a second packet confirms
    // the new place; this one is dropped.
    const bool confirmed = far_ && distance(seq, *far_) > 0 &&
                           static_cast<std::size_t>(distance(seq, *far_)) <= capacity_;
    if (!confirmed) {
      far_ = seq;
      ++counters_.late;
      return Arrival::Late;
    }
    // The first of the two was real after all: move just past it.
    const std::uint32_t first = *far_;
    far_.reset();
    advance_to(first + 1, sink);
    d = distance(seq, expected_);
  } else if (d > 0 && capacity_ == 0) {
    // No window, as the kernel: every gap is given up at once.
    advance_to(seq, sink);
    d = 0;
  }
  if (d == 0) {
    late_run_ = 0;
    pass(seq, true);
    ++expected_;
    sink.deliver(frame);
    drain(sink);
    return Arrival::InOrder;
  }
  const std::size_t position = position_of(seq);
  if (position_[position] != kNone) {
    // Two held numbers never share a position inside the window, so this is
    // the same number again.
    ++counters_.duplicate;
    return Arrival::Duplicate;
  }
  if (frame.size() > kMaxDatagram || free_count_ == 0) return Arrival::TooBig;
  const std::uint32_t slot = free_[free_head_];
  free_head_ = (free_head_ + 1) % free_.size();
  --free_count_;
  slots_[slot] = Slot{SlotState::Held, seq, frame.size(), now};
  std::memcpy(storage_.data() + std::size_t{slot} * kMaxDatagram, frame.data(), frame.size());
  position_[position] = static_cast<std::int32_t>(slot);
  ++held_;
  return Arrival::Held;
}

void ReorderWindow::resync(std::uint32_t seq) {
  for (std::size_t p = 0; p < position_.size(); ++p) {
    if (position_[p] == kNone) continue;
    const auto slot = static_cast<std::size_t>(position_[p]);
    position_[p] = kNone;
    slots_[slot].state = SlotState::Free;
    free_[(free_head_ + free_count_) % free_.size()] = static_cast<std::uint32_t>(slot);
    ++free_count_;
    ++counters_.lost;
  }
  held_ = 0;
  history_.fill(0);
  far_.reset();
  late_run_ = 0;
  expected_ = seq;
}

std::optional<TimePoint> ReorderWindow::deadline() const {
  if (held_ == 0) return std::nullopt;
  std::optional<TimePoint> oldest;
  for (const auto& s : slots_)
    if (s.state == SlotState::Held && (!oldest || s.arrived < *oldest)) oldest = s.arrived;
  if (!oldest) return std::nullopt;
  return *oldest + wait_;
}

void ReorderWindow::expire(TimePoint now, Sink& sink) {
  if (held_ == 0) return;
  // The furthest frame whose wait ran out: everything before it goes too.
  std::optional<std::uint32_t> target;
  for (const auto& s : slots_) {
    if (s.state != SlotState::Held || s.arrived + wait_ > now) continue;
    if (!target || distance(s.seq, *target) > 0) target = s.seq;
  }
  if (target) advance_to(*target, sink);
}

std::optional<std::uint32_t> ReorderWindow::last_delivered() const {
  if (!started_) return std::nullopt;
  return expected_ - 1;
}

}  // namespace datapath
