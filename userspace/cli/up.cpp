// `pptpctl up` and `pptpctl run`.
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/status_text.hpp"
#include "config/config_dir.hpp"
#include "config/profile.hpp"
#include "daemon/tunnel.hpp"
#include "daemon/ipc.hpp"
#include "daemon/memory.hpp"
#include "daemon/run_dir.hpp"
#include "netlink/file_io.hpp"
#include "wire/fd.hpp"
#include "wire/text.hpp"

namespace pptpctl {

namespace {

// Under --debug every line starts with the time since `up` started (set
// once, in cmd_up), so a slow connect shows which step it waited on.
std::optional<std::chrono::steady_clock::time_point> g_debug_start;

std::string stamp() {
  if (!g_debug_start) return "";
  return elapsed_stamp(std::chrono::steady_clock::now() - *g_debug_start) + " ";
}

// What the daemon says is escaped there; escaped again here so a terminal
// never receives a control byte, whatever the pipe carried.
void say(const std::string& name, const std::string& text) {
  std::printf("%spptpctl: %s: %s\n", stamp().c_str(), name.c_str(), wire::one_line(text).c_str());
  std::fflush(stdout);
}

void error(const std::string& name, const std::string& text) {
  std::fprintf(stderr, "%spptpctl: %s: %s\n", stamp().c_str(), name.c_str(), wire::one_line(text).c_str());
}

wire::Result<config::Profile> load(const CommonOptions& common, const std::string& name) {
  if (auto ok = config::check_profile_name(name); !ok) return ok.error();
  return config::load_profile(name, config::resolve_config_dir(common.config_dir));
}

// One progress line from the daemon; the exit code when it is the last.
std::optional<Exit> show(const std::string& name, const std::string& s, bool debug) {
  auto space = s.find(' ');
  std::string kind = s.substr(0, space);
  std::string text = space == std::string::npos ? "" : s.substr(space + 1);
  if (kind == "phase") {
    say(name, text);
  } else if (kind == "debug") {
    if (debug) say(name, text);
  } else if (kind == "up") {
    say(name, text);
    return Exit::Ok;
  } else if (kind == "fail") {
    auto sp = text.find(' ');
    const int n = std::atoi(text.substr(0, sp).c_str());
    error(name, sp == std::string::npos ? text : text.substr(sp + 1));
    // A garbled code must never read as success.
    return n >= 1 && n <= code(kLastExit) ? static_cast<Exit>(n) : Exit::Failure;
  }
  return std::nullopt;
}

// The daemon's progress lines until "up" or "fail"; the exit code to return.
// `signals` is a signalfd for SIGINT and SIGTERM: the first one cancels the
// attempt (SIGTERM to the daemon, which undoes what it did and says "fail"),
// and we wait for that so nothing is left behind; a second one stops waiting.
Exit follow(const std::string& name, int fd, int signals, pid_t daemon, bool debug) {
  std::string buf;
  bool cancelling = false;
  std::optional<Exit> rc;
  bool eof = false;
  while (!rc && !eof) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {signals, POLLIN, 0}};
    if (::poll(fds, signals >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (signals >= 0 && fds[1].revents) {
      signalfd_siginfo si{};
      while (::read(signals, &si, sizeof si) == sizeof si) {
        if (!cancelling) {
          cancelling = true;
          ::kill(daemon, SIGTERM);
          say(name, "cancelling: the daemon undoes what it did (Ctrl-C again to stop waiting)");
        } else {
          error(name, "cancelled; the daemon finishes its teardown in the background, see " + log_path(name));
          return Exit::Cancelled;
        }
      }
    }
    if (!fds[0].revents) continue;
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      eof = true;
      break;
    }
    buf.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl;
    while (!rc && (nl = buf.find('\n')) != std::string::npos) {
      rc = show(name, buf.substr(0, nl), debug);
      buf.erase(0, nl + 1);
    }
  }
  if (cancelling) {
    // Whatever the daemon said last (its fail line, or an up it reached just
    // before the signal and has torn down since), the user asked to cancel.
    int status = 0;
    ::waitpid(daemon, &status, 0);
    say(name, "cancelled");
    return Exit::Cancelled;
  }
  if (!rc) error(name, "the daemon ended without saying why; see " + log_path(name));
  return rc.value_or(Exit::Failure);
}

// ps and pgrep show the daemon as `pptpctl run NAME --progress-fd N`, what
// the exec showed before and what systemd's unit runs: the kernel is told
// where the new command line lies (prctl(2) PR_SET_MM_ARG_START/_END, which
// needs CAP_SYS_RESOURCE, as systemd's own rename_process does). Without it
// ps shows the `up` command line: nothing depends on it.
void show_as(const std::vector<std::string>& args) {
  static char title[4096];
  std::size_t n = 0;
  for (const auto& a : args) {
    if (n + a.size() + 1 > sizeof title) return;
    std::memcpy(title + n, a.c_str(), a.size() + 1);
    n += a.size() + 1;
  }
  const auto start = reinterpret_cast<unsigned long>(title);
  const auto end = start + n;
  // The kernel checks start <= end at each call: whichever moves first must
  // keep that true against the old value of the other.
  if (::prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0) == 0) {
    ::prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0);
  } else if (::prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0) == 0) {
    ::prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0);
  }
}

}  // namespace

Exit cmd_up(const CommonOptions& common, const std::string& name, bool debug) {
  if (debug) g_debug_start = std::chrono::steady_clock::now();
  // Only the name and the file's presence are checked here. `up` never
  // reads the profile (it may hold the password inline) nor the password
  // file: the daemon loads both and reports any problem on the pipe, with
  // the same sentence and exit code 3 (issue 9: up never holds the password).
  if (auto ok = config::check_profile_name(name); !ok) {
    error(name, ok.error().reason);
    return Exit::BadProfile;
  }
  const std::string path = config::profile_file_path(config::resolve_config_dir(common.config_dir), name);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    error(name, "no profile \"" + name + "\": " + path + " does not exist");
    return Exit::BadProfile;
  }
  // Before the socket below is dialled or the log opened in it.
  if (auto dir = netlink::ensure_private_dir(run_dir()); !dir) {
    error(name, dir.error().reason);
    return Exit::Failure;
  }
  if (daemon_alive(name)) {
    error(name, "already running (pptpctl down " + name + " first)");
    return Exit::AlreadyRunning;
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return Exit::Failure;
  wire::Fd from_daemon(p[0]), to_up(p[1]);
  // Ctrl-C before the daemon answers cancels the attempt (follow()), so the
  // signals are read, not acted on; the daemon gets the old mask back.
  sigset_t cancel, old_mask;
  sigemptyset(&cancel);
  sigaddset(&cancel, SIGINT);
  sigaddset(&cancel, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &cancel, &old_mask);
  wire::Fd signals(::signalfd(-1, &cancel, SFD_NONBLOCK | SFD_CLOEXEC));
  // Without the fd, blocked signals would never land: Ctrl-C acts as before.
  if (!signals) ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  // Nothing `up` buffered may reach the daemon's copy of stdio.
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Exit::Failure;
  if (pid == 0) {
    // The daemon: its own session, no terminal, its log in the run dir. The
    // password is read by the daemon from the profile: never through argv,
    // never from us (we never read it). It runs here, in the fork, rather
    // than in an exec of this binary: under emulation (QEMU TCG) a fresh
    // process translates all its start-up code again, and `up` to the
    // daemon's first line took 0.23 s with the exec, 0.11 s without (lab,
    // medians; docs/performance.md, "Connect time").
    // `up` is single-threaded, so the fork holds no other thread's lock.
    ::setsid();
    from_daemon.reset();
    signals.reset();
    // The pipe's end must not be one of 0-2, which the lines below replace
    // (an `up` started with a closed stdin gets the pipe as fd 0).
    wire::Fd progress(to_up.get() > 2 ? to_up.release() : ::fcntl(to_up.get(), F_DUPFD_CLOEXEC, 3));
    to_up.reset();
    {
      wire::Fd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
      // Never through a symlink; without a log the daemon still reports to
      // us on the pipe.
      auto log = open_log(log_path(name));
      ::dup2(devnull.get(), 0);
      ::dup2(devnull.get(), 1);
      ::dup2(log ? log->get() : devnull.get(), 2);
    }
    // What an exec would have left: 0-2 and the progress pipe, nothing else
    // of `up`'s (its fds are close-on-exec; here they are closed).
    const int fd = progress.release();
    if (fd > 3) ::close_range(3, static_cast<unsigned>(fd) - 1, 0);
    ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    g_debug_start.reset();
    std::vector<std::string> args{"pptpctl", "run", name, "--progress-fd", std::to_string(fd)};
    if (!common.config_dir.empty()) args.insert(args.begin() + 1, {"--config-dir", common.config_dir});
    if (debug) args.push_back("--debug");
    show_as(args);
    // As `run` returning from main: atexit handlers and static destructors
    // run; cmd_up's frames below are never unwound (their fds are closed).
    std::exit(code(cmd_run(common, name, debug, fd)));
  }
  to_up.reset();
  Exit rc = follow(name, from_daemon.get(), signals.get(), pid, debug);
  from_daemon.reset();
  if (rc == Exit::Cancelled) return rc;  // follow() has waited, or was told not to
  if (rc != Exit::Ok) {
    // The daemon tears down and exits on failure; wait so nothing lingers.
    int status = 0;
    ::waitpid(pid, &status, 0);
  } else {
    std::printf("pptpctl: note: PPTP's security is weak (MS-CHAPv2 and MPPE are broken); use it only where "
                "nothing better is offered.\n");
  }
  return rc;
}

Exit cmd_run(const CommonOptions& common, const std::string& name, bool debug, int progress_fd) {
  // Everything the daemon writes (records, backups) is root's alone, and a
  // core dump must not carry the password.
  ::umask(077);
  ::prctl(PR_SET_DUMPABLE, 0);
  limit_malloc_arenas();
  auto profile = load(common, name);
  if (!profile) {
    error(name, profile.error().reason);
    if (progress_fd >= 0) {
      std::string line = "fail " + std::to_string(code(Exit::BadProfile)) + " " + profile.error().reason + "\n";
      [[maybe_unused]] auto n = ::write(progress_fd, line.data(), line.size());
    }
    return Exit::BadProfile;
  }
  Tunnel t(std::move(*profile), TunnelOptions{progress_fd, debug});
  return t.run();
}

}  // namespace pptpctl
