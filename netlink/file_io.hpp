#pragma once
// Small file helpers for the resolv.conf backend: whole-file reads and
// atomic replacement (write a temporary next to the target, then rename), so
// a reader never sees half a resolv.conf and a crash leaves old or new.
#include <sys/types.h>

#include <optional>
#include <string>

#include "userspace/wire/fd.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

// nullopt when the file does not exist; an error for anything else.
wire::Result<std::optional<std::string>> read_whole_file(const std::string& path);

// Replaces path (a file or a symlink: the link itself, never its target)
// with a regular file holding exactly `bytes`. The file and its directory are
// fsync'd, so after a power loss the new file is there (or the old one).
wire::Result<wire::Unit> replace_file(const std::string& path, const std::string& bytes, mode_t mode);

// Replaces path with a symlink to target.
wire::Result<wire::Unit> replace_with_symlink(const std::string& path, const std::string& target);

// A directory only root (the caller's euid) may use: created 0700 if
// missing; refused if it is a symlink, not a directory, owned by someone
// else, or open to group or others.
wire::Result<wire::Unit> ensure_private_dir(const std::string& dir);

// Opens (creating, 0600, never through a symlink) and flock()s path
// exclusively, waiting for another holder; the lock lasts as long as the fd.
wire::Result<wire::Fd> lock_file(const std::string& path);

// Where a chain of symlinks at path finally points (path itself if it is no
// symlink). The end may not exist. Relative links resolve against the link's
// own directory; the result's directory is canonical. Fails after 40 links (ELOOP, as the kernel does).
wire::Result<std::string> follow_symlinks(const std::string& path);

}  // namespace netlink
