#include "config/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include "userspace/wire/fd.hpp"

namespace config {

namespace {

std::string errno_text(int err) { return std::generic_category().message(err); }

std::string mode_octal(mode_t mode) {
  std::array<char, 8> out{};
  std::snprintf(out.data(), out.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return out.data();
}

}  // namespace

std::string shell_quote(std::string_view path) {
  const bool plain = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("/._-+,:@%=").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(path);
  std::string out = "'";
  for (char c : path) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string private_file_problem(const struct stat& st, std::string_view path, uid_t euid) {
  const std::string shown = shell_quote(path);
  if (st.st_uid != 0 && st.st_uid != euid) {
    const std::string owner = euid == 0 ? "root" : std::to_string(euid);
    return std::string(path) + " holds a password but is owned by uid " +
           std::to_string(st.st_uid) + ", not by " +
           (euid == 0 ? std::string("root") : "root or uid " + owner + " (who runs pptpctl)") +
           "; run: chown " + owner + " " + shown;
  }
  if ((st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
    return std::string(path) +
           " holds a password but can be read or written by users other than its owner (mode " +
           mode_octal(st.st_mode) + "); run: chmod 600 " + shown;
  }
  return {};
}

std::string password_profile_problem(const struct stat& st, std::string_view path, uid_t euid) {
  const std::string shown = shell_quote(path);
  const std::string why = " names a password_file, and whoever can change it can send the password elsewhere";
  if (st.st_uid != 0 && st.st_uid != euid) {
    const std::string owner = euid == 0 ? "root" : std::to_string(euid);
    return std::string(path) + why + ", but it is owned by uid " + std::to_string(st.st_uid) + ", not by " +
           (euid == 0 ? std::string("root") : "root or uid " + owner + " (who runs pptpctl)") + "; run: chown " +
           owner + " " + shown;
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return std::string(path) + why + ", but it can be written by users other than its owner (mode " +
           mode_octal(st.st_mode) + "); run: chmod go-w " + shown;
  }
  return {};
}

wire::Result<Secret> read_password_file(const std::string& path, uid_t euid) {
  // O_NONBLOCK: a FIFO planted here must not hang us before fstat says
  // it is not a regular file.
  wire::Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    const int err = errno;
    if (err == ELOOP)
      return wire::Error::fatal("password file " + path +
                                " is a symbolic link; it must be a regular file (links are not "
                                "followed, so nobody can point it at another file)");
    if (err == ENOENT) return wire::Error::fatal("password file " + path + " does not exist");
    return wire::Error::fatal("cannot open password file " + path + ": " + errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return wire::Error::fatal("cannot stat password file " + path + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode))
    return wire::Error::fatal("password file " + path + " is not a regular file");
  if (std::string problem = private_file_problem(st, path, euid); !problem.empty())
    return wire::Error::fatal(problem);
  const std::string too_big = "password file " + path +
                              " is larger than 1 KiB; it should hold only the password";
  if (st.st_size > static_cast<off_t>(kMaxPasswordFileBytes)) return wire::Error::fatal(too_big);

  // One byte more than allowed, to notice a file that grew since fstat.
  std::array<char, kMaxPasswordFileBytes + 1> buf{};
  std::size_t len = 0;
  while (len < buf.size()) {
    const ssize_t n = ::read(fd.get(), buf.data() + len, buf.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      wipe(buf.data(), buf.size());
      return wire::Error::fatal("cannot read password file " + path + ": " + errno_text(err));
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  if (len > kMaxPasswordFileBytes) {
    wipe(buf.data(), buf.size());
    return wire::Error::fatal(too_big);
  }
  std::string_view text(buf.data(), len);
  if (text.ends_with("\r\n"))
    text.remove_suffix(2);
  else if (text.ends_with('\n'))
    text.remove_suffix(1);
  Secret secret;
  const bool fits = secret.assign(text);
  wipe(buf.data(), buf.size());
  if (!fits) return wire::Error::fatal(too_big);
  if (secret.empty()) return wire::Error::fatal("password file " + path + " is empty");
  return secret;
}

}  // namespace config
