#pragma once
// The black-hole check after up (issue 12): does a packet of the tunnel's
// full MTU really reach the peer? The MTU "auto" chose is only as good as
// what this host knows about the path; a smaller link further on, together
// with a firewall that drops fragments, swallows every full-size packet
// while pings and handshakes still work (RFC 2923 §2.1). So: echo requests
// to the peer through the tunnel, a small one and a full one. Only when the
// small one is answered and the full one is not does the check search (by
// halving) for the largest size that passes and lower the MTU to it.
//
// Sans-IO: the caller sends the echo requests it is told to, hands over the
// replies' sequence numbers and calls on_time() at deadline().
//
//   MtuProbe p(1456);
//   auto out = p.start(now);      // send out.send, then wait
//   out = p.answered(seq, now);   // for each reply
//   out = p.on_time(now);         // at p.deadline()
//   if (out.verdict) ...          // done
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace pptp {

class MtuProbe {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  struct Send {
    unsigned size;  // the whole IP packet, bytes
    std::uint16_t seq;
  };
  enum class Result {
    Fits,      // the full size was answered
    Lowered,   // only smaller sizes were: mtu is the largest that passed
    NoAnswer,  // not even the small probe was answered: no verdict
  };
  struct Verdict {
    Result result;
    unsigned mtu;          // Fits: the MTU checked; Lowered: the new one
    unsigned passed = 0;   // Lowered: the largest size that got an answer
    unsigned failed = 0;   // Lowered: the smallest size that got no answer
  };
  struct Output {
    std::vector<Send> send;
    std::optional<Verdict> verdict;
  };

  // The small size: every IPv4 host takes 576 (RFC 791 §3.1).
  static constexpr unsigned kSmall = 576;
  // Each size is tried this many times, each time waiting kWait: a probe
  // lost to ordinary loss must not lower the MTU.
  static constexpr int kTries = 3;
  static constexpr std::chrono::milliseconds kWait{700};
  // The search stops when the bounds are this close.
  static constexpr unsigned kStep = 8;
  // An echo request may leave without the GRE acknowledgement number that
  // data packets often carry (RFC 2637 §4.1: present only when there is
  // something to acknowledge): the new MTU keeps those 4 bytes free.
  static constexpr unsigned kAckAllowance = 4;

  explicit MtuProbe(unsigned mtu);

  Output start(TimePoint now);
  Output answered(std::uint16_t seq, TimePoint now);
  Output on_time(TimePoint now);
  std::optional<TimePoint> deadline() const { return deadline_; }
  bool done() const { return done_; }

 private:
  // One round: these sizes, until each is answered or out of tries.
  Output round(std::vector<unsigned> sizes, TimePoint now);
  Output send_unanswered(TimePoint now);
  Output conclude(TimePoint now);

  unsigned mtu_;
  unsigned lo_ = 0;  // the largest size known to pass
  unsigned hi_ = 0;  // the smallest size known to fail
  std::vector<unsigned> sizes_;              // this round's
  std::map<unsigned, bool> answered_;        // size -> answered
  std::map<std::uint16_t, unsigned> seqs_;   // outstanding seq -> size
  std::uint16_t next_seq_ = 1;
  int tries_ = 0;
  bool searching_ = false;
  bool done_ = false;
  std::optional<TimePoint> deadline_;
};

}  // namespace pptp
