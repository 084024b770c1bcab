#pragma once
// Small file helpers for the resolv.conf backend: whole-file reads and
// atomic replacement (write a temporary next to the target, then rename), so
// a reader never sees half a resolv.conf and a crash leaves old or new.
#include <sys/types.h>

#include <optional>
#include <string>

#include "userspace/wire/result.hpp"

namespace netlink {

// nullopt when the file does not exist; an error for anything else.
wire::Result<std::optional<std::string>> read_whole_file(const std::string& path);

// Replaces path (a file or a symlink: the link itself, never its target)
// with a regular file holding exactly `bytes`.
wire::Result<wire::Unit> replace_file(const std::string& path, const std::string& bytes, mode_t mode);

// Replaces path with a symlink to target.
wire::Result<wire::Unit> replace_with_symlink(const std::string& path, const std::string& target);

}  // namespace netlink
