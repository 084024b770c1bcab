#pragma once
// Bytes owed to a stream socket, whole messages at a time. A stream may take
// part of a message (send(2) returns short when the socket buffer fills); what
// it did not take waits here, so the next message can never start in the
// middle of the last one (RFC 2637 §1.4: control messages are read back to
// back by their Length field, and one torn message desynchronises the rest).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace pptpctl {

class OutBuffer {
 public:
  explicit OutBuffer(std::size_t limit = 64 * 1024) : limit_(limit) {}

  // Queues a whole message, or nothing and an error when that would hold more
  // than `limit` bytes (the peer has stopped reading).
  wire::Result<wire::Unit> push(wire::ByteView bytes);
  // Sends what the socket takes now, without blocking (MSG_DONTWAIT) and
  // without SIGPIPE; EAGAIN is fine, pending() says what is left. An error
  // when the peer is gone.
  wire::Result<wire::Unit> flush(int fd);
  bool pending() const { return head_ < buf_.size(); }
  std::size_t size() const { return buf_.size() - head_; }

 private:
  std::size_t limit_;
  std::vector<std::uint8_t> buf_;
  std::size_t head_ = 0;  // bytes of buf_ already sent
};

}  // namespace pptpctl
