#pragma once
// The PPTP control connection's TCP socket: resolve, connect within a
// deadline, TCP_NODELAY (control messages are small and latency-bound).
#include <netinet/in.h>

#include <chrono>
#include <string>

#include "kernel/fd.hpp"
#include "wire/result.hpp"

namespace pptpctl {

struct TcpConnection {
  kernel::Fd fd;
  in_addr local{};   // our source address: the PPTP socket binds to it
  in_addr server{};  // the address actually reached
};

inline constexpr std::uint16_t kPptpPort = 1723;

// `server` is an IPv4 literal or a host name (first IPv4 address wins).
wire::Result<TcpConnection> connect_tcp(const std::string& server, std::uint16_t port,
                                        std::chrono::milliseconds timeout);

std::string to_string(in_addr a);

}  // namespace pptpctl
