#pragma once
// How the daemon tells the world how a connection goes. Three listeners, any
// of which may be absent: the `pptpctl up` that started us (lines on a pipe
// until the link is up or has failed), our stderr (the journal under
// systemd, a log file when detached), and systemd (sd_notify STATUS/READY).
//
// The pipe protocol is one line per message:
//   phase TEXT | debug TEXT | up ADDRESS-LINE | fail CODE TEXT
#include <string>
#include <string_view>

#include "daemon/exit_codes.hpp"

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
  // The link carries traffic. Releases the `up` waiting on the pipe.
  void up(std::string_view summary);
  // The connection failed (before or after up). Releases `up` too.
  void fail(Exit code, std::string_view reason);
  // Teardown has begun (systemd STOPPING=1).
  void stopping(std::string_view why);

 private:
  void log(std::string_view level, std::string_view text);
  void to_pipe(std::string_view kind, std::string_view text);
  void close_pipe();

  std::string profile_;
  int pipe_fd_;
  bool debug_;
};

}  // namespace pptpctl
