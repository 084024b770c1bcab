#include "daemon/run_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pptpctl {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

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

}  // namespace pptpctl
