#include "kernel/modules.hpp"

// netinet/in.h before linux/if_pppox.h, whose linux/in.h then skips what
// glibc already defined.
#include <netinet/in.h>

#include "kernel/sys_error.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <linux/if_pppox.h>

#include <cerrno>
#include <fstream>

#include "wire/fd.hpp"

namespace kernel {
namespace {

int open_ppp_errno() {
  wire::Fd fd(::open("/dev/ppp", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  return fd.valid() ? 0 : errno;
}

int pptp_socket_errno() {
  wire::Fd fd(::socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP));
  return fd.valid() ? 0 : errno;
}

// No /dev/ppp node (a bare container), or a node with no driver behind it.
bool ppp_missing(int err) { return err == ENOENT || err == ENODEV || err == ENXIO; }
// No PPPoX family, or PPPoX without its PPTP protocol.
bool pptp_missing(int err) { return err == EAFNOSUPPORT || err == EPROTONOSUPPORT; }

}  // namespace

KernelProbes default_kernel_probes() {
  return {open_ppp_errno, pptp_socket_errno, [] { return fips_mode(); }};
}

std::vector<KernelGap> probe_kernel_support(const KernelProbes& probes) {
  std::vector<KernelGap> gaps;
  if (probes.open_ppp) {
    if (int err = probes.open_ppp(); err != 0 && ppp_missing(err))
      gaps.push_back({KernelPiece::Ppp, "the kernel has no PPP support (module ppp_generic not available): "
                                        "cannot open /dev/ppp: " + errno_text(err)});
  }
  if (probes.pptp_socket) {
    if (int err = probes.pptp_socket(); err != 0 && pptp_missing(err))
      gaps.push_back({KernelPiece::Pptp, "the kernel has no PPTP support (module pptp not available)"});
  }
  if (probes.fips_mode && probes.fips_mode())
    gaps.push_back({KernelPiece::Mppe, "MPPE is missing in the kernel: FIPS mode forbids MPPE"});
  return gaps;
}

bool fips_mode(const std::string& fips_enabled_path) {
  std::ifstream in(fips_enabled_path);
  int v = 0;
  return in >> v && v != 0;
}

}  // namespace kernel
