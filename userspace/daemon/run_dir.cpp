#include "daemon/run_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pptpctl {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string mode_octal(mode_t mode) {
  std::array<char, 8> out{};
  std::snprintf(out.data(), out.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return out.data();
}

std::string owner_name(uid_t uid) { return uid == 0 ? "root" : "uid " + std::to_string(uid); }

constexpr std::size_t kMaxStateBytes = 1u << 20;

}  // namespace

std::string private_dir_problem(const struct stat& st, std::string_view path, uid_t owner) {
  const std::string p(path);
  if (S_ISLNK(st.st_mode))
    return p + " is a symbolic link; refusing to use it (whoever made the link decides where sockets, logs and "
               "records go); remove it: rm " + p;
  if (!S_ISDIR(st.st_mode)) return p + " is not a directory; refusing to use it; remove it: rm " + p;
  if (st.st_uid != owner)
    return p + " is owned by " + owner_name(st.st_uid) + ", not " + owner_name(owner) +
           "; refusing to use it; run: chown " + (owner == 0 ? std::string("root") : std::to_string(owner)) + " " + p;
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return p + " is open to users other than " + owner_name(owner) + " (mode " + mode_octal(st.st_mode) +
           "); refusing to use it; run: chmod 700 " + p;
  return {};
}

wire::Result<bool> check_private_dir(const std::string& path, uid_t owner) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return wire::Error::fatal("cannot check " + path + ": " + errno_text(errno));
  }
  if (std::string problem = private_dir_problem(st, path, owner); !problem.empty())
    return wire::Error::fatal(problem);
  return true;
}

wire::Result<wire::Unit> make_private_dir(const std::string& path, uid_t owner) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return wire::Error::fatal("cannot create " + path + ": " + errno_text(errno));
  auto ok = check_private_dir(path, owner);
  if (!ok) return ok.error();
  if (!*ok) return wire::Error::fatal("cannot create " + path + ": it vanished while being created");
  return wire::Unit{};
}

wire::Result<wire::Fd> open_log(const std::string& path) {
  wire::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                     0600));
  if (!fd) {
    if (errno == ELOOP) return wire::Error::fatal("log " + path + " is a symbolic link; refusing to write through it");
    return wire::Error::fatal("cannot open the log " + path + ": " + errno_text(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return wire::Error::fatal("log " + path + " is not a regular file; refusing to write to it");
  // O_NONBLOCK only kept a planted FIFO from hanging the open.
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

wire::Result<wire::Unit> write_state_file(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of a crash; never followed, only removed
  wire::Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return wire::Error::fatal("cannot write " + tmp + ": " + errno_text(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::unlink(tmp.c_str());
      return wire::Error::fatal("cannot write " + tmp + ": " + errno_text(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || fd.close() != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return wire::Error::fatal("cannot write " + tmp + ": " + errno_text(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return wire::Error::fatal("cannot replace " + path + ": " + errno_text(err));
  }
  return wire::Unit{};
}

wire::Result<std::optional<std::string>> read_state_file(const std::string& path) {
  wire::Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    if (errno == ENOENT) return std::optional<std::string>{};
    if (errno == ELOOP) return wire::Error::fatal(path + " is a symbolic link; refusing to read it");
    return wire::Error::fatal("cannot read " + path + ": " + errno_text(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return wire::Error::fatal(path + " is not a regular file; refusing to read it");
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return wire::Error::fatal("cannot read " + path + ": " + errno_text(errno));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxStateBytes) return wire::Error::fatal(path + " is larger than 1 MiB; refusing to read it");
  }
  return std::optional<std::string>{std::move(out)};
}

}  // namespace pptpctl
