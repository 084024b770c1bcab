#pragma once
// Can the kernel do the hand-off at all? Checked before dialling, so a kernel
// without PPP or PPTP is reported up front in one sentence per missing piece,
// not as an odd errno halfway through a connection.
//
// The kernel is asked, never /lib/modules: the first open("/dev/ppp") and the
// first PPPoX socket make the kernel load ppp_generic and pptp by itself
// (char-major-108-0, net-pf-24-proto-2), whatever our capabilities, while a
// unit with ProtectKernelModules=yes cannot see /lib/modules or run modprobe.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kernel {

enum class KernelPiece : std::uint8_t { Ppp, Pptp, Mppe };

struct KernelGap {
  KernelPiece piece;  // what the caller acts on (MPPE may be optional)
  std::string sentence;
};

// Each probe returns 0 when the kernel did it, else the errno.
using ErrnoProbe = std::function<int()>;

struct KernelProbes {
  ErrnoProbe open_ppp;     // open("/dev/ppp")
  ErrnoProbe pptp_socket;  // socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP)
  // MPPE cannot be tried without a PPP unit and keys; only FIPS mode, where
  // ppp_mppe refuses every key, is known up front. Its absence otherwise
  // shows at PPPIOCSCOMPRESS (compress_failure_sentence).
  std::function<bool()> fips_mode;
};

// The running kernel's probes.
KernelProbes default_kernel_probes();

// One gap per missing piece, in the order Ppp, Pptp, Mppe. An errno that
// does not mean "missing" (EACCES, EPERM...) is no gap: the real open later
// says what is wrong in its own words.
std::vector<KernelGap> probe_kernel_support(const KernelProbes& probes = default_kernel_probes());

// True when the kernel runs in FIPS mode, where ppp_mppe refuses to work.
bool fips_mode(const std::string& fips_enabled_path = "/proc/sys/crypto/fips_enabled");

}  // namespace kernel
