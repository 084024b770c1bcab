#include "daemon/tcp.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "daemon/resolver.hpp"
#include "kernel/in_addr.hpp"

namespace pptpctl {

namespace {

std::string why(int err) {
  switch (err) {
    case ECONNREFUSED: return "connection refused (no PPTP server listening on port 1723)";
    case ETIMEDOUT: return "no answer (timed out)";
    case EHOSTUNREACH: return "host unreachable";
    case ENETUNREACH: return "network unreachable";
    default: return std::strerror(err);
  }
}

// Waits for `events` on fd until `deadline`; false on timeout. Only for
// connect_tcp, the blocking path.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // the caller's next step reports the socket's state
  }
}

}  // namespace

std::string cannot_reach(const std::string& where, int err) { return "cannot reach " + where + ": " + why(err); }

wire::Result<TcpDialer> TcpDialer::start(in_addr server, std::uint16_t port) {
  const std::string where = wire::to_string(kernel::to_ipv4(server)) + ":" + std::to_string(port);
  wire::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return wire::Error::fatal(std::string("cannot create a TCP socket: ") + std::strerror(errno));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr = server;
  // A non-blocking connect answers EINPROGRESS (connect(2)); an immediate
  // success (loopback can) shows as writable at once, like the rest.
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 && errno != EINPROGRESS)
    return wire::Error::fatal(cannot_reach(where, errno));
  return TcpDialer(std::move(fd), server, port);
}

std::string TcpDialer::where() const { return wire::to_string(kernel::to_ipv4(server_)) + ":" + std::to_string(port_); }

wire::Result<TcpConnection> TcpDialer::finish() {
  if (!fd_) return wire::Error::fatal("cannot reach " + where() + ": the connection was already handed over");
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return wire::Error::fatal(cannot_reach(where(), err));
  // SO_ERROR is 0 both on success and while the handshake runs; only a
  // connected socket has a peer.
  sockaddr_in peer{};
  socklen_t plen = sizeof peer;
  if (::getpeername(fd_.get(), reinterpret_cast<sockaddr*>(&peer), &plen) != 0) {
    if (errno == ENOTCONN) return wire::Error::retry("still connecting to " + where());
    return wire::Error::fatal(cannot_reach(where(), errno));
  }
  int one = 1;
  ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in local{};
  socklen_t llen = sizeof local;
  ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&local), &llen);
  return TcpConnection{std::move(fd_), local.sin_addr, server_};
}

wire::Result<TcpConnection> connect_tcp(const std::string& server, std::uint16_t port,
                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto resolver = Resolver::start(server);
  if (!resolver) return resolver.error();
  if (!resolver->done() && !wait_for(resolver->fd(), POLLIN, deadline))
    return wire::Error::fatal("cannot resolve " + server + ": " + why(ETIMEDOUT));
  auto addrs = resolver->result();
  if (!addrs) return addrs.error();
  auto dialer = TcpDialer::start(addrs->front(), port);
  if (!dialer) return dialer.error();
  if (!wait_for(dialer->fd(), POLLOUT, deadline)) return wire::Error::fatal(cannot_reach(dialer->where(), ETIMEDOUT));
  return dialer->finish();
}

}  // namespace pptpctl
