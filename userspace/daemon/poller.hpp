#pragma once
// One poll() round: every owner adds the fds it waits on, with what to do
// when each is ready, and the earliest deadline it has; wait() sleeps until
// one is ready or the deadline passes, then runs the handlers. Rebuilt every
// round, so an fd closed by one handler is simply not there the next time.
#include <poll.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

namespace pptpctl {

class Poller {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Handler = std::function<void(short revents)>;

  // A negative fd is ignored, so owners can add what they may not have.
  void watch(int fd, short events, Handler handler);
  void until(std::optional<TimePoint> deadline);
  // False (errno set) when poll itself failed; EINTR counts as success.
  bool wait(TimePoint now);

 private:
  std::vector<pollfd> fds_;
  std::vector<Handler> handlers_;
  std::optional<TimePoint> deadline_;
};

}  // namespace pptpctl
