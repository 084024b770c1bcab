#include "pptp/mtu_probe.hpp"

#include <algorithm>

namespace pptp {

MtuProbe::MtuProbe(unsigned mtu) : mtu_(mtu) {}

MtuProbe::Output MtuProbe::start(TimePoint now) {
  if (mtu_ <= kSmall) return round({mtu_}, now);
  return round({kSmall, mtu_}, now);
}

MtuProbe::Output MtuProbe::round(std::vector<unsigned> sizes, TimePoint now) {
  sizes_ = std::move(sizes);
  answered_.clear();
  for (unsigned s : sizes_) answered_[s] = false;
  seqs_.clear();
  tries_ = 0;
  return send_unanswered(now);
}

MtuProbe::Output MtuProbe::send_unanswered(TimePoint now) {
  Output out;
  ++tries_;
  for (unsigned s : sizes_) {
    if (answered_[s]) continue;
    const std::uint16_t seq = next_seq_++;
    seqs_[seq] = s;
    out.send.push_back({s, seq});
  }
  deadline_ = now + kWait;
  return out;
}

MtuProbe::Output MtuProbe::answered(std::uint16_t seq, TimePoint now) {
  if (done_) return {};
  const auto it = seqs_.find(seq);
  // A reply to an earlier round's probe still says that size passes, but
  // this round no longer asks about it.
  if (it == seqs_.end()) return {};
  answered_[it->second] = true;
  seqs_.erase(it);
  if (std::all_of(sizes_.begin(), sizes_.end(), [&](unsigned s) { return answered_[s]; })) return conclude(now);
  return {};
}

MtuProbe::Output MtuProbe::on_time(TimePoint now) {
  if (done_ || !deadline_ || now < *deadline_) return {};
  if (tries_ < kTries) return send_unanswered(now);
  return conclude(now);
}

MtuProbe::Output MtuProbe::conclude(TimePoint now) {
  Output out;
  if (!searching_) {
    const bool small_ok = answered_[std::min(kSmall, mtu_)];
    const bool full_ok = answered_[mtu_];
    if (full_ok || !small_ok) {
      done_ = true;
      deadline_.reset();
      out.verdict = Verdict{full_ok ? Result::Fits : Result::NoAnswer, mtu_};
      return out;
    }
    searching_ = true;
    lo_ = kSmall;
    hi_ = mtu_;
  } else {
    const unsigned tried = sizes_.front();
    (answered_[tried] ? lo_ : hi_) = tried;
  }
  if (hi_ - lo_ <= kStep) {
    done_ = true;
    deadline_.reset();
    out.verdict = Verdict{Result::Lowered, std::max(lo_ - kAckAllowance, kSmall), lo_, hi_};
    return out;
  }
  // Halfway, on a 4-byte boundary (no size is special to the path, but
  // round numbers read better in the log).
  const unsigned mid = (lo_ + (hi_ - lo_) / 2) & ~3u;
  return round({std::max(mid, lo_ + 1)}, now);
}

}  // namespace pptp
