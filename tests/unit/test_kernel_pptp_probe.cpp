// data_path: which carrier each profile setting gets from what the kernel
// answers, and the one line that says why.
#include <doctest/doctest.h>

#include <cerrno>
#include <string>

#include "kernel/pptp_probe.hpp"

namespace {

using config::DataPath;

struct Row {
  const char* what;
  DataPath wanted;
  int ppp, pptp, tun;  // errno of each probe, 0: it worked
  DataPath chosen;
  bool missing;
  const char* reason;  // exact
};

const Row kRows[] = {
    {"auto, full kernel", DataPath::Auto, 0, 0, 0, DataPath::Kernel, false, ""},
    {"auto, full kernel, no TUN", DataPath::Auto, 0, 0, ENOENT, DataPath::Kernel, false, ""},
    {"auto, no PPTP", DataPath::Auto, 0, EAFNOSUPPORT, 0, DataPath::Userspace, false,
     "the kernel has no PPTP (socket: address family not supported by protocol); carrying the tunnel in userspace"},
    {"auto, PPPoX without PPTP", DataPath::Auto, 0, EPROTONOSUPPORT, 0, DataPath::Userspace, false,
     "the kernel has no PPTP (socket: protocol not supported); carrying the tunnel in userspace"},
    {"auto, no /dev/ppp", DataPath::Auto, ENOENT, 0, 0, DataPath::Userspace, false,
     "the kernel has no PPP (/dev/ppp: no such file or directory); carrying the tunnel in userspace"},
    {"auto, nothing but TUN (the build machine)", DataPath::Auto, ENOENT, EAFNOSUPPORT, 0, DataPath::Userspace,
     false, "the kernel has no PPTP (socket: address family not supported by protocol); carrying the tunnel in userspace"},
    {"auto, nothing at all", DataPath::Auto, ENOENT, EAFNOSUPPORT, ENODEV, DataPath::Userspace, true,
     "the kernel has no PPTP (socket: address family not supported by protocol), and no TUN device for the "
     "userspace data path (/dev/net/tun: no such device)"},
    {"kernel is not probed here", DataPath::Kernel, ENOENT, EAFNOSUPPORT, ENOENT, DataPath::Kernel, false, ""},
    {"userspace with TUN", DataPath::Userspace, 0, 0, 0, DataPath::Userspace, false, ""},
    {"userspace without TUN", DataPath::Userspace, 0, 0, ENOENT, DataPath::Userspace, true,
     "the userspace data path needs a TUN device, and the kernel has none (/dev/net/tun: no such file or directory)"},
};

}  // namespace

TEST_CASE("kernel: choose_data_path, table") {
  for (const Row& row : kRows) {
    CAPTURE(row.what);
    const kernel::DataPathProbes probes{[&] { return row.ppp; }, [&] { return row.pptp; }, [&] { return row.tun; }};
    const auto c = kernel::choose_data_path(row.wanted, probes);
    CHECK(c.path == row.chosen);
    CHECK(c.missing == row.missing);
    CHECK(c.reason == row.reason);
  }
}

TEST_CASE("kernel: choose_data_path asks the running kernel and never answers auto") {
  const auto c = kernel::choose_data_path(DataPath::Auto);
  CHECK(c.path != DataPath::Auto);
  if (c.path == DataPath::Userspace && !c.missing) CHECK(c.reason.find("carrying the tunnel in userspace") != std::string::npos);
}
