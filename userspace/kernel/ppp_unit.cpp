#include "kernel/ppp_unit.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "kernel/ifname.hpp"
#include "kernel/modules.hpp"
#include "kernel/ppp_flags.hpp"
#include "kernel/sys_error.hpp"
#include "wire/hex.hpp"

namespace kernel {
namespace {

static_assert(kProtocolIp == PPP_IP);

// PPPIOCGIDLE is defined over struct ppp_idle, whose time_t follows the ABI;
// the kernel answers the 32- and 64-bit forms, and the plain one is the one
// whose size matches the struct we pass.
static_assert((PPPIOCGIDLE == PPPIOCGIDLE64 && sizeof(ppp_idle) == sizeof(ppp_idle64)) ||
              (PPPIOCGIDLE == PPPIOCGIDLE32 && sizeof(ppp_idle) == sizeof(ppp_idle32)));

wire::Result<wire::Fd> open_dev_ppp() {
  int fd = ::open("/dev/ppp", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) return wire::Fd(fd);
  int err = errno;
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      return wire::Error::fatal("the kernel has no PPP support (module ppp_generic not available): cannot open /dev/ppp");
    case EACCES:
    case EPERM:
      return wire::Error::fatal("opening /dev/ppp needs root");
  }
  return wire::Error::fatal("cannot open /dev/ppp: " + errno_text(err));
}

NPmode kernel_np_mode(NpMode mode) {
  switch (mode) {
    case NpMode::Pass:
      return NPMODE_PASS;
    case NpMode::Drop:
      return NPMODE_DROP;
    case NpMode::Error:
      return NPMODE_ERROR;
    case NpMode::Queue:
      return NPMODE_QUEUE;
  }
  return NPMODE_DROP;
}

const char* np_mode_text(NpMode mode) {
  switch (mode) {
    case NpMode::Pass:
      return "pass";
    case NpMode::Drop:
      return "drop";
    case NpMode::Error:
      return "error";
    case NpMode::Queue:
      return "queue";
  }
  return "?";
}

// Wipes key material from a stack copy once the kernel has it.
template <typename T>
void wipe(T& buffer) {
  volatile auto* p = reinterpret_cast<volatile unsigned char*>(buffer.data());
  for (std::size_t i = 0; i < buffer.size(); ++i) p[i] = 0;
}

}  // namespace

wire::Result<PppChannel> PppChannel::attach(int index) {
  auto fd = open_dev_ppp();
  if (!fd) return fd.error();
  if (::ioctl(fd->get(), PPPIOCATTCHAN, &index) < 0) {
    int err = errno;
    if (err == ENXIO)
      return wire::Error::fatal("PPP channel " + std::to_string(index) +
                                " does not exist (the PPTP socket is closed or in another network namespace)");
    return wire::Error::fatal("cannot attach to PPP channel " + std::to_string(index) + ": " + errno_text(err));
  }
  return PppChannel(std::move(*fd));
}

wire::Result<wire::Unit> PppChannel::connect_to(const PppUnit& unit) {
  int u = unit.unit();
  if (::ioctl(fd_.get(), PPPIOCCONNECT, &u) < 0) {
    int err = errno;
    auto what = "cannot connect the PPP channel to unit " + std::to_string(u);
    if (err == EINVAL) return wire::Error::fatal(what + ": the channel is already connected to a unit");
    if (err == ENXIO) return wire::Error::fatal(what + ": the unit does not exist");
    return wire::Error::fatal(what + ": " + errno_text(err));
  }
  return wire::Unit{};
}

wire::Result<PppUnit> PppUnit::create() {
  auto fd = open_dev_ppp();
  if (!fd) return fd.error();
  int unit = -1;
  if (::ioctl(fd->get(), PPPIOCNEWUNIT, &unit) < 0) {
    int err = errno;
    if (err == EPERM || err == EACCES)
      return wire::Error::fatal("creating a PPP interface needs CAP_NET_ADMIN");
    return wire::Error::fatal("cannot create a PPP interface: " + errno_text(err));
  }
  PppUnit u(std::move(*fd));
  // PPPIOCNEWUNIT already wrote the unit back; PPPIOCGUNIT is the documented
  // way to ask and costs nothing.
  if (::ioctl(u.fd_.get(), PPPIOCGUNIT, &unit) < 0)
    return wire::Error::fatal("cannot read the new PPP unit's number: " + errno_text(errno));
  u.unit_ = unit;
  u.name_ = "ppp" + std::to_string(unit);
  // The index survives a rename, so the netlink side can hold on to it.
  u.index_ = ::if_nametoindex(u.name_.c_str());
  return u;
}

wire::Result<wire::Unit> PppUnit::rename(std::string_view name) {
  if (auto problem = interface_name_problem(name); !problem.empty()) return wire::Error::fatal(problem);
  if (name == name_) return wire::Unit{};
  wire::Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return wire::Error::fatal("cannot open a socket to rename " + name_ + ": " + errno_text(errno));
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  std::memcpy(ifr.ifr_name, name_.data(), std::min(name_.size(), std::size_t{IFNAMSIZ - 1}));
  std::memcpy(ifr.ifr_newname, name.data(), name.size());  // size checked above
  if (::ioctl(sock.get(), SIOCSIFNAME, &ifr) < 0) {
    int err = errno;
    auto what = "cannot rename " + name_ + " to " + std::string(name);
    switch (err) {
      case EEXIST:
        return wire::Error::fatal(what + ": an interface named " + std::string(name) + " already exists");
      case EBUSY:
        return wire::Error::fatal(what + ": it is already up");
      case EPERM:
      case EACCES:
        return wire::Error::fatal(what + ": renaming needs CAP_NET_ADMIN");
      case ENODEV:
        return wire::Error::fatal(what + ": " + name_ + " is gone");
    }
    return wire::Error::fatal(what + ": " + errno_text(err));
  }
  name_ = std::string(name);
  return wire::Unit{};
}

wire::Result<wire::Unit> PppUnit::set_mru(int mru) {
  int value = std::max(mru, kMinUnitMru);
  if (::ioctl(fd_.get(), PPPIOCSMRU, &value) < 0)
    return wire::Error::fatal("cannot set the MRU of " + name_ + ": " + errno_text(errno));
  return wire::Unit{};
}

wire::Result<wire::Unit> PppUnit::set_np_mode(std::uint16_t protocol, NpMode mode) {
  npioctl npi{};
  npi.protocol = protocol;
  npi.mode = kernel_np_mode(mode);
  if (::ioctl(fd_.get(), PPPIOCSNPMODE, &npi) < 0)
    return wire::Error::fatal("cannot set " + name_ + " to " + np_mode_text(mode) + " packets of protocol " +
                              wire::hex16(protocol) + ": " + errno_text(errno));
  return wire::Unit{};
}

wire::Result<std::uint32_t> PppUnit::flags() const {
  int value = 0;
  if (::ioctl(fd_.get(), PPPIOCGFLAGS, &value) < 0)
    return wire::Error::fatal("cannot read the flags of " + name_ + ": " + errno_text(errno));
  return static_cast<std::uint32_t>(value);
}

wire::Result<wire::Unit> PppUnit::update_flags(std::uint32_t set, std::uint32_t clear) {
  auto reported = flags();
  if (!reported) return reported.error();
  auto next = next_flags(*reported, set, clear, must_comp_);
  int value = static_cast<int>(next);
  if (::ioctl(fd_.get(), PPPIOCSFLAGS, &value) < 0)
    return wire::Error::fatal("cannot set the flags of " + name_ + ": " + errno_text(errno));
  must_comp_ = (next & kFlagMustComp) != 0;
  return wire::Unit{};
}

wire::Result<wire::Unit> PppUnit::open_ccp() { return update_flags(kFlagCcpOpen, kFlagCcpUp); }
wire::Result<wire::Unit> PppUnit::ccp_up() { return update_flags(kFlagCcpOpen | kFlagCcpUp, 0); }
wire::Result<wire::Unit> PppUnit::close_ccp() { return update_flags(0, kFlagCcpOpen | kFlagCcpUp); }

wire::Result<bool> PppUnit::decrypt_failed_fatally() const {
  auto reported = flags();
  if (!reported) return reported.error();
  return (*reported & kFlagDecryptFatal) != 0;
}

wire::Result<std::chrono::seconds> PppUnit::idle() const {
  ppp_idle idle{};
  if (::ioctl(fd_.get(), PPPIOCGIDLE, &idle) < 0)
    return wire::Error::fatal("cannot read how long " + name_ + " has been idle: " + errno_text(errno));
  return std::chrono::seconds(std::min(idle.xmit_idle, idle.recv_idle));
}

wire::Result<wire::Unit> PppUnit::install_mppe_key(Direction direction, const MppeParams& params) {
  if (auto why = mppe_unsupported_reason(params.strength); !why.empty()) return wire::Error::fatal(why);
  auto option = mppe_option_buffer(params);
  ppp_option_data data{};
  data.ptr = option.data();
  data.length = static_cast<__u32>(option.size());
  data.transmit = direction == Direction::Transmit ? 1 : 0;
  int rc = ::ioctl(fd_.get(), PPPIOCSCOMPRESS, &data);
  int err = errno;
  wipe(option);
  if (rc < 0) return wire::Error::fatal(compress_failure_sentence(err, direction, fips_mode()));
  return wire::Unit{};
}

}  // namespace kernel
