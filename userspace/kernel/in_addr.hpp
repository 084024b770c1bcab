#pragma once
// in_addr, the IPv4 of sockets and the PPTP socket, is in network order like
// wire::Ipv4, so crossing over is a byte copy. Addresses stay in_addr only
// up to the syscall; logs and everything above use wire::Ipv4.
#include <netinet/in.h>

#include <cstring>

#include "wire/ipv4.hpp"

namespace kernel {

inline wire::Ipv4 to_ipv4(in_addr a) {
  wire::Ipv4 v{};
  std::memcpy(v.data(), &a.s_addr, 4);
  return v;
}

}  // namespace kernel
