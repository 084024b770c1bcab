#include "daemon/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "wire/fd.hpp"

namespace pptpctl {

wire::Result<wire::Unit> notify_to(std::string_view address, std::string_view state) {
  if (address.empty()) return wire::Unit{};
  const std::string what = "cannot notify the service manager at " + std::string(address) + ": ";
  // sd_notify(3): only absolute paths and abstract names are ours to use.
  if (address.front() != '/' && address.front() != '@') return wire::Error::fatal(what + "not a path or an abstract socket name");
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  // A path needs its NUL inside sun_path; an abstract name is exactly its
  // bytes after the leading NUL (unix(7)), so it may use all of sun_path.
  const bool abstract = address.front() == '@';
  if (address.size() > sizeof sa.sun_path - (abstract ? 0 : 1)) return wire::Error::fatal(what + "the name is too long");
  std::memcpy(sa.sun_path, address.data(), address.size());
  if (abstract) sa.sun_path[0] = '\0';
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() + (abstract ? 0 : 1));

  wire::Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return wire::Error::fatal(what + std::strerror(errno));
  iovec iov{const_cast<char*>(state.data()), state.size()};
  msghdr msg{};
  msg.msg_name = &sa;
  msg.msg_namelen = len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  // Blocking, as libsystemd's: a READY=1 dropped on a full queue would leave
  // the unit "activating" until its timeout. MSG_NOSIGNAL: no SIGPIPE ever.
  ssize_t n;
  do {
    n = ::sendmsg(fd.get(), &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return wire::Error::fatal(what + std::strerror(errno));
  return wire::Unit{};
}

wire::Result<wire::Unit> sd_notify(std::string_view state) {
  const char* env = std::getenv("NOTIFY_SOCKET");
  return notify_to(env == nullptr ? std::string_view{} : std::string_view(env), state);
}

}  // namespace pptpctl
