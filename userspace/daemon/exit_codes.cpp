#include "daemon/exit_codes.hpp"

namespace pptpctl {

std::string_view exit_name(Exit e) {
  switch (e) {
    case Exit::Ok: return "ok";
    case Exit::Failure: return "failure";
    case Exit::Usage: return "usage";
    case Exit::BadProfile: return "bad-profile";
    case Exit::KernelMissing: return "kernel-missing";
    case Exit::MppeMissing: return "mppe-missing";
    case Exit::Unreachable: return "unreachable";
    case Exit::ServerRefused: return "server-refused";
    case Exit::GreBlocked: return "gre-blocked";
    case Exit::WrongPassword: return "wrong-password";
    case Exit::AuthFailed: return "auth-failed";
    case Exit::Impostor: return "impostor";
    case Exit::MppeRefusedByPeer: return "mppe-refused-by-peer";
    case Exit::MppeRefusedByUs: return "mppe-refused-by-us";
    case Exit::NoAddress: return "no-address";
    case Exit::NetworkSetup: return "network-setup";
    case Exit::NotRunning: return "not-running";
    case Exit::AlreadyRunning: return "already-running";
    case Exit::LinkLost: return "link-lost";
    case Exit::Timeout: return "timeout";
    case Exit::Cancelled: return "cancelled";
    case Exit::ProfileExists: return "profile-exists";
  }
  return "failure";
}

}  // namespace pptpctl
