#include "daemon/tcp.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace pptpctl {

std::string to_string(in_addr a) {
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

namespace {

wire::Result<in_addr> resolve(const std::string& server) {
  in_addr a{};
  if (::inet_pton(AF_INET, server.c_str(), &a) == 1) return a;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(server.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) return wire::Error::fatal("cannot resolve " + server + ": " + ::gai_strerror(rc));
  a = reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr;
  ::freeaddrinfo(res);
  return a;
}

std::string why(int err) {
  switch (err) {
    case ECONNREFUSED: return "connection refused (no PPTP server listening on port 1723)";
    case ETIMEDOUT: return "no answer (timed out)";
    case EHOSTUNREACH: return "host unreachable";
    case ENETUNREACH: return "network unreachable";
    default: return std::strerror(err);
  }
}

}  // namespace

wire::Result<TcpConnection> connect_tcp(const std::string& server, std::uint16_t port,
                                        std::chrono::milliseconds timeout) {
  auto addr = resolve(server);
  if (!addr) return addr.error();
  const std::string where = to_string(*addr) + ":" + std::to_string(port);
  kernel::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return wire::Error::fatal(std::string("cannot create a TCP socket: ") + std::strerror(errno));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr = *addr;
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 && errno != EINPROGRESS)
    return wire::Error::fatal("cannot reach " + where + ": " + why(errno));
  pollfd p{fd.get(), POLLOUT, 0};
  int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (n == 0) return wire::Error::fatal("cannot reach " + where + ": " + why(ETIMEDOUT));
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (n < 0 || err != 0) return wire::Error::fatal("cannot reach " + where + ": " + why(n < 0 ? errno : err));
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in local{};
  socklen_t llen = sizeof local;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &llen);
  return TcpConnection{std::move(fd), local.sin_addr, *addr};
}

}  // namespace pptpctl
