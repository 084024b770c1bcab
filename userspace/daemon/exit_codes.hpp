#pragma once
// One exit code per reason a user can act on; `pptpctl --help` lists them and
// the README quotes them. Numbers are stable: scripts depend on them.
#include <string_view>

namespace pptpctl {

enum class Exit : int {
  Ok = 0,                // success
  Failure = 1,           // anything without a more precise code
  Usage = 2,             // bad command line
  BadProfile = 3,        // a profile or password file is wrong or unsafe
  KernelMissing = 4,     // no PPP/PPTP support in the kernel
  MppeMissing = 5,       // ppp_mppe missing from the kernel
  Unreachable = 6,       // TCP 1723 to the server failed
  ServerRefused = 7,     // the server refused the control connection or the call
  GreBlocked = 8,        // no PPP answer through GRE
  WrongPassword = 9,     // the server refused the user name or password
  AuthFailed = 10,       // refused for another reason, or the protocol broke
  Impostor = 11,         // the server could not prove it knows the password
  MppeRefusedByPeer = 12,  // the server refused MPPE (or every strength we allow)
  MppeRefusedByUs = 13,  // the server offered only what the profile forbids
  NoAddress = 14,        // IPCP failed
  NetworkSetup = 15,     // addresses, routes or DNS could not be set
  NotRunning = 16,       // down/status for a tunnel that is not up
  AlreadyRunning = 17,   // up/run for a profile whose daemon runs
  LinkLost = 18,         // the server closed the link or stopped answering
  Timeout = 19,          // the whole connect took longer than connect_timeout_s
  Cancelled = 20,        // Ctrl-C (SIGINT/SIGTERM) on `pptpctl up` before it returned
  ProfileExists = 21,    // `import` would overwrite an existing profile or password file
};

// The highest code, for tables that list them all.
inline constexpr Exit kLastExit = Exit::ProfileExists;

inline constexpr int code(Exit e) { return static_cast<int>(e); }

std::string_view exit_name(Exit e);

}  // namespace pptpctl
