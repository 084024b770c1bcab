#pragma once
// Small file helpers for the resolv.conf backend: whole-file reads and
// atomic replacement (write a temporary next to the target, then rename), so
// a reader never sees half a resolv.conf and a crash leaves old or new.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "userspace/wire/fd.hpp"
#include "userspace/wire/result.hpp"

struct stat;

namespace netlink {

enum class ReadFrom : unsigned char {
  AnyFile,         // follows symlinks (resolv.conf often is one)
  OwnRegularFile,  // our own records: never a symlink, only a regular file
};

// The whole file, at most 1 MiB; nullopt when it does not exist; an error
// for anything else.
wire::Result<std::optional<std::string>> read_whole_file(const std::string& path,
                                                         ReadFrom from = ReadFrom::AnyFile);

// Replaces path (a file or a symlink: the link itself, never its target)
// with a regular file holding exactly `bytes`. The file and its directory are
// fsync'd, so after a power loss the new file is there (or the old one).
wire::Result<wire::Unit> replace_file(const std::string& path, const std::string& bytes, mode_t mode);

// Replaces path with a symlink to target.
wire::Result<wire::Unit> replace_with_symlink(const std::string& path, const std::string& target);

// A directory only `owner` (root) may use: whoever can write in the run
// directory or the DNS state directory can make root undo routes or
// rewrite resolv.conf as they choose. Why a directory, as lstat() describes
// it, must not be used, with what to run; empty when it is safe: a directory
// (not a symlink), owned by `owner`, no permission bits for group or others.
std::string private_dir_problem(const struct stat& st, std::string_view path, uid_t owner);

// Checks `path` as above without creating it: true when it exists and is
// safe, false when it does not exist. For commands that only read there.
wire::Result<bool> check_private_dir(const std::string& path, uid_t owner = 0);

// Creates `path` (mode 0700) when missing, then checks it as above.
wire::Result<wire::Unit> ensure_private_dir(const std::string& path, uid_t owner = 0);

// Opens (creating, 0600, never through a symlink) and flock()s path
// exclusively, waiting for another holder; the lock lasts as long as the fd.
wire::Result<wire::Fd> lock_file(const std::string& path);

// Where a chain of symlinks at path finally points (path itself if it is no
// symlink). The end may not exist. Relative links resolve against the link's
// own directory; the result's directory is canonical. Fails after 40 links (ELOOP, as the kernel does).
wire::Result<std::string> follow_symlinks(const std::string& path);

}  // namespace netlink
