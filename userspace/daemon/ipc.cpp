#include "daemon/ipc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace pptpctl {

std::string run_dir() {
  const char* env = std::getenv("PPTPCTL_RUN_DIR");
  return env && *env ? env : "/run/pptpctl";
}

std::string socket_path(const std::string& profile) { return run_dir() + "/" + profile + ".sock"; }
std::string log_path(const std::string& profile) { return run_dir() + "/" + profile + ".log"; }
std::string changes_path(const std::string& profile) { return run_dir() + "/" + profile + ".changes.json"; }

namespace {

wire::Result<sockaddr_un> address(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) return wire::Error::fatal("socket path too long: " + path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return sa;
}

wire::Result<wire::Fd> dial(const std::string& profile) {
  auto sa = address(socket_path(profile));
  if (!sa) return sa.error();
  wire::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return wire::Error::fatal(std::string("cannot create a unix socket: ") + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*sa), sizeof *sa) != 0) {
    if (errno == EACCES || errno == EPERM) return wire::Error::fatal("permission denied: run as root");
    return wire::Error::fatal("tunnel " + profile + " is not running");
  }
  return fd;
}

}  // namespace

wire::Result<wire::Fd> lock_profile(const std::string& profile) {
  // RUN_DIR itself is made and checked by ensure_private_dir (netlink/file_io.hpp).
  const std::string path = run_dir() + "/" + profile + ".lock";
  wire::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return wire::Error::fatal("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return wire::Error::fatal("tunnel " + profile + " is already running");
  return fd;
}

wire::Result<wire::Fd> listen_control(const std::string& profile) {
  const std::string dir = run_dir();
  const std::string path = socket_path(profile);
  ::unlink(path.c_str());
  auto sa = address(path);
  if (!sa) return sa.error();
  wire::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return wire::Error::fatal(std::string("cannot create a unix socket: ") + std::strerror(errno));
  // The socket is born with the umask's mode: keep it private from the start.
  mode_t old = ::umask(0077);
  int rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*sa), sizeof *sa);
  ::umask(old);
  if (rc != 0) return wire::Error::fatal("cannot listen on " + path + ": " + std::strerror(errno));
  if (::listen(fd.get(), 8) != 0) return wire::Error::fatal("cannot listen on " + path + ": " + std::strerror(errno));
  return fd;
}

bool daemon_alive(const std::string& profile) { return dial(profile).ok(); }

std::vector<std::string> running_profiles() {
  std::vector<std::string> names;
  DIR* d = ::opendir(run_dir().c_str());
  if (!d) return names;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.ends_with(".sock")) names.push_back(n.substr(0, n.size() - 5));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

wire::Result<std::string> request(const std::string& profile, const std::string& line,
                                  std::chrono::milliseconds timeout) {
  auto fd = dial(profile);
  if (!fd) return fd.error();
  std::string out = line + "\n";
  if (::send(fd->get(), out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size()))
    return wire::Error::fatal("tunnel " + profile + " did not take the request");
  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (answer.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return wire::Error::retry("tunnel " + profile + " did not answer in time");
    pollfd p{fd->get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
    if (answer.size() > (1u << 20)) return wire::Error::fatal("tunnel " + profile + " answered too much");
  }
  if (auto nl = answer.find('\n'); nl != std::string::npos) answer.resize(nl);
  if (answer.empty()) return wire::Error::fatal("tunnel " + profile + " closed the connection without answering");
  return answer;
}

bool peer_is_root(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  return ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == 0;
}

}  // namespace pptpctl
