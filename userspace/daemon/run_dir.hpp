#pragma once
// The daemon's private directories and the files in them. RUN_DIR holds the
// control sockets, locks, logs and change records: whoever can write there
// can make root undo routes of their choice (`pptpctl down` replays a record)
// or point a log at /etc/shadow with a symlink. So the directory must be a
// real directory, root's, and closed to group and others (mode 0700), and
// every file in it is opened without following a symlink (O_NOFOLLOW).
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "wire/fd.hpp"
#include "wire/result.hpp"

namespace pptpctl {

// The directory checks (private_dir_problem, check_private_dir,
// ensure_private_dir) and the bounded reader live in netlink/file_io.hpp:
// the DNS state directory needs the same rules.

// A log file: appended to, created 0600, never through a symlink, and only
// a regular file.
wire::Result<wire::Fd> open_log(const std::string& path);

// A state file (a change record): written whole to PATH.tmp, created fresh
// (O_EXCL, O_NOFOLLOW), synced, renamed over PATH. A reader sees the old
// record or the new one.
wire::Result<wire::Unit> write_state_file(const std::string& path, std::string_view bytes);

}  // namespace pptpctl
