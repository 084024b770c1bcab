#include "kernel/icmp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "kernel/sys_error.hpp"

namespace kernel {

wire::Result<IcmpSocket> IcmpSocket::open(const std::string& ifname) {
  wire::Fd fd(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP));
  if (!fd) return wire::Error::fatal("cannot open an ICMP socket: " + errno_text(errno));
  // Through the tunnel whatever the routing table says about the peer.
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                   static_cast<socklen_t>(ifname.size())) < 0)
    return wire::Error::fatal("cannot bind an ICMP socket to " + ifname + ": " + errno_text(errno));
  const int probe = IP_PMTUDISC_PROBE;
  if (::setsockopt(fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe) < 0)
    return wire::Error::fatal("cannot set DF on the ICMP socket: " + errno_text(errno));
  return IcmpSocket(std::move(fd));
}

wire::Result<wire::Unit> IcmpSocket::send(const wire::Ipv4& to, wire::ByteView icmp) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  std::memcpy(&sa.sin_addr, to.data(), 4);
  const ssize_t n =
      ::sendto(fd_.get(), icmp.data(), icmp.size(), 0, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  if (n < 0) return wire::Error::fatal("cannot send an ICMP echo request: " + errno_text(errno));
  return wire::Unit{};
}

wire::Result<std::optional<IcmpSocket::Received>> IcmpSocket::receive(std::span<std::uint8_t> buffer) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  const ssize_t n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&sa), &len);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::optional<Received>{};
    return wire::Error::fatal("cannot read the ICMP socket: " + errno_text(errno));
  }
  Received r;
  r.size = static_cast<std::size_t>(n);
  std::memcpy(r.from.data(), &sa.sin_addr, 4);
  return std::optional<Received>(r);
}

}  // namespace kernel
