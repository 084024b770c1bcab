#include "kernel/frame_io.hpp"

#include <unistd.h>

#include <cerrno>

#include "kernel/sys_error.hpp"

namespace kernel {

wire::Result<FrameRead> read_frame(int fd, std::span<std::uint8_t> buffer) {
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) return FrameRead{ReadStatus::Frame, static_cast<std::size_t>(n)};
    // ppp_read returns 0 once the channel is unregistered or the unit has
    // lost its last channel: nothing more will ever arrive.
    if (n == 0) return FrameRead{ReadStatus::Hangup, 0};
    int err = errno;
    switch (err) {
      case EINTR:
        continue;
      case EAGAIN:
        return FrameRead{ReadStatus::WouldBlock, 0};
      case EOVERFLOW:
        return wire::Error::ignore("the kernel dropped a PPP frame longer than " + std::to_string(buffer.size()) +
                                   " bytes");
    }
    return wire::Error::fatal("cannot read a PPP frame from the kernel: " + errno_text(err));
  }
}

wire::Result<WriteStatus> write_frame(int fd, wire::ByteView frame) {
  if (frame.size() < 2) return wire::Error::ignore("a PPP frame needs at least its two protocol bytes");
  for (;;) {
    ssize_t n = ::write(fd, frame.data(), frame.size());
    if (n >= 0) return WriteStatus::Written;  // /dev/ppp takes whole frames
    int err = errno;
    switch (err) {
      case EINTR:
        continue;
      case EAGAIN:
        return WriteStatus::WouldBlock;
      case ENOMEM:
      case ENOBUFS:
        return wire::Error::retry("the kernel is out of memory for PPP frames just now");
      case ENOTCONN:
        return wire::Error::fatal("cannot write a PPP frame: the PPP channel is gone");
    }
    return wire::Error::fatal("cannot write a PPP frame to the kernel: " + errno_text(err));
  }
}

}  // namespace kernel
