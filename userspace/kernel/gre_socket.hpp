#pragma once
// The raw GRE socket of the userspace data path: socket(AF_INET, SOCK_RAW,
// IPPROTO_GRE) connected to the server, so the kernel hands us only what the
// server sends (a connected raw socket filters on the source address),
// non-blocking. Reads return whole IPv4 datagrams (header first: raw IPv4
// sockets always include it); writes take the GRE packet only, the kernel
// adds the IPv4 header (no IP_HDRINCL). Batched: recvmmsg/sendmmsg.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/fd.hpp"
#include "wire/result.hpp"

namespace kernel {

class GreSocket {
 public:
  GreSocket() = default;  // holds nothing
  // Bound to `local` (our address towards the server; INADDR_ANY lets the
  // route decide) and connected to `server`.
  static wire::Result<GreSocket> open(in_addr local, in_addr server);

  // Up to buffers.size() datagrams, one per buffer (at most 1024); sizes[i]
  // gets the length of the i-th. Returns how many arrived, 0 when none
  // waits. A datagram longer than its buffer is dropped (counted in
  // truncated()), never handed on cut.
  wire::Result<std::size_t> receive(std::span<const std::span<std::uint8_t>> buffers, std::span<std::size_t> sizes);
  // Sends packets in order (at most 1024); returns how many the kernel
  // took. Fewer than given means the socket buffer is full: the rest are
  // the caller's to drop (GRE is a datagram service, RFC 2637 §4).
  wire::Result<std::size_t> send(std::span<const wire::ByteView> packets);

  std::uint64_t truncated() const { return truncated_; }
  int fd() const { return fd_.get(); }
  void close() { fd_.reset(); }

 private:
  explicit GreSocket(wire::Fd fd) : fd_(std::move(fd)) {}
  template <typename Buffers>
  void prepare(const Buffers& buffers, std::size_t n);
  wire::Fd fd_;
  std::uint64_t truncated_ = 0;
  // Reused by every call: the batch path allocates nothing once warm.
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iov_;
};

inline constexpr std::size_t kMaxBatch = 1024;  // UIO_MAXIOV, the kernel's vlen limit

}  // namespace kernel
