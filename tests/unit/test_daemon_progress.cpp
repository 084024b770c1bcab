#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "daemon/progress.hpp"
#include "pipe_test_util.hpp"
#include "wire/fd.hpp"

using pptpctl::Exit;
using pptpctl::Progress;

namespace {

// Progress logs every line to stderr; thousands of them would bury ctest's output.
struct QuietStderr {
  int saved = ::dup(2);
  QuietStderr() {
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    ::dup2(null, 2);
    ::close(null);
  }
  ~QuietStderr() {
    ::dup2(saved, 2);
    ::close(saved);
  }
};

using pipe_test::Pipe;

// Everything left in the pipe, feeding it as the loop would (pending_fd, flush).
std::vector<std::string> read_all(int fd, Progress& progress) {
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  std::string text;
  char buf[65536];
  for (int round = 0; round < 100000; ++round) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<std::size_t>(n));
      progress.flush();
      continue;
    }
    if (n == 0) break;  // closed after the final line
    if (progress.pending_fd() < 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) break;
    }
    progress.flush();
  }
  std::vector<std::string> lines;
  std::size_t at = 0, nl;
  while ((nl = text.find('\n', at)) != std::string::npos) {
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  CHECK_MESSAGE(at == text.size(), "a torn line at the end");
  return lines;
}

const std::string kFiller(200, 'x');

}  // namespace

TEST_CASE("progress: a pipe nobody reads never blocks; debug lines go first, never the final line") {
  QuietStderr quiet;
  Pipe p;
  Progress progress("lab", p.write.release(), true);
  const auto start = std::chrono::steady_clock::now();
  // Three times the backlog's limit, with a phase every 100 lines.
  const int lines = static_cast<int>(3 * Progress::kBacklogLimit / kFiller.size());
  for (int i = 0; i < lines; ++i) {
    progress.debug("packet " + std::to_string(i) + " " + kFiller);
    if (i % 100 == 0) progress.phase("phase " + std::to_string(i / 100));
  }
  CHECK(progress.pending_fd() >= 0);
  progress.fail(Exit::GreBlocked, "no answer through GRE");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(progress.pending_fd() >= 0);  // waits for the reader; the loop polls it

  auto got = read_all(p.read.get(), progress);
  CHECK(progress.pending_fd() == -1);
  REQUIRE_FALSE(got.empty());
  CHECK(got.back() == "fail 8 no answer through GRE");
  int debug = 0, phases = 0, last_phase = -1;
  for (const auto& l : got) {
    if (l.rfind("debug packet ", 0) == 0) {
      ++debug;
      CHECK(l.size() > kFiller.size());  // whole, not torn
    } else if (l.rfind("phase phase ", 0) == 0) {
      const int n = std::stoi(l.substr(12));
      CHECK(n == last_phase + 1);  // every phase, in order
      last_phase = n;
      ++phases;
    } else {
      CHECK(l == got.back());
    }
  }
  CHECK(phases == (lines + 99) / 100);
  CHECK(debug > 0);
  CHECK(debug < lines);  // some were dropped for the limit
}

TEST_CASE("progress: the final line closes the pipe once it is out") {
  QuietStderr quiet;
  struct Case {
    bool up;
    const char* last;
  } cases[] = {{true, "up up: 198.51.100.10"}, {false, "fail 1 stopped before the link came up"}};
  for (const auto& c : cases) {
    CAPTURE(c.last);
    Pipe p;
    Progress progress("lab", p.write.release(), false);
    progress.phase("connecting");
    progress.debug("not sent without --debug");
    if (c.up) progress.up("up: 198.51.100.10");
    else progress.stopping("stopped");
    progress.phase("after the end: not sent");
    CHECK(progress.pending_fd() == -1);
    auto got = read_all(p.read.get(), progress);
    CHECK(got == std::vector<std::string>{"phase connecting", c.last});
  }
}

TEST_CASE("progress: an `up` that has gone costs nothing (no SIGPIPE, pipe closed)") {
  QuietStderr quiet;
  Pipe p;
  Progress progress("lab", p.write.release(), true);
  p.read.reset();
  progress.phase("connecting");
  progress.debug("more");
  CHECK(progress.pending_fd() == -1);
  progress.fail(Exit::Unreachable, "cannot reach 192.0.2.1:1723");
  CHECK(progress.pending_fd() == -1);
}
