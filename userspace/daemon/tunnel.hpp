#pragma once
// One tunnel's life, from `pptpctl run` to exit: the profile's lock and
// control socket, signals, one Attempt at a time, and the redial between
// them. Every change of stage goes through enter(), which logs it (as iwd's
// station_enter_state does), so the log reads as the tunnel's history.
//
//   connecting ──up──> up ──link lost──> reconnecting ──timer──> connecting
//        │                 │                   │
//        └── permanent failure, max_attempts, down, SIGTERM, idle ──> stopping ──> stopped
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/profile.hpp"
#include "daemon/attempt.hpp"
#include "daemon/control_service.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/network.hpp"
#include "daemon/progress.hpp"
#include "daemon/redial.hpp"
#include "netlink/route_watch.hpp"
#include "wire/fd.hpp"

namespace pptpctl {

struct TunnelOptions {
  int progress_fd = -1;  // the waiting `pptpctl up`, if any
  bool debug = false;
};

class Tunnel {
 public:
  Tunnel(config::Profile profile, TunnelOptions options);
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

  // Runs until the tunnel has ended for good; the exit code says how.
  Exit run();

  enum class Stage : std::uint8_t { Starting, Connecting, Up, Reconnecting, Stopping, Stopped };

 private:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  void enter(Stage next);
  bool prepare();
  void round();
  void begin_attempt();
  void reconcile();
  void on_link_up();
  void on_failure();
  void on_attempt_ended();
  void stop(const std::string& why);
  void watch_path();
  void check_path();
  void check_idle(TimePoint now);
  std::optional<TimePoint> deadline() const;
  std::string status_json() const;

  config::Profile profile_;
  Progress progress_;
  const bool interactive_;  // an `up` waits for the first link
  Stage stage_ = Stage::Starting;
  Exit exit_ = Exit::Ok;
  std::string end_reason_;

  wire::Fd lock_;  // one daemon per profile, for as long as this one lives
  wire::Fd signals_;
  std::optional<ControlService> control_;
  NetworkSetup network_;
  RedialPolicy redial_;
  std::unique_ptr<Attempt> attempt_;
  config::DataPath data_path_ = config::DataPath::Kernel;  // resolved: never Auto

  bool ever_up_ = false;
  bool failure_seen_ = false;       // the current attempt's failure is handled
  std::uint32_t reconnects_ = 0;
  std::string last_failure_;
  std::optional<TimePoint> next_attempt_;
  std::chrono::milliseconds retry_wait_{0};

  // The way to the server: watched while up (a change redials at once) and
  // while waiting to redial (a way back, or a new one, ends the wait).
  std::optional<netlink::RouteWatch> routes_;
  std::optional<ServerPath> path_;          // while up
  std::optional<wire::Ipv4> last_target_;     // the server address last dialled
  std::optional<ServerPath> waiting_path_;  // while waiting; none: no way at all
  std::optional<TimePoint> path_check_;
  bool path_changed_ = false;
  std::optional<TimePoint> idle_check_;
  // Once, a while after a link came up: what its first seconds ran (route
  // notifications of our own changes, the up report) is given back too.
  std::optional<TimePoint> shed_check_;
};

std::string_view name(Tunnel::Stage s);

}  // namespace pptpctl
