#include "pptp/framer.hpp"

#include <string>

namespace pptp {

void Framer::feed(wire::ByteView chunk) {
  if (failure_) return;
  if (start_ > 0 && start_ >= buf_.size() / 2) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buf_.insert(buf_.end(), chunk.begin(), chunk.end());
}

wire::Result<std::optional<Message>> Framer::fail(wire::Error e) {
  e.kind = wire::ErrorKind::Fatal;
  failure_ = e;
  buf_.clear();
  start_ = 0;
  return e;
}

wire::Result<std::optional<Message>> Framer::next() {
  if (failure_) return *failure_;
  const wire::ByteView pending = wire::ByteView(buf_).subspan(start_);
  wire::Reader header(pending);
  const std::uint16_t length = header.u16();
  if (!header.ok()) return std::optional<Message>{};
  if (length < kHeaderSize || length > kMaxMessageSize) {
    return fail(wire::Error::fatal("PPTP control stream broken: message length " + std::to_string(length) +
                                   " is outside 12.." + std::to_string(kMaxMessageSize) + " bytes"));
  }
  header.skip(2);
  const std::uint32_t cookie = header.u32();
  if (header.ok() && cookie != kMagicCookie) {
    return fail(wire::Error::fatal("PPTP control stream broken: bad magic cookie (not a PPTP server?)"));
  }
  if (pending.size() < length) return std::optional<Message>{};

  // Decode before consuming: `pending` views buf_, which consuming may clear.
  auto decoded = decode(pending.first(length));
  start_ += length;
  if (start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
  }
  if (!decoded) {
    if (decoded.error().kind == wire::ErrorKind::Ignore) return decoded.error();
    return fail(decoded.error());
  }
  return std::optional<Message>{std::move(decoded.value())};
}

}  // namespace pptp
