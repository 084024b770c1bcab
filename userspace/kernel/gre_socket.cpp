#include "kernel/gre_socket.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "kernel/in_addr.hpp"
#include "kernel/sys_error.hpp"

namespace kernel {

namespace {

constexpr int kSocketBuffer = 4 << 20;

sockaddr_in address(in_addr a) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr = a;
  return sa;
}

}  // namespace

wire::Result<GreSocket> GreSocket::open(in_addr local, in_addr server) {
  wire::Fd fd(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_GRE));
  if (!fd) {
    const int err = errno;
    if (err == EPERM || err == EACCES) return wire::Error::fatal("opening a raw GRE socket needs root (CAP_NET_RAW)");
    return wire::Error::fatal("cannot open a raw GRE socket: " + errno_text(err));
  }
  // Room for bursts both ways: the daemon drains the socket between other
  // work, and the default buffers (about 140 full-size datagrams) overflow
  // under a TCP burst, which TCP then sees as loss. The kernel path has no
  // socket in between. FORCE: root may exceed net.core.[rw]mem_max.
  for (const int opt : {SO_RCVBUFFORCE, SO_SNDBUFFORCE}) {
    const int bytes = kSocketBuffer;
    if (::setsockopt(fd.get(), SOL_SOCKET, opt, &bytes, sizeof bytes) < 0)
      (void)::setsockopt(fd.get(), SOL_SOCKET, opt == SO_RCVBUFFORCE ? SO_RCVBUF : SO_SNDBUF, &bytes, sizeof bytes);
  }
  if (local.s_addr != INADDR_ANY) {
    const sockaddr_in sa = address(local);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) < 0)
      return wire::Error::fatal("cannot bind the GRE socket to " + wire::to_string(to_ipv4(local)) + ": " +
                                errno_text(errno));
  }
  const sockaddr_in sa = address(server);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) < 0) {
    const int err = errno;
    if (err == ENETUNREACH || err == EHOSTUNREACH)
      return wire::Error::fatal("no route to the PPTP server " + wire::to_string(to_ipv4(server)) + " for GRE");
    return wire::Error::fatal("cannot connect the GRE socket to " + wire::to_string(to_ipv4(server)) + ": " +
                              errno_text(err));
  }
  return GreSocket(std::move(fd));
}

// One datagram per message, each in one iovec pointing at the caller's
// bytes (sendmmsg only reads them; the cast is what struct iovec wants).
template <typename Buffers>
void GreSocket::prepare(const Buffers& buffers, std::size_t n) {
  msgs_.assign(n, mmsghdr{});
  iov_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    iov_[i] = {const_cast<std::uint8_t*>(buffers[i].data()), buffers[i].size()};
    msgs_[i].msg_hdr.msg_iov = &iov_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
  }
}

wire::Result<std::size_t> GreSocket::receive(std::span<const std::span<std::uint8_t>> buffers,
                                             std::span<std::size_t> sizes) {
  const std::size_t n = std::min({buffers.size(), sizes.size(), kMaxBatch});
  if (n == 0) return std::size_t{0};
  prepare(buffers, n);
  auto& msgs = msgs_;
  for (;;) {
    const int got = ::recvmmsg(fd_.get(), msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    if (got >= 0) {
      // Truncated datagrams are taken out, the rest close ranks.
      std::size_t kept = 0;
      for (int i = 0; i < got; ++i) {
        if (msgs[static_cast<std::size_t>(i)].msg_hdr.msg_flags & MSG_TRUNC) {
          ++truncated_;
          continue;
        }
        const std::size_t len = msgs[static_cast<std::size_t>(i)].msg_len;
        if (kept != static_cast<std::size_t>(i)) {
          std::copy_n(buffers[static_cast<std::size_t>(i)].data(), len, buffers[kept].data());
        }
        sizes[kept++] = len;
      }
      return kept;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return std::size_t{0};
    // ICMP errors about what we sent surface here on a connected socket
    // (port or host unreachable): worth a note, not the end of the link.
    if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH)
      return wire::Error::ignore("the GRE socket reports: " + errno_text(errno));
    return wire::Error::fatal("cannot receive on the GRE socket: " + errno_text(errno));
  }
}

wire::Result<std::size_t> GreSocket::send(std::span<const wire::ByteView> packets) {
  const std::size_t n = std::min(packets.size(), kMaxBatch);
  if (n == 0) return std::size_t{0};
  prepare(packets, n);
  auto& msgs = msgs_;
  std::size_t sent = 0;
  while (sent < n) {
    const int r = ::sendmmsg(fd_.get(), msgs.data() + sent, static_cast<unsigned>(n - sent), MSG_DONTWAIT);
    if (r > 0) {
      sent += static_cast<std::size_t>(r);
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == ENOBUFS)) return sent;
    // A packet the kernel refuses (too long, no route for a moment): skip
    // it, as a lost datagram; the rest may go.
    if (r < 0 && (errno == EMSGSIZE || errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH ||
                  errno == EPERM)) {
      ++sent;
      continue;
    }
    if (r == 0) return sent;
    return wire::Error::fatal("cannot send on the GRE socket: " + errno_text(errno));
  }
  return sent;
}

}  // namespace kernel
