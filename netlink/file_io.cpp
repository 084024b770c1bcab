#include "netlink/file_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "userspace/wire/fd.hpp"

namespace netlink {

namespace {

std::string err_text(int err) { return std::strerror(err); }

constexpr std::size_t kMaxReadBytes = 1u << 20;

std::string mode_octal(mode_t mode) {
  std::array<char, 8> out{};
  std::snprintf(out.data(), out.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return out.data();
}

std::string owner_name(uid_t uid) { return uid == 0 ? "root" : "uid " + std::to_string(uid); }

std::string temp_name(const std::string& path) { return path + ".pptpctl-tmp"; }

// A rename is durable only once its directory is on disk (fsync(2), NOTES).
void sync_dir_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  wire::Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

}  // namespace

wire::Result<std::optional<std::string>> read_whole_file(const std::string& path, ReadFrom from) {
  const bool own = from == ReadFrom::OwnRegularFile;
  // O_NONBLOCK: a FIFO planted where a record belongs must not hang us.
  const int flags = O_RDONLY | O_CLOEXEC | (own ? O_NOFOLLOW | O_NONBLOCK | O_NOCTTY : 0);
  wire::Fd fd(::open(path.c_str(), flags));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    if (own && errno == ELOOP) return wire::Error::fatal(path + " is a symbolic link; refusing to read it");
    return wire::Error::fatal("cannot read " + path + ": " + err_text(errno));
  }
  if (own) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
      return wire::Error::fatal(path + " is not a regular file; refusing to read it");
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return wire::Error::fatal("cannot read " + path + ": " + err_text(errno));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxReadBytes) return wire::Error::fatal(path + " is larger than 1 MiB; refusing to read it");
  }
  return std::optional<std::string>{std::move(out)};
}

wire::Result<wire::Unit> replace_file(const std::string& path, const std::string& bytes, mode_t mode) {
  const std::string tmp = temp_name(path);
  ::unlink(tmp.c_str());  // a leftover from a crash
  wire::Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) return wire::Error::fatal("cannot write " + tmp + ": " + err_text(errno));
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd.get(), p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return wire::Error::fatal("cannot write " + tmp + ": " + err_text(err));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // The umask may have narrowed the mode given to open().
  if (::fchmod(fd.get(), mode) < 0 || ::fsync(fd.get()) < 0 || fd.close() < 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return wire::Error::fatal("cannot write " + tmp + ": " + err_text(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return wire::Error::fatal("cannot replace " + path + ": " + err_text(err));
  }
  sync_dir_of(path);
  return wire::Unit{};
}

wire::Result<wire::Unit> replace_with_symlink(const std::string& path, const std::string& target) {
  const std::string tmp = temp_name(path);
  ::unlink(tmp.c_str());
  if (::symlink(target.c_str(), tmp.c_str()) < 0) {
    return wire::Error::fatal("cannot create the symlink " + tmp + ": " + err_text(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return wire::Error::fatal("cannot replace " + path + " with a symlink: " + err_text(err));
  }
  return wire::Unit{};
}

std::string private_dir_problem(const struct stat& st, std::string_view path, uid_t owner) {
  const std::string p(path);
  if (S_ISLNK(st.st_mode))
    return p + " is a symbolic link; refusing to use it (whoever made the link decides where root "
               "writes); remove it: rm " + p;
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
    return wire::Error::fatal("cannot check " + path + ": " + err_text(errno));
  }
  if (std::string problem = private_dir_problem(st, path, owner); !problem.empty())
    return wire::Error::fatal(problem);
  return true;
}

wire::Result<wire::Unit> ensure_private_dir(const std::string& path, uid_t owner) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return wire::Error::fatal("cannot create " + path + ": " + err_text(errno));
  auto ok = check_private_dir(path, owner);
  if (!ok) return ok.error();
  if (!*ok) return wire::Error::fatal("cannot create " + path + ": it vanished while being created");
  return wire::Unit{};
}

wire::Result<wire::Fd> lock_file(const std::string& path) {
  wire::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return wire::Error::fatal("cannot open the lock " + path + ": " + err_text(errno));
  while (::flock(fd.get(), LOCK_EX) < 0) {
    if (errno != EINTR) return wire::Error::fatal("cannot lock " + path + ": " + err_text(errno));
  }
  return fd;
}

wire::Result<std::string> follow_symlinks(const std::string& path) {
  std::filesystem::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st{};
    if (::lstat(p.c_str(), &st) < 0 || !S_ISLNK(st.st_mode)) {
      // "/etc/../run/x" as "/run/x": the directory as the kernel resolves it.
      std::error_code ec;
      auto dir = std::filesystem::weakly_canonical(p.parent_path(), ec);
      return ec || hops == 0 ? p.string() : (dir / p.filename()).string();
    }
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(p, ec);
    if (ec) return wire::Error::fatal("cannot read the symlink " + p.string() + ": " + ec.message());
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  return wire::Error::fatal("cannot follow " + path + ": too many levels of symlinks");
}

}  // namespace netlink
