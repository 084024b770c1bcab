#include "netlink/file_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "userspace/wire/fd.hpp"

namespace netlink {

namespace {

std::string err_text(int err) { return std::strerror(err); }

std::string temp_name(const std::string& path) { return path + ".pptpctl-tmp"; }

// A rename is durable only once its directory is on disk (fsync(2), NOTES).
void sync_dir_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  wire::Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

}  // namespace

wire::Result<std::optional<std::string>> read_whole_file(const std::string& path) {
  wire::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return wire::Error::fatal("cannot read " + path + ": " + err_text(errno));
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return wire::Error::fatal("cannot read " + path + ": " + err_text(errno));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > (1u << 20)) return wire::Error::fatal("cannot read " + path + ": larger than 1 MiB");
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

wire::Result<wire::Unit> ensure_private_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) return wire::Unit{};
  if (errno != EEXIST) return wire::Error::fatal("cannot create " + dir + ": " + err_text(errno));
  struct stat st{};
  if (::lstat(dir.c_str(), &st) < 0) return wire::Error::fatal("cannot inspect " + dir + ": " + err_text(errno));
  if (S_ISLNK(st.st_mode)) return wire::Error::fatal(dir + " is a symlink; refusing to keep state there");
  if (!S_ISDIR(st.st_mode)) return wire::Error::fatal(dir + " is not a directory; refusing to keep state there");
  if (st.st_uid != ::geteuid()) {
    return wire::Error::fatal(dir + " is owned by uid " + std::to_string(st.st_uid) +
                              ", not root; refusing to keep state there");
  }
  if ((st.st_mode & 077) != 0) {
    return wire::Error::fatal(dir + " is open to group or others; run: chmod 700 " + dir);
  }
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
