#pragma once
// The PPTP control connection's TCP socket: a non-blocking connect the event
// loop finishes when the socket turns writable, then TCP_NODELAY (control
// messages are small and latency-bound).
#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "wire/fd.hpp"
#include "wire/result.hpp"

namespace pptpctl {

struct TcpConnection {
  wire::Fd fd;
  in_addr local{};   // our source address: the PPTP socket binds to it
  in_addr server{};  // the address actually reached
};

inline constexpr std::uint16_t kPptpPort = 1723;

// One connect in flight. Move-only (it owns the socket); dropping it aborts
// the attempt.
class TcpDialer {
 public:
  // Fails at once only when no socket can be had or the route is missing
  // ("cannot reach A:1723: network unreachable").
  static wire::Result<TcpDialer> start(in_addr server, std::uint16_t port);

  // Poll for POLLOUT: writable once the handshake succeeded or failed.
  int fd() const { return fd_.get(); }
  // Call when fd() is writable. The connection, or "cannot reach A:1723:
  // WHY"; a Retry error if the handshake is still under way.
  wire::Result<TcpConnection> finish();
  // "A:PORT", for messages such as a timeout the caller measures.
  std::string where() const;

 private:
  TcpDialer(wire::Fd fd, in_addr server, std::uint16_t port) : fd_(std::move(fd)), server_(server), port_(port) {}
  wire::Fd fd_;
  in_addr server_{};
  std::uint16_t port_ = 0;
};

// The sentence for a failed connect to `where` ("A:1723") with errno `err`.
std::string cannot_reach(const std::string& where, int err);

// Blocking: resolve `server` (an IPv4 literal or a name; the first IPv4
// address wins) and connect within `timeout`. Kept for callers that have no
// event loop; built on Resolver and TcpDialer.
wire::Result<TcpConnection> connect_tcp(const std::string& server, std::uint16_t port,
                                        std::chrono::milliseconds timeout);

}  // namespace pptpctl
