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

struct stat;

namespace pptpctl {

// Why a directory, as lstat() describes it, must not be used, with what to
// run; empty when it is safe: a directory (not a symlink), owned by
// `owner`, no permission bits for group or others.
std::string private_dir_problem(const struct stat& st, std::string_view path, uid_t owner);

// Creates `path` (mode 0700) when missing, then checks it (above); the
// owner must be root. Every command that writes under RUN_DIR calls this.
wire::Result<wire::Unit> make_private_dir(const std::string& path, uid_t owner = 0);

// Checks `path` as above without creating it: true when it exists and is
// safe, false when it does not exist. For commands that only read there.
wire::Result<bool> check_private_dir(const std::string& path, uid_t owner = 0);

// A log file: appended to, created 0600, never through a symlink, and only
// a regular file.
wire::Result<wire::Fd> open_log(const std::string& path);

// A state file (a change record): written whole to PATH.tmp, created fresh
// (O_EXCL, O_NOFOLLOW), synced, renamed over PATH. A reader sees the old
// record or the new one.
wire::Result<wire::Unit> write_state_file(const std::string& path, std::string_view bytes);

// A state file's bytes; nullopt when there is none. A symlink or anything
// but a regular file is refused, and so is a file over 1 MiB.
wire::Result<std::optional<std::string>> read_state_file(const std::string& path);

}  // namespace pptpctl
