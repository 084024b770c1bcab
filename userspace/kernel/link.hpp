#pragma once
// Everything the kernel holds for one call, torn down in the one order that
// works: channel fd, then unit fd (removes the interface), then the PPPoX
// socket. LCP Terminate comes before and the PPTP Call-Disconnect after; both
// are the daemon's.
//
// The daemon's order:
//   1. probe_kernel_support() before dialling (modules.hpp).
//   2. PptpSocket::open(), bind(0, source address of the TCP 1723 socket):
//      the returned call ID goes into the Outgoing-Call-Request.
//   3. After the Outgoing-Call-Reply: KernelLink::establish(socket, peer call
//      ID, server, {name, mru}). Poll channel().fd() (LCP, auth) and unit().fd()
//      (IPCP, CCP, 0x00FD) for reading.
//   4. CCP: unit().open_ccp(), install_mppe_key(Receive, ...) and (Transmit,
//      ...), the CCP exchange through unit().write(), then unit().ccp_up().
//   5. Only then unit().set_np_mode(kProtocolIp, NpMode::Pass).
//   6. LCP Terminate, then close(), then the PPTP Call-Disconnect.
#include <netinet/in.h>

#include <cstdint>
#include <string>

#include "kernel/ppp_unit.hpp"
#include "kernel/pptp_socket.hpp"
#include "wire/result.hpp"

namespace kernel {

struct LinkSettings {
  std::string interface_name;  // empty keeps the kernel's "pppN"
  int mru = kMinUnitMru;
};

class KernelLink {
 public:
  KernelLink() = default;
  KernelLink(KernelLink&&) = default;
  KernelLink& operator=(KernelLink&& other) noexcept {
    if (this != &other) {
      close();
      socket_ = std::move(other.socket_);
      unit_ = std::move(other.unit_);
      channel_ = std::move(other.channel_);
    }
    return *this;
  }
  ~KernelLink() { close(); }

  // After the Outgoing-Call-Reply: connects the bound socket to the peer's
  // call, attaches a channel fd, creates the unit, connects the two, names
  // the interface, sets the MRU and keeps IP dropped. On failure everything
  // made so far is undone, in order.
  static wire::Result<KernelLink> establish(PptpSocket socket, std::uint16_t peer_call_id, in_addr server,
                                            const LinkSettings& settings);

  PptpSocket& socket() { return socket_; }
  PppChannel& channel() { return channel_; }
  PppUnit& unit() { return unit_; }

  // Closes in teardown order; safe to call twice.
  void close() {
    channel_.close();
    unit_.close();
    socket_.close();
  }

 private:
  PptpSocket socket_;
  PppUnit unit_;
  PppChannel channel_;
};

}  // namespace kernel
