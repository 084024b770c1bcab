#pragma once
// One tunnel's daemon: the only place where the sans-IO machines meet real
// sockets. A single poll() loop owns the TCP control connection, the kernel's
// PPTP socket and /dev/ppp fds, the control socket for `down`/`status`, and a
// signalfd; every timer is a deadline handed back by a machine.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/profile.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/network.hpp"
#include "daemon/progress.hpp"
#include "daemon/tcp.hpp"
#include "kernel/ppp_unit.hpp"
#include "kernel/pptp_socket.hpp"
#include "ppp/session.hpp"
#include "pptp/control.hpp"

namespace pptpctl {

struct ConnectionOptions {
  int progress_fd = -1;  // the waiting `pptpctl up`, if any
  bool debug = false;
};

class Connection {
 public:
  Connection(config::Profile profile, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs until the tunnel has ended; the exit code says how.
  Exit run();

 private:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  enum class Stage : std::uint8_t { Connecting, Up, StoppingLink, StoppingControl, Done };

  struct Client {
    kernel::Fd fd;
    std::string in;
    bool waits_for_down = false;
  };

  bool prepare();
  bool dial();
  void loop_once();

  void apply(pptp::Effects fx);
  void apply(ppp::SessionOutput out);
  void on_call(const pptp::CallEstablished& call);
  void on_network(const ppp::session_event::NetworkPhase& n);
  void on_up(const ppp::session_event::Up& up);
  void read_tcp();
  void read_ppp(bool unit);
  void write_frame(const wire::Bytes& frame);
  void accept_client();
  void serve(Client& c);
  std::string status_json() const;

  void fail(Exit code, const std::string& reason);
  void stop(const std::string& why);
  void after_link_closed();
  void finish();
  void check_timers(TimePoint now);

  ppp::SessionConfig session_config();

  config::Profile profile_;
  ConnectionOptions options_;
  Progress progress_;
  Stage stage_ = Stage::Connecting;
  Exit exit_ = Exit::Ok;
  std::string end_reason_;
  bool failed_ = false;

  kernel::Fd lock_;  // one daemon per profile, for as long as this one lives
  kernel::Fd listen_;
  kernel::Fd signals_;
  std::vector<Client> clients_;

  std::optional<TcpConnection> tcp_;
  kernel::PptpSocket pptp_;
  kernel::PppChannel channel_;
  kernel::PppUnit unit_;
  std::optional<pptp::Control> control_;
  std::optional<ppp::Session> session_;
  NetworkSetup network_;

  std::optional<TimePoint> control_deadline_;
  std::optional<TimePoint> session_deadline_;
  TimePoint connect_deadline_{};
  TimePoint stop_deadline_{};

  // For `status`.
  std::chrono::system_clock::time_point up_since_{};
  TimePoint up_at_{};
  std::uint16_t our_call_ = 0, peer_call_ = 0;
  std::optional<ppp::session_event::Up> link_;
};

}  // namespace pptpctl
