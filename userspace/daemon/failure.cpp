#include "daemon/failure.hpp"

namespace pptpctl {

Exit exit_for(ppp::FailureKind kind) {
  switch (kind) {
    case ppp::FailureKind::NoAnswer: return Exit::GreBlocked;
    case ppp::FailureKind::LcpFailed: return Exit::Failure;
    case ppp::FailureKind::WrongPassword: return Exit::WrongPassword;
    case ppp::FailureKind::AuthRefused: return Exit::AuthFailed;
    case ppp::FailureKind::Impostor: return Exit::Impostor;
    case ppp::FailureKind::AuthProtocol: return Exit::AuthFailed;
    case ppp::FailureKind::MppeServerRefused: return Exit::MppeRefusedByPeer;
    case ppp::FailureKind::MppeWeRefused: return Exit::MppeRefusedByUs;
    case ppp::FailureKind::IpcpFailed: return Exit::NoAddress;
    case ppp::FailureKind::PeerTerminated: return Exit::LinkLost;
    case ppp::FailureKind::LinkDead: return Exit::LinkLost;
    case ppp::FailureKind::MppeLostSync: return Exit::LinkLost;
  }
  return Exit::Failure;
}

Exit exit_for(pptp::FailureCategory category, bool was_up) {
  switch (category) {
    case pptp::FailureCategory::ControlRefused:
    case pptp::FailureCategory::CallRefused: return Exit::ServerRefused;
    case pptp::FailureCategory::Timeout: return was_up ? Exit::LinkLost : Exit::Timeout;
    case pptp::FailureCategory::ProtocolError: return Exit::Failure;
    case pptp::FailureCategory::PeerClosed: return was_up ? Exit::LinkLost : Exit::ServerRefused;
  }
  return Exit::Failure;
}

bool is_permanent(Exit code) {
  switch (code) {
    case Exit::BadProfile:
    case Exit::KernelMissing:
    case Exit::MppeMissing:
    case Exit::WrongPassword:
    case Exit::AuthFailed:
    case Exit::Impostor:
    case Exit::MppeRefusedByPeer:
    case Exit::MppeRefusedByUs:
    case Exit::Usage:
    case Exit::AlreadyRunning:
    case Exit::Cancelled:
    case Exit::ProfileExists:
      return true;
    case Exit::Ok:
    case Exit::Failure:
    case Exit::Unreachable:
    case Exit::ServerRefused:
    case Exit::GreBlocked:
    case Exit::NoAddress:
    case Exit::NetworkSetup:
    case Exit::NotRunning:
    case Exit::LinkLost:
    case Exit::Timeout:
      return false;
  }
  return false;
}

}  // namespace pptpctl
