#pragma once
// Reading files that hold a password without trusting anything about them:
// checks are made with fstat() on the descriptor actually read (no window
// between check and use), and a password file is never a symlink.
#include <sys/types.h>

#include <string>
#include <string_view>

#include "config/secret.hpp"
#include "userspace/wire/result.hpp"

struct stat;

namespace config {

inline constexpr std::size_t kMaxPasswordFileBytes = 1024;

// Why a file holding a password, owned per `st`, must not be used, with the
// command that fixes it; empty when it is private enough: owned by root or
// `euid`, and neither readable nor writable by group or others.
std::string private_file_problem(const struct stat& st, std::string_view path, uid_t euid);

// Why a profile that names a password_file, owned per `st`, must not be
// used, with the command that fixes it; empty when it is fine: owned by root
// or `euid`, and not writable by group or others. The profile decides where
// the password goes (server, auth, mppe): whoever may edit it may send the
// password to a server of their own, in the clear with "auth": ["pap"].
// Reading it is allowed: it holds no secret.
std::string password_profile_problem(const struct stat& st, std::string_view path, uid_t euid);

// The password in `path`: a regular file, not a symlink, private (above),
// at most 1 KiB, one trailing "\n" or "\r\n" dropped, not empty after that.
// `euid` is the user running pptpctl (geteuid(); a parameter for tests).
wire::Result<Secret> read_password_file(const std::string& path, uid_t euid);

// `path` as one shell word, for commands quoted in error messages.
std::string shell_quote(std::string_view path);

}  // namespace config
