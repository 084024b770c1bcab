#pragma once
// One attempt at a link: dial the server, run the PPTP control connection and
// the PPP session, hand the call to its carrier (the kernel, or the daemon's
// own data path: carrier.hpp), set up addresses, routes and DNS; later take
// all of it down again, in the order of kernel-facts. It is the only place
// where the sans-IO control machines meet real sockets. It never
// decides what happens next: the tunnel reads state() and outcome() after
// every round and redials, or not.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "config/profile.hpp"
#include "daemon/carrier.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/mtu_check.hpp"
#include "daemon/network.hpp"
#include "daemon/out_buffer.hpp"
#include "daemon/poller.hpp"
#include "daemon/progress.hpp"
#include "daemon/resolver.hpp"
#include "daemon/tcp.hpp"
#include "ppp/session.hpp"
#include "pptp/control.hpp"

namespace pptpctl {

class Attempt {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  enum class State : std::uint8_t { Dialing, Negotiating, Up, Closing, Ended };

  struct Outcome {
    Exit code = Exit::Ok;  // Ok: ended because it was asked to
    std::string reason;
    bool was_up = false;
  };

  // `path`: Kernel or Userspace, already chosen (choose_data_path).
  Attempt(const config::Profile& profile, Progress& progress, NetworkSetup& network,
          config::DataPath path = config::DataPath::Kernel);
  ~Attempt();
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  // Resolves the server and connects TCP 1723; the rest follows from poll.
  void start(TimePoint now);
  void watch(Poller& poller);
  std::optional<TimePoint> deadline() const;
  void on_time(TimePoint now);

  // Ends the attempt with this failure, unless it already failed or is
  // closing: the first reason is the one that counts.
  void fail(Exit code, const std::string& reason);
  // Orderly teardown: routes and DNS, LCP Terminate, the kernel's pieces,
  // CCRQ and StopCCRQ. `patience` bounds the waiting for a server that may
  // be gone (a redial should not wait out every retry of a dead one).
  void close(const std::string& why, Clock::duration patience);

  State state() const { return state_; }
  bool failed() const { return outcome_.code != Exit::Ok; }
  const Outcome& outcome() const { return outcome_; }

  // Starts the black-hole check of an "auto" MTU that on_up() left due.
  // The tunnel calls it once it has reported the link up: the probe's
  // socket and first sends cost the waiting `up` 50-80 ms under emulation,
  // and nothing about the link's start waits for its answer.
  void start_mtu_check();

  // Valid once up.
  const ppp::session_event::Up* link() const { return link_ ? &*link_ : nullptr; }
  Carrier& carrier() { return *carrier_; }
  std::optional<wire::Ipv4> server() const;
  // The address being dialled, or the last one tried.
  std::optional<wire::Ipv4> target() const { return target_; }
  // Adds what this attempt knows to the status object: call IDs, and when
  // up the addresses, DNS, MPPE and counters.
  void describe(nlohmann::json& j) const;

 private:
  void on_resolved();
  void try_next_address();
  void on_connected();
  void flush_control();
  void apply(pptp::Effects fx);
  void apply(ppp::SessionOutput out);
  void on_call(const pptp::CallEstablished& call);
  void on_network(const ppp::session_event::NetworkPhase& n);
  void on_up(const ppp::session_event::Up& up);
  void on_mtu_verdict(const pptp::MtuProbe::Verdict& v);
  void prepare_table();
  pptp::MtuChoice tunnel_mtu(bool mppe, unsigned peer_mru, int tunnel_ifindex) const;
  void read_tcp();
  void on_frame(wire::ByteView frame);
  void write_frame(const wire::Bytes& frame);
  void after_link_closed();
  void control_gone();
  void end();
  ppp::SessionConfig session_config();

  const config::Profile& profile_;
  Progress& progress_;
  NetworkSetup& network_;
  State state_ = State::Dialing;
  Outcome outcome_;
  std::string close_reason_;
  bool link_closing_ = false;  // waiting for LCP's Terminate-Ack

  std::optional<Resolver> resolver_;
  std::vector<in_addr> addresses_;
  std::size_t next_address_ = 0;
  std::optional<wire::Ipv4> target_;
  std::string last_dial_error_;
  std::optional<TcpDialer> dialer_;
  TimePoint dial_deadline_{};
  std::optional<TcpConnection> tcp_;
  OutBuffer out_;
  std::unique_ptr<Carrier> carrier_;
  std::optional<pptp::Control> control_;
  std::optional<ppp::Session> session_;

  std::optional<TimePoint> control_deadline_;
  std::optional<TimePoint> session_deadline_;
  TimePoint connect_deadline_{};
  TimePoint close_deadline_{};

  std::uint16_t our_call_ = 0, peer_call_ = 0;
  std::optional<ppp::session_event::Up> link_;
  pptp::MtuChoice mtu_;  // the link's MTU and how it was chosen
  std::optional<MtuCheck> mtu_check_;  // after up, with "mtu": "auto"
  struct MtuCheckDue {
    std::string ifname;
    wire::Ipv4 peer;
    unsigned mtu = 0;
  };
  std::optional<MtuCheckDue> mtu_check_due_;  // from on_up() to start_mtu_check()
  TimePoint up_at_{};
  std::chrono::system_clock::time_point up_since_{};
};

std::string_view name(Attempt::State s);

}  // namespace pptpctl
