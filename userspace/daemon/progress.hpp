#pragma once
// How the daemon tells the world how a connection goes. Three listeners, any
// of which may be absent: the `pptpctl up` that started us (lines on a pipe
// until the link is up or has failed), our stderr (the journal under
// systemd, a log file when detached), and systemd (sd_notify STATUS/READY).
//
// Every line has a level. Under systemd (stderr is the journal's stream,
// $JOURNAL_STREAM) it goes out as a syslog priority prefix, "<4>...", so
// `journalctl -u pptpctl@NAME -p warning` shows just the problems; into a
// log file it goes as a word after the time stamp.
//
// The pipe protocol is one line per message:
//   phase TEXT | debug TEXT | up ADDRESS-LINE | fail CODE TEXT
//
// The pipe never blocks us: a Ctrl-Z'd `up --debug` must not stall the
// daemon. Lines it has not taken wait in a bounded backlog that the event
// loop drains (pending_fd(), flush()); over the bound, debug lines go first,
// then phases; the final up/fail line is never dropped.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "daemon/exit_codes.hpp"
#include "wire/fd.hpp"

namespace pptpctl {

class Progress {
 public:
  // pipe_fd < 0: no `up` waits for us. debug: packet lines go out too.
  Progress(std::string profile, int pipe_fd, bool debug);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void phase(std::string_view text);
  void debug(std::string_view text);
  bool debugging() const { return debug_; }
  // Also a log line; fine-grained notes that are not phases.
  void info(std::string_view text);
  // Something is wrong but the daemon carries on (a lost link it redials, a
  // DNS server it refused): a log line at warning, and a phase for the
  // waiting `up` and systemd's STATUS=.
  void warning(std::string_view text);
  // The link carries traffic. Releases the `up` waiting on the pipe.
  void up(std::string_view summary);
  // The connection failed (before or after up). Releases `up` too.
  void fail(Exit code, std::string_view reason);
  // Teardown has begun (systemd STOPPING=1).
  void stopping(std::string_view why);

  // The pipe while lines wait to be written (poll it for POLLOUT), else -1.
  int pending_fd() const { return backlog_.empty() ? -1 : pipe_.get(); }
  // Writes what the pipe takes now; closes it once the final line is out,
  // or when the `up` has gone.
  void flush();

  // Bytes of unsent lines kept for a reader that is slow or stopped.
  static constexpr std::size_t kBacklogLimit = 1024 * 1024;

 private:
  // What may be dropped when the backlog is over its limit, first to last.
  enum class Keep { Debug, Phase, Final };
  struct Line {
    std::string text;
    Keep keep;
  };

  // syslog(3) priorities, as sd-daemon.h's SD_* prefixes number them.
  enum class Level { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };
  void log(Level level, std::string_view text);
  void to_pipe(std::string_view kind, std::string_view text, Keep keep);
  void trim(Keep below);
  void close_pipe();

  std::string profile_;
  wire::Fd pipe_;
  bool debug_;
  std::deque<Line> backlog_;
  std::size_t backlog_bytes_ = 0;
  std::size_t front_sent_ = 0;  // bytes of backlog_.front() already in the pipe
  bool final_queued_ = false;   // up/fail is queued: nothing follows it
};

}  // namespace pptpctl
