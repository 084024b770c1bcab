#pragma once
// The kernel's PPTP channel: an AF_PPPOX socket bound to our call ID and
// connected to the peer's. Once connected the kernel does GRE itself; the
// daemon only needs the channel index to plug it into /dev/ppp.
#include <netinet/in.h>

#include <cstdint>

#include "wire/fd.hpp"
#include "wire/result.hpp"

namespace kernel {

class PptpSocket {
 public:
  PptpSocket() = default;  // holds nothing; open() makes a real one
  // socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP); the pptp module autoloads.
  static wire::Result<PptpSocket> open();

  // Our call ID (0 lets the kernel pick a free one) and our address on the
  // path to the server: the source address of the TCP 1723 connection, never
  // 0.0.0.0. Returns the call ID now bound, for the Outgoing-Call-Request.
  wire::Result<std::uint16_t> bind(std::uint16_t call_id, in_addr local);

  // After the Outgoing-Call-Reply: the peer's call ID and the server address.
  wire::Result<wire::Unit> connect(std::uint16_t peer_call_id, in_addr server);

  // The PPP channel index for PPPIOCATTCHAN; only after connect().
  wire::Result<int> channel_index() const;

  std::uint16_t call_id() const { return call_id_; }
  int fd() const { return fd_.get(); }
  void close() { fd_.reset(); }

 private:
  explicit PptpSocket(wire::Fd fd) : fd_(std::move(fd)) {}
  wire::Fd fd_;
  std::uint16_t call_id_ = 0;
};

}  // namespace kernel
