#pragma once
// A raw ICMP socket bound to the tunnel's interface, for the black-hole
// check (pptp/mtu_probe.hpp): echo requests leave through the tunnel with DF
// set and are never fragmented here (IP_PMTUDISC_PROBE, which also ignores
// a path MTU the kernel may have learned), so a size either arrives whole or
// not at all. Non-blocking.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "wire/bytes.hpp"
#include "wire/fd.hpp"
#include "wire/ipv4.hpp"
#include "wire/result.hpp"

namespace kernel {

class IcmpSocket {
 public:
  static wire::Result<IcmpSocket> open(const std::string& ifname);
  // One ICMP message (the kernel adds the IP header) to `to`. A size the
  // interface's MTU does not take fails (EMSGSIZE), as does a full buffer.
  wire::Result<wire::Unit> send(const wire::Ipv4& to, wire::ByteView icmp);
  // One received IPv4 packet (header included) into `buffer`, from `from`;
  // nullopt when nothing is waiting.
  struct Received {
    std::size_t size = 0;
    wire::Ipv4 from{};
  };
  wire::Result<std::optional<Received>> receive(std::span<std::uint8_t> buffer);
  int fd() const { return fd_.get(); }

 private:
  explicit IcmpSocket(wire::Fd fd) : fd_(std::move(fd)) {}
  wire::Fd fd_;
};

}  // namespace kernel
