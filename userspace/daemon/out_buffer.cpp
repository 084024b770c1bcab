#include "daemon/out_buffer.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace pptpctl {

wire::Result<wire::Unit> OutBuffer::push(wire::ByteView bytes) {
  if (bytes.size() > limit_ - std::min(size(), limit_))
    return wire::Error::fatal("the server stopped reading the control connection (" + std::to_string(size()) +
                              " bytes unsent)");
  // Drop what was sent before growing, so the buffer stays near the limit.
  if (head_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  return wire::Unit{};
}

wire::Result<wire::Unit> OutBuffer::flush(int fd) {
  while (pending()) {
    const ssize_t n = ::send(fd, buf_.data() + head_, size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      head_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return wire::Unit{};
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
      return wire::Error::fatal("the server closed the control connection");
    return wire::Error::fatal(std::string("cannot send on the control connection: ") +
                              (n < 0 ? std::strerror(errno) : "nothing was written"));
  }
  buf_.clear();
  head_ = 0;
  return wire::Unit{};
}

}  // namespace pptpctl
