#include "daemon/progress.hpp"

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace pptpctl {

namespace {

// A line must never be split in the pipe protocol: newlines become spaces.
std::string one_line(std::string_view text) {
  std::string s(text);
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

Progress::Progress(std::string profile, int pipe_fd, bool debug)
    : profile_(std::move(profile)), pipe_fd_(pipe_fd), debug_(debug) {}

Progress::~Progress() { close_pipe(); }

void Progress::log(std::string_view level, std::string_view text) {
  char stamp[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  std::fprintf(stderr, "%s %s%s%s\n", stamp, std::string(level).c_str(), level.empty() ? "" : ": ",
               one_line(text).c_str());
  std::fflush(stderr);
}

void Progress::to_pipe(std::string_view kind, std::string_view text) {
  if (pipe_fd_ < 0) return;
  std::string line = std::string(kind) + " " + one_line(text) + "\n";
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(pipe_fd_, p, left);
    if (n <= 0) {
      // The `up` that waited has gone (Ctrl-C): carry on without it.
      close_pipe();
      return;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void Progress::close_pipe() {
  if (pipe_fd_ >= 0) ::close(pipe_fd_);
  pipe_fd_ = -1;
}

void Progress::phase(std::string_view text) {
  log("", text);
  to_pipe("phase", text);
  sd_notifyf(0, "STATUS=%s", one_line(text).c_str());
}

void Progress::debug(std::string_view text) {
  if (!debug_) return;
  log("debug", text);
  to_pipe("debug", text);
}

void Progress::info(std::string_view text) {
  log("", text);
  if (debug_) to_pipe("debug", text);
}

void Progress::up(std::string_view summary) {
  log("", summary);
  to_pipe("up", summary);
  close_pipe();
  sd_notifyf(0, "READY=1\nSTATUS=%s", one_line(summary).c_str());
}

void Progress::fail(Exit code, std::string_view reason) {
  log("error", reason);
  to_pipe("fail", std::to_string(pptpctl::code(code)) + " " + std::string(reason));
  close_pipe();
  sd_notifyf(0, "STATUS=failed: %s\nERRNO=%d", one_line(reason).c_str(), pptpctl::code(code));
}

void Progress::stopping(std::string_view why) {
  log("", why);
  // Stopped before the link came up: the waiting `up` deserves the reason.
  if (pipe_fd_ >= 0) {
    to_pipe("fail", std::to_string(pptpctl::code(Exit::Failure)) + " " + std::string(why) + " before the link came up");
    close_pipe();
  }
  sd_notifyf(0, "STOPPING=1\nSTATUS=%s", one_line(why).c_str());
}

}  // namespace pptpctl
