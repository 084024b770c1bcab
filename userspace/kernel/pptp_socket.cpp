#include "kernel/pptp_socket.hpp"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "kernel/in_addr.hpp"
#include "kernel/sys_error.hpp"
#include "wire/hex.hpp"

namespace kernel {
namespace {

// The kernel rejects anything shorter than the whole union (30 bytes), and
// reads the call ID at offset 6 and the address at offset 10.
static_assert(sizeof(sockaddr_pppox) == 30);
static_assert(offsetof(sockaddr_pppox, sa_addr.pptp.call_id) == 6);
static_assert(offsetof(sockaddr_pppox, sa_addr.pptp.sin_addr) == 10);

sockaddr_pppox pptp_address(std::uint16_t call_id, in_addr addr) {
  sockaddr_pppox sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_family = AF_PPPOX;
  sa.sa_protocol = PX_PROTO_PPTP;
  sa.sa_addr.pptp.call_id = call_id;  // host order: the kernel swaps it itself
  sa.sa_addr.pptp.sin_addr = addr;
  return sa;
}

// sockaddr_pppox is packed; the socket calls want an aligned sockaddr.
struct AlignedAddress {
  alignas(sockaddr_storage) unsigned char bytes[sizeof(sockaddr_pppox)];
  explicit AlignedAddress(const sockaddr_pppox& sa) { std::memcpy(bytes, &sa, sizeof sa); }
  AlignedAddress() { std::memset(bytes, 0, sizeof bytes); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(bytes); }
  sockaddr_pppox value() const {
    sockaddr_pppox sa;
    std::memcpy(&sa, bytes, sizeof sa);
    return sa;
  }
};

}  // namespace

wire::Result<PptpSocket> PptpSocket::open() {
  int fd = ::socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
  if (fd < 0) {
    int err = errno;
    switch (err) {
      case EAFNOSUPPORT:
      case EPROTONOSUPPORT:
        return wire::Error::fatal("the kernel has no PPTP support (module pptp not available)");
      case EPERM:
      case EACCES:
        return wire::Error::fatal("opening a PPTP socket needs root (CAP_NET_ADMIN)");
    }
    return wire::Error::fatal("cannot open a PPTP socket: " + errno_text(err));
  }
  return PptpSocket(wire::Fd(fd));
}

wire::Result<std::uint16_t> PptpSocket::bind(std::uint16_t call_id, in_addr local) {
  if (local.s_addr == INADDR_ANY)
    return wire::Error::fatal("cannot bind the PPTP socket to 0.0.0.0: it needs our address towards the server");
  AlignedAddress sa(pptp_address(call_id, local));
  if (::bind(fd_.get(), sa.get(), sizeof sa.bytes) < 0) {
    int err = errno;
    if (err == EBUSY) {
      if (call_id == 0) return wire::Error::fatal("the kernel has no free PPTP call ID left");
      return wire::Error::fatal("call ID " + wire::hex16(call_id) + " is already in use");
    }
    return wire::Error::fatal("cannot bind the PPTP socket to call ID " + wire::hex16(call_id) + " at " +
                              wire::to_string(to_ipv4(local)) + ": " + errno_text(err));
  }
  AlignedAddress bound;
  socklen_t len = sizeof bound.bytes;
  if (::getsockname(fd_.get(), bound.get(), &len) < 0)
    return wire::Error::fatal("cannot read back the PPTP call ID the kernel chose: " + errno_text(errno));
  if (len < sizeof bound.bytes)
    return wire::Error::fatal("cannot read back the PPTP call ID the kernel chose: its address is too short");
  call_id_ = bound.value().sa_addr.pptp.call_id;
  return call_id_;
}

wire::Result<wire::Unit> PptpSocket::connect(std::uint16_t peer_call_id, in_addr server) {
  AlignedAddress sa(pptp_address(peer_call_id, server));
  if (::connect(fd_.get(), sa.get(), sizeof sa.bytes) < 0) {
    int err = errno;
    auto peer = "peer call ID " + wire::hex16(peer_call_id) + " at " + wire::to_string(to_ipv4(server));
    switch (err) {
      case EALREADY:
        return wire::Error::fatal("another PPTP socket is already connected to " + peer);
      case EHOSTUNREACH:
      case ENETUNREACH:
        return wire::Error::fatal("no route to the PPTP server " + wire::to_string(to_ipv4(server)) + " for GRE");
      case EBUSY:
      case EISCONN:
        return wire::Error::fatal("the PPTP socket is already connected");
      case EINVAL:
        return wire::Error::fatal("cannot connect the PPTP socket to " + peer +
                                  ": it is not bound to a local address, or the server address is 0.0.0.0");
    }
    return wire::Error::fatal("cannot connect the PPTP socket to " + peer + ": " + errno_text(err));
  }
  return wire::Unit{};
}

wire::Result<int> PptpSocket::channel_index() const {
  int index = -1;
  if (::ioctl(fd_.get(), PPPIOCGCHAN, &index) < 0) {
    int err = errno;
    if (err == ENOTCONN) return wire::Error::fatal("the PPTP socket has no PPP channel before it is connected");
    return wire::Error::fatal("cannot get the PPP channel of the PPTP socket: " + errno_text(err));
  }
  return index;
}

}  // namespace kernel
