#pragma once
// The black-hole check's I/O: pptp::MtuProbe's echo requests through the
// tunnel on a raw ICMP socket bound to it, and the replies back into the
// machine. The verdict goes to `done` once; the socket closes with it.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "daemon/poller.hpp"
#include "daemon/progress.hpp"
#include "kernel/icmp_socket.hpp"
#include "pptp/mtu_probe.hpp"
#include "wire/ipv4.hpp"

namespace pptpctl {

class MtuCheck {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Done = std::function<void(const pptp::MtuProbe::Verdict&)>;

  // Starts checking `mtu` against the peer; nullopt (with a line saying why)
  // when no ICMP socket can be had.
  static std::optional<MtuCheck> start(const std::string& ifname, const wire::Ipv4& peer, unsigned mtu,
                                       Progress& progress, Done done, TimePoint now);

  void watch(Poller& poller);
  std::optional<TimePoint> deadline() const { return probe_.deadline(); }
  void on_time(TimePoint now);
  bool done() const { return probe_.done(); }

 private:
  MtuCheck(kernel::IcmpSocket socket, const wire::Ipv4& peer, unsigned mtu, Progress& progress, Done done);
  void apply(pptp::MtuProbe::Output out);
  void read(TimePoint now);

  kernel::IcmpSocket socket_;
  wire::Ipv4 peer_;
  pptp::MtuProbe probe_;
  Progress* progress_;
  Done done_;
  std::uint16_t id_;
};

}  // namespace pptpctl
