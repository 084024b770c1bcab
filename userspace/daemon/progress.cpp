#include "daemon/progress.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "daemon/sd_notify.hpp"
#include "wire/text.hpp"

namespace pptpctl {

namespace {

// A line must never be split in the pipe protocol, and no control byte may
// reach the journal, the log file or the terminal of `up`: whatever a layer
// forgot to escape is escaped here (wire/text.hpp).
std::string one_line(std::string_view text) { return wire::one_line(text); }

// Is stderr the journal's stream? systemd sets $JOURNAL_STREAM to its
// "device:inode"; a redirect (a log file) makes them differ (systemd.exec(5)).
bool stderr_is_journal() {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(2, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

// The service manager's view is best effort, as libsystemd's sd_notify was
// used: a manager that cannot be told changes nothing about the tunnel.
void notify(const std::string& state) { (void)sd_notify(state); }

}  // namespace

Progress::Progress(std::string profile, int pipe_fd, bool debug)
    : profile_(std::move(profile)), pipe_(pipe_fd), debug_(debug) {
  if (!pipe_) return;
  // A write to a pipe whose `up` has gone raises SIGPIPE, and no send flag
  // avoids it on a pipe: the write's EPIPE is all we want to know.
  ::signal(SIGPIPE, SIG_IGN);
  const int flags = ::fcntl(pipe_.get(), F_GETFL);
  if (flags >= 0) ::fcntl(pipe_.get(), F_SETFL, flags | O_NONBLOCK);
}

Progress::~Progress() {
  // The daemon is done and blocks nothing by now: give a reader that still
  // moves the last lines (the fail line above all), and stop waiting as soon
  // as it stands still for a second (stopped, or gone).
  while (pending_fd() >= 0) {
    const std::size_t before = backlog_bytes_ - front_sent_;
    pollfd p{pipe_.get(), POLLOUT, 0};
    if (::poll(&p, 1, 1000) <= 0) break;
    flush();
    if (pending_fd() >= 0 && backlog_bytes_ - front_sent_ == before) break;
  }
  close_pipe();
}

void Progress::log(Level level, std::string_view text) {
  static const bool journal = stderr_is_journal();
  if (journal) {
    // The journal stamps the time itself; the prefix becomes PRIORITY=.
    std::fprintf(stderr, "<%d>%s\n", static_cast<int>(level), one_line(text).c_str());
    std::fflush(stderr);
    return;
  }
  const char* word = "";
  switch (level) {
    case Level::Error: word = "error: "; break;
    case Level::Warning: word = "warning: "; break;
    case Level::Notice: break;
    case Level::Info: break;
    case Level::Debug: word = "debug: "; break;
  }
  char stamp[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  std::fprintf(stderr, "%s %s%s\n", stamp, word, one_line(text).c_str());
  std::fflush(stderr);
}

void Progress::to_pipe(std::string_view kind, std::string_view text, Keep keep) {
  // Nothing follows the final line; after it the pipe closes.
  if (!pipe_ || final_queued_) return;
  std::string line = std::string(kind) + " " + one_line(text) + "\n";
  backlog_bytes_ += line.size();
  backlog_.push_back({std::move(line), keep});
  if (keep == Keep::Final) final_queued_ = true;
  if (backlog_bytes_ > kBacklogLimit) trim(Keep::Phase);
  if (backlog_bytes_ > kBacklogLimit) trim(Keep::Final);
  if (backlog_bytes_ > kBacklogLimit) {
    // Even the final line does not fit: the `up` is gone or frozen.
    close_pipe();
    return;
  }
  flush();
}

void Progress::trim(Keep below) {
  // The front line may be half in the pipe: cutting it would tear the line.
  auto it = backlog_.begin();
  if (it != backlog_.end() && front_sent_ > 0) ++it;
  while (it != backlog_.end() && backlog_bytes_ > kBacklogLimit) {
    if (it->keep < below) {
      backlog_bytes_ -= it->text.size();
      it = backlog_.erase(it);
    } else {
      ++it;
    }
  }
}

void Progress::flush() {
  while (pipe_ && !backlog_.empty()) {
    const std::string& line = backlog_.front().text;
    const ssize_t n = ::write(pipe_.get(), line.data() + front_sent_, line.size() - front_sent_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      // The `up` that waited has gone (Ctrl-C): carry on without it.
      close_pipe();
      return;
    }
    front_sent_ += static_cast<std::size_t>(n);
    if (front_sent_ == line.size()) {
      backlog_bytes_ -= line.size();
      backlog_.pop_front();
      front_sent_ = 0;
    }
  }
  if (final_queued_) close_pipe();
}

void Progress::close_pipe() {
  pipe_.reset();
  backlog_.clear();
  backlog_bytes_ = 0;
  front_sent_ = 0;
}

void Progress::phase(std::string_view text) {
  log(Level::Notice, text);
  to_pipe("phase", text, Keep::Phase);
  notify("STATUS=" + one_line(text));
}

void Progress::debug(std::string_view text) {
  if (!debug_) return;
  log(Level::Debug, text);
  to_pipe("debug", text, Keep::Debug);
}

void Progress::info(std::string_view text) {
  log(Level::Info, text);
  if (debug_) to_pipe("debug", text, Keep::Debug);
}

void Progress::warning(std::string_view text) {
  log(Level::Warning, text);
  to_pipe("phase", text, Keep::Phase);
  notify("STATUS=" + one_line(text));
}

void Progress::up(std::string_view summary) {
  log(Level::Notice, summary);
  to_pipe("up", summary, Keep::Final);
  notify("READY=1\nSTATUS=" + one_line(summary));
}

void Progress::fail(Exit code, std::string_view reason) {
  log(Level::Error, reason);
  to_pipe("fail", std::to_string(pptpctl::code(code)) + " " + std::string(reason), Keep::Final);
  notify("STATUS=failed: " + one_line(reason) + "\nERRNO=" + std::to_string(pptpctl::code(code)));
}

void Progress::stopping(std::string_view why) {
  log(Level::Notice, why);
  // Stopped before the link came up: the waiting `up` deserves the reason.
  to_pipe("fail", std::to_string(pptpctl::code(Exit::Failure)) + " " + std::string(why) + " before the link came up",
          Keep::Final);
  notify("STOPPING=1\nSTATUS=" + one_line(why));
}

}  // namespace pptpctl
