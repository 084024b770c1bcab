#pragma once
// PPP frames on the /dev/ppp fds: [proto_hi][proto_lo][payload], no FF 03.
// The fds are non-blocking, so "nothing now" is an answer, not a wait.
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace kernel {

// Big enough for any frame the kernel can queue to us; a shorter buffer
// makes the kernel drop the frame (EOVERFLOW) rather than truncate it.
inline constexpr std::size_t kFrameBufferSize = 65536;

enum class ReadStatus {
  Frame,       // `size` bytes of frame in the buffer
  WouldBlock,  // nothing queued; poll again
  Hangup,      // the channel is gone, or the unit has no channel left
};

struct FrameRead {
  ReadStatus status = ReadStatus::WouldBlock;
  std::size_t size = 0;
};

// One frame. A frame longer than `buffer` is lost: Error::ignore.
wire::Result<FrameRead> read_frame(int fd, std::span<std::uint8_t> buffer);

enum class WriteStatus { Written, WouldBlock };

// One whole frame (at least the two protocol bytes).
wire::Result<WriteStatus> write_frame(int fd, wire::ByteView frame);

}  // namespace kernel
