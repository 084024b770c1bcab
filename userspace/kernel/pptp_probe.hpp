#pragma once
// Who carries the tunnel (the profile's "data_path"): the kernel when it can
// (pptp + ppp_generic), else the daemon itself over TUN and a raw GRE
// socket. The kernel is asked, never /lib/modules (see modules.hpp).
#include <string>

#include "config/profile.hpp"
#include "kernel/modules.hpp"

namespace kernel {

struct DataPathProbes {
  ErrnoProbe open_ppp;     // open("/dev/ppp")
  ErrnoProbe pptp_socket;  // socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP)
  ErrnoProbe open_tun;     // open("/dev/net/tun")
};

DataPathProbes default_data_path_probes();

struct DataPathChoice {
  config::DataPath path = config::DataPath::Kernel;  // never Auto
  // Auto: why userspace was chosen, for the progress line (empty for the
  // kernel). Failure: the one sentence to exit with.
  std::string reason;
  bool missing = false;  // the chosen path cannot run here: exit KernelMissing
};

// "kernel" is not checked here (the kernel gaps of modules.hpp say what is
// missing, as before). "userspace" needs /dev/net/tun. "auto" takes the
// kernel when both of its probes succeed, else userspace when TUN opens.
DataPathChoice choose_data_path(config::DataPath wanted, const DataPathProbes& probes = default_data_path_probes());

}  // namespace kernel
