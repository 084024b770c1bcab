#pragma once
// The helper programs the daemon runs (nft for the injection guard,
// resolvconf for DNS), run one way: input from memory on stdin, stdout and
// stderr into memory files (neither side can block on a full pipe), nothing
// but the three standard fds inherited, a fixed PATH, no blocked or ignored
// signals (the daemon blocks what its signalfd reads and ignores SIGPIPE),
// and a time limit after which the program is killed.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "userspace/wire/result.hpp"

namespace netlink {

struct ProgramRun {
  int status = 0;   // exit status, when it exited
  int signal = 0;   // the signal that killed it, else 0
  std::string out;  // at most 1 MiB of each
  std::string err;
};

// Runs `path` (absolute) with `args`. An error only when it could not be
// run or did not finish within `patience`; a non-zero exit is a ProgramRun.
wire::Result<ProgramRun> run_program(const std::string& path, const std::vector<std::string>& args,
                                     const std::string& input, std::chrono::milliseconds patience);

// The first executable `name` in search_path (a PATH-style list). Without
// one: $PATH (or the usual bin and sbin directories when $PATH is unset),
// then /usr/sbin and /sbin, which a plain user's $PATH lacks. Relative
// directories ("" and "." among them) are never searched: whoever sets them
// would choose what root runs. `accept` may refuse a candidate, and the
// search goes on.
std::optional<std::string> find_program(std::string_view name, const std::optional<std::string>& search_path = {},
                                        const std::function<bool(const std::string&)>& accept = {});

// The first non-empty line the program wrote (stderr first, else stdout),
// printable and bounded, for a one-line failure sentence.
std::string program_said(const ProgramRun& run);

}  // namespace netlink
