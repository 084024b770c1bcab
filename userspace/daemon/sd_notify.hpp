#pragma once
// The service manager's notification protocol (sd_notify(3)), written here
// rather than taken from libsystemd: linking libsystemd for one datagram maps
// it and its chain (libgcrypt, lz4, zstd, lzma, libcap) into every daemon
// (issue 11: they were a fifth of a tunnel's memory).
//
// The protocol: $NOTIFY_SOCKET names an AF_UNIX datagram socket, a file
// system path ("/run/systemd/notify") or, with a leading '@', an abstract
// name; the message is newline-separated VARIABLE=VALUE assignments
// ("READY=1\nSTATUS=..."), sent as one datagram. The kernel attaches our
// credentials for the manager (it sets SO_PASSCRED on its end).
#include <string_view>

#include "wire/result.hpp"

namespace pptpctl {

// Sends STATE to the socket named by ADDRESS (a path or "@abstract").
// An empty address is not an error: nobody listens (not under systemd).
// "vsock:" addresses (systemd 254+, for VMs) are refused with a sentence.
wire::Result<wire::Unit> notify_to(std::string_view address, std::string_view state);

// notify_to($NOTIFY_SOCKET, STATE); unset means not under systemd: success.
wire::Result<wire::Unit> sd_notify(std::string_view state);

}  // namespace pptpctl
