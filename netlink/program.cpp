#include "netlink/program.hpp"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "userspace/wire/fd.hpp"
#include "userspace/wire/text.hpp"

namespace netlink {

namespace {

using Clock = std::chrono::steady_clock;

wire::Result<wire::Fd> memfd(const std::string& what, const char* name) {
  const int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return wire::Error::fatal("cannot run " + what + ": memfd_create: " + std::strerror(errno));
  return wire::Fd(fd);
}

std::string read_all(int fd) {
  std::string out;
  if (::lseek(fd, 0, SEEK_SET) < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && out.size() < (1u << 20)) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

bool write_all(int fd, const std::string& s) {
  const char* p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return ::lseek(fd, 0, SEEK_SET) == 0;
}

std::string first_line(const std::string& s) {
  const auto start = s.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return {};
  const auto end = s.find('\n', start);
  return s.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

wire::Result<ProgramRun> run_program(const std::string& path, const std::vector<std::string>& args,
                                     const std::string& input, std::chrono::milliseconds patience) {
  auto in = memfd(path, "program-in");
  if (!in) return in.error();
  auto out = memfd(path, "program-out");
  if (!out) return out.error();
  auto err = memfd(path, "program-err");
  if (!err) return err.error();
  if (!write_all(in->get(), input)) return wire::Error::fatal("cannot run " + path + ": cannot buffer its input");

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in->get(), 0);
  posix_spawn_file_actions_adddup2(&fa, out->get(), 1);
  posix_spawn_file_actions_adddup2(&fa, err->get(), 2);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  std::vector<std::string> argv_s{path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  char path_env[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  char* envp[] = {path_env, nullptr};
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, path.c_str(), &fa, &attr, argv.data(), envp);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return wire::Error::fatal("cannot run " + path + ": " + std::strerror(rc));

  // resolvconf runs update scripts that may restart services: it gets time,
  // but a hung one must not hang the daemon.
  const auto deadline = Clock::now() + patience;
  int st = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &st, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return wire::Error::fatal("cannot run " + path + ": waitpid: " + std::strerror(errno));
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      const auto s = std::chrono::duration_cast<std::chrono::seconds>(patience).count();
      return wire::Error::fatal(path + " did not finish within " + std::to_string(s) + " s");
    }
    ::usleep(5 * 1000);
  }
  ProgramRun r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
  r.out = read_all(out->get());
  r.err = read_all(err->get());
  return r;
}

std::string program_said(const ProgramRun& run) {
  std::string line = first_line(run.err);
  if (line.empty()) line = first_line(run.out);
  return wire::one_line(line, wire::kMaxPeerText);
}

std::optional<std::string> find_program(std::string_view name, const std::optional<std::string>& search_path,
                                        const std::function<bool(const std::string&)>& accept) {
  std::string path;
  if (search_path) {
    path = *search_path;
  } else {
    const char* env = std::getenv("PATH");
    path = env != nullptr && *env != '\0' ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    path += ":/usr/sbin:/sbin";
  }
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const auto colon = path.find(':', pos);
    const std::string dir = path.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    pos = colon == std::string::npos ? path.size() + 1 : colon + 1;
    if (dir.empty() || dir.front() != '/') continue;
    const std::string candidate = dir + "/" + std::string(name);
    if (::access(candidate.c_str(), X_OK) != 0) continue;
    if (accept && !accept(candidate)) continue;
    return candidate;
  }
  return std::nullopt;
}

}  // namespace netlink
