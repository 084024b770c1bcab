#include "kernel/tun.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <linux/if_tun.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "kernel/sys_error.hpp"

namespace kernel {

namespace {
constexpr const char* kTunPath = "/dev/net/tun";
constexpr std::size_t kMaxPieces = 8;
}  // namespace

wire::Result<Tun> Tun::open(std::string_view name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return wire::Error::fatal("cannot create the TUN device \"" + std::string(name) + "\": a name of 1 to " +
                              std::to_string(IFNAMSIZ - 1) + " characters is needed");
  wire::Fd fd(::open(kTunPath, O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    if (err == ENOENT || err == ENODEV || err == ENXIO)
      return wire::Error::fatal("the kernel has no TUN device (" + std::string(kTunPath) + ": " + errno_text(err) +
                                "); the userspace data path needs it (module tun)");
    return wire::Error::fatal("cannot open " + std::string(kTunPath) + ": " + errno_text(err));
  }
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  if (::ioctl(fd.get(), TUNSETIFF, &ifr) < 0) {
    const int err = errno;
    if (err == EBUSY || err == EEXIST || err == EINVAL)
      return wire::Error::fatal("cannot create the TUN device " + std::string(name) +
                                ": an interface of that name exists already (" + errno_text(err) + ")");
    if (err == EPERM) return wire::Error::fatal("creating the TUN device " + std::string(name) + " needs CAP_NET_ADMIN");
    return wire::Error::fatal("cannot create the TUN device " + std::string(name) + ": " + errno_text(err));
  }
  Tun t(std::move(fd));
  t.name_.assign(ifr.ifr_name, ::strnlen(ifr.ifr_name, IFNAMSIZ));
  t.index_ = ::if_nametoindex(t.name_.c_str());
  if (t.index_ == 0)
    return wire::Error::fatal("the TUN device " + t.name_ + " has no interface index: " + errno_text(errno));
  return t;
}

wire::Result<Tun::Read> Tun::read(std::span<std::uint8_t> buffer) {
  for (;;) {
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n >= 0) return Read{IoStatus::Done, static_cast<std::size_t>(n)};
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return Read{};
    return wire::Error::fatal("cannot read from " + name_ + ": " + errno_text(errno));
  }
}

wire::Result<Tun::IoStatus> Tun::write(wire::ByteView packet) {
  return write(std::span<const wire::ByteView>(&packet, 1));
}

wire::Result<Tun::IoStatus> Tun::write(std::span<const wire::ByteView> pieces) {
  if (pieces.size() > kMaxPieces) return wire::Error::ignore("a packet in more than 8 pieces");
  iovec iov[kMaxPieces];
  for (std::size_t i = 0; i < pieces.size(); ++i)
    iov[i] = {const_cast<std::uint8_t*>(pieces[i].data()), pieces[i].size()};
  for (;;) {
    const ssize_t n = ::writev(fd_.get(), iov, static_cast<int>(pieces.size()));
    if (n >= 0) return IoStatus::Done;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return IoStatus::WouldBlock;
    // A malformed packet is the kernel's to refuse; the next may be fine.
    if (errno == EINVAL || errno == EMSGSIZE) return wire::Error::ignore("the kernel refused a packet: " + errno_text(errno));
    return wire::Error::fatal("cannot write to " + name_ + ": " + errno_text(errno));
  }
}

std::string tun_problem() {
  wire::Fd fd(::open(kTunPath, O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (fd) return "";
  return std::string(kTunPath) + ": " + errno_text(errno);
}

}  // namespace kernel
