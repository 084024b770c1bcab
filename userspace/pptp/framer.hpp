#pragma once
// Cuts the PPTP control TCP stream into messages. TCP delivers arbitrary
// chunks, so bytes are held until a whole message (by its length field) is
// there. The length is checked as soon as it arrives and the cookie as soon
// as it arrives, so a hostile or non-PPTP server is caught before we buffer
// more than one bounded message; after a fatal error the framer stays failed,
// since the stream cannot be resynchronised.
#include <cstddef>
#include <optional>

#include "pptp/messages.hpp"
#include "wire/bytes.hpp"
#include "wire/result.hpp"

namespace pptp {

class Framer {
 public:
  void feed(wire::ByteView chunk);

  // The next complete message: nullopt when more bytes are needed; an Ignore
  // error for a message that was skipped (call again for the next one); a
  // Fatal error when the stream is broken (every later call repeats it).
  wire::Result<std::optional<Message>> next();

  // Bytes held that do not yet form a whole message (for an EOF diagnosis).
  std::size_t buffered() const { return buf_.size() - start_; }
  bool failed() const { return failure_.has_value(); }

 private:
  wire::Result<std::optional<Message>> fail(wire::Error e);

  wire::Bytes buf_;
  std::size_t start_ = 0;  // consumed prefix, dropped lazily to keep feed cheap
  std::optional<wire::Error> failure_;
};

}  // namespace pptp
