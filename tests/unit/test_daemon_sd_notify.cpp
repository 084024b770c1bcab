// sd_notify(3)'s datagram, written by the daemon itself: the test binds the
// socket the service manager would, and reads what arrives.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "config_test_util.hpp"
#include "daemon/progress.hpp"
#include "daemon/sd_notify.hpp"
#include "wire/fd.hpp"

namespace {

// A receiving socket at ADDRESS ("/path" or "@abstract"), with SO_PASSCRED as
// systemd sets it, so the sender's credentials come along.
wire::Fd bind_receiver(const std::string& address) {
  wire::Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  REQUIRE(fd);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  const bool abstract = address[0] == '@';
  std::memcpy(sa.sun_path, address.data(), address.size());
  if (abstract) sa.sun_path[0] = '\0';
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() + (abstract ? 0 : 1));
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), len) == 0);
  int one = 1;
  REQUIRE(::setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof one) == 0);
  return fd;
}

struct Received {
  std::string text;
  pid_t pid = 0;
};

// One datagram, or an empty text when none is waiting.
Received receive(const wire::Fd& fd) {
  char buf[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd.get(), &msg, 0);
  Received r;
  if (n < 0) return r;
  r.text.assign(buf, static_cast<std::size_t>(n));
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred{};
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      r.pid = cred.pid;
    }
  }
  return r;
}

// Sets (or unsets) $NOTIFY_SOCKET for one scope.
struct NotifyEnv {
  explicit NotifyEnv(const char* value) {
    if (value != nullptr) ::setenv("NOTIFY_SOCKET", value, 1);
    else ::unsetenv("NOTIFY_SOCKET");
  }
  ~NotifyEnv() { ::unsetenv("NOTIFY_SOCKET"); }
};

std::string abstract_name() { return "@pptpctl-test-notify-" + std::to_string(::getpid()); }

}  // namespace

TEST_CASE("sd_notify: one datagram to a path or an abstract socket, with our credentials") {
  config_test::TempDir dir;
  const std::vector<std::string> addresses{dir / "notify", abstract_name()};
  for (const auto& address : addresses) {
    CAPTURE(address);
    wire::Fd rx = bind_receiver(address);
    const std::string state = "READY=1\nSTATUS=up: 192.0.2.10 on pptp-office";
    REQUIRE(pptpctl::notify_to(address, state));
    const Received got = receive(rx);
    CHECK(got.text == state);
    CHECK(got.pid == ::getpid());
  }
}

TEST_CASE("sd_notify: $NOTIFY_SOCKET names the socket; unset means nobody listens") {
  const std::string address = abstract_name() + "-env";
  wire::Fd rx = bind_receiver(address);
  {
    NotifyEnv env(address.c_str());
    REQUIRE(pptpctl::sd_notify("STATUS=connecting"));
    CHECK(receive(rx).text == "STATUS=connecting");
  }
  {
    NotifyEnv env(nullptr);
    CHECK(pptpctl::sd_notify("STATUS=nobody"));
    CHECK(receive(rx).text.empty());
  }
}

TEST_CASE("sd_notify: addresses it cannot use are refused with one sentence") {
  struct Row {
    std::string address;
    std::string why;
  };
  const std::vector<Row> rows{
      {"run/systemd/notify", "not a path or an abstract socket name"},
      {"vsock:2:1234", "not a path or an abstract socket name"},
      {"/" + std::string(200, 'x'), "the name is too long"},
      {"@" + std::string(200, 'x'), "the name is too long"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.address);
    auto r = pptpctl::notify_to(row.address, "READY=1");
    REQUIRE_FALSE(r);
    CHECK(r.error().reason == "cannot notify the service manager at " + row.address + ": " + row.why);
  }
  // Nobody bound at the address: the send fails and says so.
  auto r = pptpctl::notify_to(abstract_name() + "-nobody", "READY=1");
  REQUIRE_FALSE(r);
  CHECK(r.error().reason.find("Connection refused") != std::string::npos);
}

TEST_CASE("sd_notify: Progress tells the manager STATUS, READY with the summary, and failure's ERRNO") {
  const std::string address = abstract_name() + "-progress";
  wire::Fd rx = bind_receiver(address);
  NotifyEnv env(address.c_str());
  // Progress logs to stderr as well; keep ctest's output clean.
  const int saved = ::dup(2);
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  ::dup2(null, 2);
  ::close(null);
  {
    pptpctl::Progress p("office", -1, false);
    p.phase("connecting to 192.0.2.1:1723");
    p.up("up: 192.0.2.10\nsecond line");
    p.fail(pptpctl::Exit::Failure, "gone");
  }
  ::dup2(saved, 2);
  ::close(saved);
  CHECK(receive(rx).text == "STATUS=connecting to 192.0.2.1:1723");
  // A newline in the text must not become a second assignment.
  const std::string ready = receive(rx).text;
  CHECK(ready.starts_with("READY=1\nSTATUS=up: 192.0.2.10"));
  CHECK(ready.find('\n', 8) == std::string::npos);
  CHECK(receive(rx).text == "STATUS=failed: gone\nERRNO=" + std::to_string(pptpctl::code(pptpctl::Exit::Failure)));
}
