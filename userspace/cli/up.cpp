// `pptpctl up` and `pptpctl run`.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.hpp"
#include "config/config_dir.hpp"
#include "config/profile.hpp"
#include "daemon/connection.hpp"
#include "daemon/ipc.hpp"

namespace pptpctl {

namespace {

void say(const std::string& name, const std::string& text) { std::printf("pptpctl: %s: %s\n", name.c_str(), text.c_str()); std::fflush(stdout); }

void error(const std::string& name, const std::string& text) {
  std::fprintf(stderr, "pptpctl: %s: %s\n", name.c_str(), text.c_str());
}

wire::Result<config::Profile> load(const CommonOptions& common, const std::string& name) {
  if (auto ok = config::check_profile_name(name); !ok) return ok.error();
  return config::load_profile(name, config::resolve_config_dir(common.config_dir));
}

// The daemon's progress lines until "up" or "fail"; the exit code to return.
Exit follow(const std::string& name, int fd, bool debug) {
  FILE* in = ::fdopen(fd, "r");
  if (!in) return Exit::Failure;
  char* line = nullptr;
  std::size_t cap = 0;
  Exit rc = Exit::Failure;
  bool done = false;
  while (!done && ::getline(&line, &cap, in) > 0) {
    std::string s(line);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    auto space = s.find(' ');
    std::string kind = s.substr(0, space);
    std::string text = space == std::string::npos ? "" : s.substr(space + 1);
    if (kind == "phase") {
      say(name, text);
    } else if (kind == "debug") {
      if (debug) say(name, text);
    } else if (kind == "up") {
      say(name, text);
      rc = Exit::Ok;
      done = true;
    } else if (kind == "fail") {
      auto sp = text.find(' ');
      const int n = std::atoi(text.substr(0, sp).c_str());
      // A garbled code must never read as success.
      rc = n >= 1 && n <= code(Exit::Timeout) ? static_cast<Exit>(n) : Exit::Failure;
      error(name, sp == std::string::npos ? text : text.substr(sp + 1));
      done = true;
    }
  }
  if (!done) error(name, "the daemon ended without saying why; see " + log_path(name));
  std::free(line);
  std::fclose(in);
  return rc;
}

}  // namespace

Exit cmd_up(const CommonOptions& common, const std::string& name, bool debug) {
  auto profile = load(common, name);
  if (!profile) {
    error(name, profile.error().reason);
    return Exit::BadProfile;
  }
  if (daemon_alive(name)) {
    error(name, "already running (pptpctl down " + name + " first)");
    return Exit::AlreadyRunning;
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return Exit::Failure;
  std::string progress = std::to_string(p[1]);
  std::string run = run_dir();
  ::mkdir(run.c_str(), 0700);
  pid_t pid = ::fork();
  if (pid < 0) return Exit::Failure;
  if (pid == 0) {
    // The daemon: its own session, no terminal, its log in the run dir. The
    // password is read again from the profile: never through argv.
    ::setsid();
    ::close(p[0]);
    ::fcntl(p[1], F_SETFD, 0);
    int devnull = ::open("/dev/null", O_RDWR);
    int log = ::open(log_path(name).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(log >= 0 ? log : devnull, 2);
    std::vector<std::string> args{"pptpctl", "run", name, "--progress-fd", progress};
    if (!common.config_dir.empty()) args.insert(args.begin() + 1, {"--config-dir", common.config_dir});
    if (debug) args.push_back("--debug");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    std::fprintf(stderr, "cannot start the daemon: %s\n", std::strerror(errno));
    ::_exit(code(Exit::Failure));
  }
  ::close(p[1]);
  Exit rc = follow(name, p[0], debug);
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
  auto profile = load(common, name);
  if (!profile) {
    error(name, profile.error().reason);
    if (progress_fd >= 0) {
      std::string line = "fail " + std::to_string(code(Exit::BadProfile)) + " " + profile.error().reason + "\n";
      [[maybe_unused]] auto n = ::write(progress_fd, line.data(), line.size());
    }
    return Exit::BadProfile;
  }
  Connection c(std::move(*profile), ConnectionOptions{progress_fd, debug});
  return c.run();
}

}  // namespace pptpctl
