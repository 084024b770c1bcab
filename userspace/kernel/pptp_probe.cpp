#include "kernel/pptp_probe.hpp"

// netinet/in.h before linux/if_pppox.h, whose linux/in.h then skips what
// glibc already defined.
#include <netinet/in.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <linux/if_pppox.h>

#include <cerrno>

#include "kernel/sys_error.hpp"
#include "wire/fd.hpp"

namespace kernel {

namespace {

int errno_of(int fd) {
  wire::Fd owner(fd);
  return owner.valid() ? 0 : errno;
}

}  // namespace

DataPathProbes default_data_path_probes() {
  return {
      [] { return errno_of(::open("/dev/ppp", O_RDWR | O_NONBLOCK | O_CLOEXEC)); },
      [] { return errno_of(::socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP)); },
      [] { return errno_of(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)); },
  };
}

DataPathChoice choose_data_path(config::DataPath wanted, const DataPathProbes& probes) {
  auto tun_missing = [&]() -> std::string {
    const int err = probes.open_tun ? probes.open_tun() : 0;
    return err == 0 ? "" : "/dev/net/tun: " + errno_text(err);
  };
  switch (wanted) {
    case config::DataPath::Kernel:
      return {config::DataPath::Kernel, "", false};
    case config::DataPath::Userspace: {
      const std::string tun = tun_missing();
      if (tun.empty()) return {config::DataPath::Userspace, "", false};
      return {config::DataPath::Userspace,
              "the userspace data path needs a TUN device, and the kernel has none (" + tun + ")", true};
    }
    case config::DataPath::Auto:
      break;
  }
  // Either piece failing, for whatever reason, rules the kernel out: a
  // kernel path that cannot open its socket would only fail later.
  std::string why;
  if (const int err = probes.pptp_socket ? probes.pptp_socket() : 0; err != 0)
    why = "the kernel has no PPTP (socket: " + errno_text(err) + ")";
  else if (const int perr = probes.open_ppp ? probes.open_ppp() : 0; perr != 0)
    why = "the kernel has no PPP (/dev/ppp: " + errno_text(perr) + ")";
  if (why.empty()) return {config::DataPath::Kernel, "", false};
  const std::string tun = tun_missing();
  if (!tun.empty())
    return {config::DataPath::Userspace, why + ", and no TUN device for the userspace data path (" + tun + ")", true};
  return {config::DataPath::Userspace, why + "; carrying the tunnel in userspace", false};
}

}  // namespace kernel
