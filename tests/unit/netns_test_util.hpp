#pragma once
// Runs a test body in a forked child inside a private network namespace, so
// netlink tests never touch the host's interfaces, routes or addresses. The
// child reports its failed expectations through a pipe; the parent turns them
// into doctest results. Needs root (CAP_NET_ADMIN); otherwise it skips.
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace netns_test {

struct Checks {
  std::vector<std::string> failures;

  void expect(bool ok, const std::string& what) {
    if (!ok) failures.push_back(what);
  }
  // Shell setup inside the namespace (ip link add ...), checked.
  void sh(const std::string& cmd) {
    const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
    if (rc != 0) failures.push_back("setup failed: " + cmd);
  }
  static std::string capture(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (p == nullptr) return "popen failed";
    char buf[512];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
  }
};

enum class Outcome { Passed, Failed, Skipped };
struct Result {
  Outcome outcome;
  std::string text;
};

inline Result run_in_netns(const std::function<void(Checks&)>& body) {
  if (::geteuid() != 0) return {Outcome::Skipped, "skipped: needs root for a private network namespace"};
  int fds[2];
  if (::pipe(fds) < 0) return {Outcome::Failed, "pipe failed"};
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return {Outcome::Failed, "fork failed"};
  if (pid == 0) {
    ::close(fds[0]);
    std::string report;
    int status = 0;
    if (::unshare(CLONE_NEWNET) < 0) {
      report = "skipped: cannot create a network namespace here";
      status = 2;
    } else {
      Checks c;
      try {
        body(c);
      } catch (const std::exception& e) {
        c.failures.push_back(std::string("exception: ") + e.what());
      }
      for (const auto& f : c.failures) report += f + "\n";
      status = c.failures.empty() ? 0 : 1;
    }
    const char* p = report.data();
    std::size_t left = report.size();
    while (left > 0) {
      const ssize_t n = ::write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::_exit(status);
  }
  ::close(fds[1]);
  std::string text;
  char buf[1024];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (!WIFEXITED(st)) return {Outcome::Failed, "child died: " + text};
  switch (WEXITSTATUS(st)) {
    case 0:
      return {Outcome::Passed, text};
    case 2:
      return {Outcome::Skipped, text};
    default:
      return {Outcome::Failed, text};
  }
}

}  // namespace netns_test

// Runs the body (a lambda taking Checks&) in a private netns and reports through doctest.
#define NETNS_RUN(...)                                                   \
  do {                                                                   \
    const auto netns_result_ = netns_test::run_in_netns(__VA_ARGS__);           \
    if (netns_result_.outcome == netns_test::Outcome::Skipped) {         \
      MESSAGE(netns_result_.text);                                       \
    } else {                                                             \
      CHECK_MESSAGE(netns_result_.outcome == netns_test::Outcome::Passed, \
                    netns_result_.text);                                 \
    }                                                                    \
  } while (0)
