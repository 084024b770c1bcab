#include "netlink/resolvconf_cmd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "userspace/wire/fd.hpp"

namespace netlink {

namespace {

using Clock = std::chrono::steady_clock;

// resolvconf runs update scripts that may restart services: give it time,
// but a hung one must not hang the daemon.
constexpr auto kPatience = std::chrono::seconds(20);

// The first line of what the program said, bounded, printable only.
std::string first_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' && !out.empty()) break;
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) out.push_back(c);
    if (out.size() >= 200) break;
  }
  return out;
}

// Runs program with args, input on stdin; stdout and stderr come back merged.
wire::Result<wire::Unit> run(const std::string& program, const std::vector<std::string>& args,
                             const std::string& input) {
  const std::string what = "resolvconf " + args.front() + " " + args.back();
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) < 0) return wire::Error::fatal(what + " failed: " + std::strerror(errno));
  wire::Fd in_r(in[0]), in_w(in[1]);
  if (::pipe2(out, O_CLOEXEC) < 0) return wire::Error::fatal(what + " failed: " + std::strerror(errno));
  wire::Fd out_r(out[0]), out_w(out[1]);
  std::vector<std::string> argv_s{program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return wire::Error::fatal(what + " failed: " + std::strerror(errno));
  if (pid == 0) {
    ::dup2(in_r.get(), 0);
    ::dup2(out_w.get(), 1);
    ::dup2(out_w.get(), 2);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  in_r.reset();
  out_w.reset();
  // Small input: one write; a program that does not read it gets EPIPE, not us.
  const auto old_pipe = ::signal(SIGPIPE, SIG_IGN);
  if (!input.empty()) [[maybe_unused]] auto n = ::write(in_w.get(), input.data(), input.size());
  ::signal(SIGPIPE, old_pipe);
  in_w.reset();
  std::string said;
  const auto deadline = Clock::now() + kPatience;
  char buf[512];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{out_r.get(), POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    const ssize_t n = ::read(out_r.get(), buf, sizeof buf);
    if (n <= 0) break;
    if (said.size() < 4096) said.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < deadline) ::usleep(20 * 1000);
  if (done == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return wire::Error::fatal(what + " did not finish within " + std::to_string(kPatience.count()) + " s");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return wire::Unit{};
  std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                      : "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && said.empty()) why = "cannot run " + program;
  const std::string line = first_line(said);
  return wire::Error::fatal(what + " failed (" + why + ")" + (line.empty() ? "" : ": " + line));
}

}  // namespace

std::optional<std::string> find_resolvconf(const std::optional<std::string>& search_path) {
  std::string path;
  if (search_path) {
    path = *search_path;
  } else if (const char* env = std::getenv("PATH"); env != nullptr && *env != '\0') {
    path = env;
  } else {
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  }
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const auto colon = path.find(':', pos);
    const std::string dir = path.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    pos = colon == std::string::npos ? path.size() + 1 : colon + 1;
    if (dir.empty() || dir.front() != '/') continue;  // never "." or a relative directory
    const std::string candidate = dir + "/resolvconf";
    if (::access(candidate.c_str(), X_OK) != 0) continue;
    std::error_code ec;
    const auto real = std::filesystem::canonical(candidate, ec);
    if (!ec && real.filename() == "resolvectl") continue;
    return candidate;
  }
  return std::nullopt;
}

std::string resolvconf_input(const std::vector<wire::Ipv4>& servers, const std::vector<std::string>& domains) {
  std::string s;
  for (const auto& a : servers) s += "nameserver " + to_string(a) + "\n";
  if (!domains.empty()) {
    s += "search";
    for (const auto& d : domains) s += " " + d;
    s += "\n";
  }
  return s;
}

std::string resolvconf_name(const std::string& ifname) { return "tun." + ifname; }

wire::Result<wire::Unit> resolvconf_add(const std::string& program, const std::string& ifname,
                                        const std::string& input) {
  return run(program, {"-a", resolvconf_name(ifname)}, input);
}

wire::Result<wire::Unit> resolvconf_delete(const std::string& program, const std::string& ifname) {
  return run(program, {"-d", resolvconf_name(ifname)}, "");
}

}  // namespace netlink
