#pragma once
// A move-only owner of one file descriptor: the kernel ties real state to fds
// (a PPP unit lives exactly as long as its /dev/ppp fd, a lock as long as its
// file), so who closes what, and when, has to be visible in the types. The
// one owner for every layer: kernel/, daemon/, cli/, netlink/, config/.
#include <unistd.h>

#include <utility>

namespace wire {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }

  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }
  // Closes what we hold (if anything) and takes fd instead. close() errors are
  // not actionable here: the fd is gone either way on Linux.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  // Closes now and returns close()'s result (0 when nothing was held), for
  // the success path of a file just written: NFS and quota errors surface
  // only here.
  int close() {
    if (fd_ < 0) return 0;
    return ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_ = -1;
};

}  // namespace wire
