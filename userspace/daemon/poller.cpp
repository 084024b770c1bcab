#include "daemon/poller.hpp"

#include <algorithm>
#include <cerrno>

namespace pptpctl {

void Poller::watch(int fd, short events, Handler handler) {
  if (fd < 0) return;
  fds_.push_back({fd, events, 0});
  handlers_.push_back(std::move(handler));
}

void Poller::until(std::optional<TimePoint> deadline) {
  if (deadline && (!deadline_ || *deadline < *deadline_)) deadline_ = deadline;
}

bool Poller::wait(TimePoint now) {
  long long ms = 60'000;  // an idle daemon still wakes now and then
  if (deadline_) {
    // +1: poll rounds down, and waking a hair early only means another round.
    ms = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - now).count() + 1;
    ms = std::clamp<long long>(ms, 0, 60'000);
  }
  const int n = ::poll(fds_.data(), fds_.size(), static_cast<int>(ms));
  if (n < 0) return errno == EINTR;
  for (std::size_t i = 0; n > 0 && i < fds_.size(); ++i)
    if (fds_[i].revents != 0) handlers_[i](fds_[i].revents);
  return true;
}

}  // namespace pptpctl
