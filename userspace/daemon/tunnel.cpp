#include "daemon/tunnel.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "daemon/ipc.hpp"
#include "daemon/memory.hpp"
#include "daemon/random.hpp"
#include "daemon/run_dir.hpp"
#include "netlink/file_io.hpp"
#include "kernel/modules.hpp"
#include "kernel/pptp_probe.hpp"

namespace pptpctl {

using namespace std::chrono_literals;

namespace {

RedialSettings redial_settings(const config::Profile& p) {
  RedialSettings s;
  s.enabled = p.reconnect.enabled;
  s.delay = std::chrono::seconds(p.reconnect.delay_s);
  s.max_delay = std::chrono::seconds(p.reconnect.max_delay_s);
  s.max_attempts = p.reconnect.max_attempts;
  return s;
}

std::string seconds_words(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// Settles a burst of route and link messages (ours included) into one check.
constexpr auto kPathSettle = 300ms;
// How often an idle timeout looks at the unit's idle time, at most.
constexpr auto kIdlePoll = 10s;
// The link's first seconds run code it will not run again (daemon/memory.hpp).
constexpr auto kShedSettle = 3s;

}  // namespace

std::string_view name(Tunnel::Stage s) {
  switch (s) {
    case Tunnel::Stage::Starting: return "starting";
    case Tunnel::Stage::Connecting: return "connecting";
    case Tunnel::Stage::Up: return "up";
    case Tunnel::Stage::Reconnecting: return "reconnecting";
    case Tunnel::Stage::Stopping: return "stopping";
    case Tunnel::Stage::Stopped: return "stopped";
  }
  return "unknown";
}

Tunnel::Tunnel(config::Profile profile, TunnelOptions options)
    : profile_(std::move(profile)),
      progress_(profile_.name, options.progress_fd, options.debug || profile_.debug),
      interactive_(options.progress_fd >= 0),
      redial_(redial_settings(profile_), random_unit) {}

Tunnel::~Tunnel() {
  attempt_.reset();
  // Only the lock holder ever created the socket, so only it removes it.
  if (control_ && lock_) ::unlink(socket_path(profile_.name).c_str());
}

void Tunnel::enter(Stage next) {
  if (next == stage_) return;
  progress_.info("state: " + std::string(name(stage_)) + " -> " + std::string(name(next)));
  stage_ = next;
}

bool Tunnel::prepare() {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  signals_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signals_) {
    // With the signals blocked and no fd to read them, SIGTERM would never land.
    exit_ = Exit::Failure;
    progress_.fail(exit_, std::string("cannot watch for signals: ") + std::strerror(errno));
    return false;
  }

  // RUN_DIR first: a symlinked or foreign one would decide where our
  // sockets, logs and change records go (issue 9, item 7).
  if (auto dir = netlink::ensure_private_dir(run_dir()); !dir) {
    exit_ = Exit::Failure;
    progress_.fail(exit_, dir.error().reason);
    return false;
  }
  auto lock = lock_profile(profile_.name);
  if (!lock) {
    exit_ = Exit::AlreadyRunning;
    progress_.fail(exit_, lock.error().reason);
    return false;
  }
  lock_ = std::move(*lock);
  auto sock = listen_control(profile_.name);
  if (!sock) {
    exit_ = Exit::Failure;
    progress_.fail(exit_, sock.error().reason);
    return false;
  }
  // A status query runs code the idle link does not (JSON, counters): given
  // back again a while after, as after the way up.
  auto status = [this] {
    if (stage_ == Stage::Up && !shed_check_) shed_check_ = Clock::now() + kShedSettle;
    return status_json();
  };
  control_.emplace(std::move(*sock), ControlService::Handlers{status,
                                                               [this](const std::string& why) { stop(why); }});
  // A predecessor that crashed left its routes and DNS recorded: take them
  // back first, or its pinned host route would look like someone else's.
  if (auto undone = NetworkSetup::undo_record(changes_path(profile_.name)); undone) {
    for (const auto& line : *undone) progress_.info("left by a previous run, undone: " + line);
  } else {
    progress_.warning("could not undo a previous run's changes: " + undone.error().reason);
  }
  network_.set_record_path(changes_path(profile_.name));
  if (auto watch = netlink::RouteWatch::open(); watch) {
    routes_.emplace(std::move(*watch));
  } else {
    progress_.warning("not watching routes (a changed path shows only through echoes): " + watch.error().reason);
  }

  // Asks the kernel itself (which loads modules on demand), so it is right
  // under ProtectKernelModules= too.
  const auto choice = kernel::choose_data_path(profile_.data_path);
  if (choice.missing) {
    exit_ = Exit::KernelMissing;
    progress_.fail(exit_, choice.reason);
    return false;
  }
  data_path_ = choice.path;
  if (data_path_ == config::DataPath::Userspace) {
    progress_.phase(choice.reason.empty() ? std::string("carrying the tunnel in userspace (data_path \"userspace\")")
                                          : choice.reason);
    return true;
  }
  progress_.phase("checking the kernel for PPP, PPTP and MPPE");
  for (const auto& gap : kernel::probe_kernel_support()) {
    const bool mppe = gap.piece == kernel::KernelPiece::Mppe;
    if (mppe && !profile_.mppe.required) continue;
    exit_ = mppe ? Exit::MppeMissing : Exit::KernelMissing;
    progress_.fail(exit_, gap.sentence);
    return false;
  }
  return true;
}

Exit Tunnel::run() {
  if (!prepare()) return exit_;
  begin_attempt();
  while (stage_ != Stage::Stopped) round();
  control_->finished(end_reason_);
  return exit_;
}

void Tunnel::begin_attempt() {
  if (ever_up_ || next_attempt_) {
    ++reconnects_;
    expect_setup_work();
    progress_.info("reconnecting: attempt " + std::to_string(reconnects_ + 1) + " to " + profile_.server);
  }
  next_attempt_.reset();
  failure_seen_ = false;
  enter(Stage::Connecting);
  attempt_ = std::make_unique<Attempt>(profile_, progress_, network_, data_path_);
  attempt_->start(Clock::now());
  reconcile();
}

std::optional<Tunnel::TimePoint> Tunnel::deadline() const {
  std::optional<TimePoint> next;
  for (const auto& d : {next_attempt_, path_check_, idle_check_, shed_check_})
    if (d && (!next || *d < *next)) next = d;
  return next;
}

void Tunnel::round() {
  Poller poller;
  poller.watch(signals_.get(), POLLIN, [this](short) {
    signalfd_siginfo si{};
    while (::read(signals_.get(), &si, sizeof si) == sizeof si)
      stop(std::string("stopped by signal ") + ::strsignal(static_cast<int>(si.ssi_signo)));
  });
  control_->watch(poller);
  if (attempt_) {
    attempt_->watch(poller);
    poller.until(attempt_->deadline());
  }
  if (routes_) {
    poller.watch(routes_->fd(), POLLIN, [this](short) {
      if (routes_ && routes_->drain() && !path_check_) path_check_ = Clock::now() + kPathSettle;
    });
  }
  poller.watch(progress_.pending_fd(), POLLOUT, [this](short) { progress_.flush(); });
  poller.until(deadline());
  if (!poller.wait(Clock::now())) {
    // Nothing can be waited for any more: end as cleanly as we still can.
    exit_ = Exit::Failure;
    progress_.fail(exit_, std::string("poll failed: ") + std::strerror(errno));
    stop("poll failed");
    if (attempt_) attempt_->close("poll failed", 0s);
  }
  const auto now = Clock::now();
  if (attempt_) attempt_->on_time(now);
  if (path_check_ && *path_check_ <= now) {
    path_check_.reset();
    check_path();
  }
  check_idle(now);
  if (shed_check_ && *shed_check_ <= now) {
    shed_check_.reset();
    shed_setup_memory();
  }
  reconcile();
  if (stage_ == Stage::Reconnecting && next_attempt_ && *next_attempt_ <= Clock::now()) begin_attempt();
}

// The attempt moves on its own; the tunnel follows it here, once per round.
void Tunnel::reconcile() {
  if (!attempt_) return;
  if (attempt_->state() == Attempt::State::Up && stage_ == Stage::Connecting) on_link_up();
  if (attempt_->failed() && !failure_seen_) {
    failure_seen_ = true;
    on_failure();
  }
  if (attempt_ && attempt_->state() == Attempt::State::Ended) on_attempt_ended();
}

void Tunnel::on_link_up() {
  auto say = [this](const std::string& s) { progress_.info(s); };
  if (profile_.block_while_down) {
    // Beneath the tunnel's routes now, in charge once they go with the link.
    if (auto r = network_.block(profile_, say); !r) return attempt_->fail(Exit::NetworkSetup, r.error().reason);
  }
  redial_.on_up();
  enter(Stage::Up);
  const auto* link = attempt_->link();
  const std::string summary = "up: " + wire::to_string(link->ip.local) + " peer " + wire::to_string(link->ip.peer) +
                              " on " + attempt_->carrier().interface_name();
  // READY=1 and the waiting `up` belong to the first link only.
  if (!ever_up_) {
    progress_.up(summary);
  } else {
    progress_.phase(summary + " (reconnect " + std::to_string(reconnects_) + ")");
  }
  ever_up_ = true;
  // After the word is out: `up` has no reason to wait for the probe.
  attempt_->start_mtu_check();
  // The way up is done; the link idles on a few pages of it
  // (daemon/memory.hpp). Not at once: giving pages back costs time the
  // waiting `up` would see, and the CLI still maps the binary then.
  shed_check_ = Clock::now() + kShedSettle;
  watch_path();
  if (profile_.idle_timeout_s > 0) idle_check_ = Clock::now() + std::min<Clock::duration>(kIdlePoll, std::chrono::seconds(profile_.idle_timeout_s));
}

void Tunnel::on_failure() {
  const auto& out = attempt_->outcome();
  last_failure_ = out.reason;
  path_.reset();
  path_check_.reset();
  idle_check_.reset();
  shed_check_.reset();
  if (stage_ == Stage::Stopping) return;  // already on the way out
  // An interactive `up` wants the first attempt's answer, not a daemon that
  // keeps trying behind its back; after a first link, and under systemd,
  // transient failures are retried.
  const auto decision = path_changed_ ? redial_.after_path_change()
                                      : redial_.after_failure(out.code, !interactive_ || ever_up_);
  path_changed_ = false;
  if (const auto* stop = std::get_if<RedialPolicy::Stop>(&decision)) {
    exit_ = stop->code;
    end_reason_ = out.reason;
    progress_.fail(exit_, out.reason);
    enter(Stage::Stopping);
    progress_.stopping(out.reason);
    return;
  }
  const auto& retry = std::get<RedialPolicy::Retry>(decision);
  retry_wait_ = retry.wait;
  enter(Stage::Reconnecting);
  const std::string when = retry.wait.count() == 0 ? std::string("reconnecting now")
                                                  : "reconnecting in " + seconds_words(retry.wait) + " (failure " +
                                                        std::to_string(retry.failures) + " in a row)";
  progress_.warning((out.was_up ? "link lost: " : "failed: ") + out.reason + "; " + when);
}

void Tunnel::on_attempt_ended() {
  if (attempt_->target()) last_target_ = attempt_->target();
  attempt_.reset();
  if (stage_ == Stage::Reconnecting) {
    // The wait counts from the end of the teardown, so a slow one cannot
    // eat into it.
    next_attempt_ = Clock::now() + retry_wait_;
    waiting_path_.reset();
    if (last_target_) {
      if (auto way = network_.path_to(*last_target_, 0); way) waiting_path_ = *way;
    }
    return;
  }
  auto say = [this](const std::string& s) { progress_.info(s); };
  network_.undo(say);
  enter(Stage::Stopped);
  progress_.info("stopped: " + end_reason_);
}

void Tunnel::stop(const std::string& why) {
  if (stage_ == Stage::Stopping || stage_ == Stage::Stopped) return;
  end_reason_ = why;
  enter(Stage::Stopping);
  progress_.stopping(why);
  if (attempt_) {
    attempt_->close(why, 15s);
    reconcile();
    return;
  }
  // Between two attempts: only the hold is left.
  next_attempt_.reset();
  network_.undo([this](const std::string& s) { progress_.info(s); });
  enter(Stage::Stopped);
  progress_.info("stopped: " + end_reason_);
}

void Tunnel::watch_path() {
  const auto server = attempt_->server();
  if (!server || !routes_) return;
  auto path = network_.path_to(*server, static_cast<int>(attempt_->carrier().interface_index()));
  if (!path) {
    progress_.warning("not watching the path to the server: " + path.error().reason);
    return;
  }
  path_ = *path;
}

void Tunnel::check_path() {
  if (stage_ == Stage::Up && attempt_ && path_) {
    // A laptop that changed networks, or an uplink that went away: the old
    // path is dead even if echoes have not noticed yet, so redial at once.
    const auto server = attempt_->server();
    if (!server) return;
    auto now = network_.path_to(*server, static_cast<int>(attempt_->carrier().interface_index()));
    if (now && *now == *path_) return;
    path_changed_ = true;
    attempt_->fail(Exit::LinkLost, "the way to the server " + wire::to_string(*server) + " changed (" +
                                       (now ? std::string("the route to it moved") : now.error().reason) + ")");
  } else if (stage_ == Stage::Reconnecting && next_attempt_ && last_target_) {
    // Waiting out a backoff: a way to the server that appeared or moved
    // (the Wi-Fi is back) is worth a try now, not in up to max_delay_s.
    // Our own changes never move the way outside our routes, so they
    // cannot cut a backoff short.
    auto now = network_.path_to(*last_target_, 0);
    const std::optional<ServerPath> way = now ? std::optional<ServerPath>(*now) : std::nullopt;
    if (way == waiting_path_ || !way) return;
    progress_.info("the way to the server " + wire::to_string(*last_target_) + " changed: redialling now");
    next_attempt_ = Clock::now();
  }
}

void Tunnel::check_idle(TimePoint now) {
  if (!idle_check_ || *idle_check_ > now) return;
  idle_check_.reset();
  if (!attempt_ || stage_ != Stage::Up) return;
  const auto limit = std::chrono::seconds(profile_.idle_timeout_s);
  auto idle = attempt_->carrier().idle();
  if (!idle) {
    progress_.warning("cannot read the link's idle time: " + idle.error().reason);
    return;
  }
  if (*idle >= limit) {
    // pppd's `idle`: a clean end, not a failure, and not redialled.
    stop("no traffic for " + std::to_string(idle->count()) + " s (idle_timeout_s)");
    return;
  }
  idle_check_ = now + std::min<Clock::duration>(kIdlePoll, limit - *idle);
}

std::string Tunnel::status_json() const {
  nlohmann::json j;
  j["name"] = profile_.name;
  j["pid"] = ::getpid();
  j["server"] = profile_.server;
  j["interface"] = profile_.interface;
  j["state"] = stage_ == Stage::Starting ? "connecting" : name(stage_);
  j["reconnects"] = reconnects_;
  j["last_failure"] = last_failure_.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_failure_);
  if (next_attempt_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*next_attempt_ - Clock::now());
    j["next_attempt_s"] = static_cast<double>(std::max<long long>(0, left.count()) / 100) / 10.0;
  } else {
    j["next_attempt_s"] = nullptr;
  }
  auto routes = nlohmann::json::array();
  for (const auto& r : profile_.routes) routes.push_back(wire::to_string(r));
  j["routes"] = routes;
  j["default_route"] = profile_.default_route;
  if (attempt_) attempt_->describe(j);
  return j.dump();
}

}  // namespace pptpctl
