#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "kernel/frame_io.hpp"
#include "kernel/in_addr.hpp"
#include "kernel/sys_error.hpp"
#include "wire/fd.hpp"

namespace {
// A datagram socketpair keeps frame boundaries, as /dev/ppp does.
struct Pair {
  wire::Fd a, b;
  Pair() {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    a.reset(sv[0]);
    b.reset(sv[1]);
  }
};
}  // namespace

TEST_CASE("kernel: frames read back whole, empty queue is WouldBlock, closed peer is Hangup") {
  Pair p;
  std::vector<std::uint8_t> buf(kernel::kFrameBufferSize);
  auto r = kernel::read_frame(p.a.get(), buf);
  REQUIRE(r.ok());
  CHECK(r->status == kernel::ReadStatus::WouldBlock);

  const std::uint8_t lcp[] = {0xC0, 0x21, 0x09, 0x01, 0x00, 0x08, 0xDE, 0xAD, 0xBE, 0xEF};
  auto w = kernel::write_frame(p.b.get(), lcp);
  REQUIRE(w.ok());
  CHECK(*w == kernel::WriteStatus::Written);
  r = kernel::read_frame(p.a.get(), buf);
  REQUIRE(r.ok());
  CHECK(r->status == kernel::ReadStatus::Frame);
  CHECK(std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<long>(r->size)) ==
        std::vector<std::uint8_t>(std::begin(lcp), std::end(lcp)));

  p.b.reset();
  r = kernel::read_frame(p.a.get(), buf);
  REQUIRE(r.ok());
  CHECK(r->status == kernel::ReadStatus::Hangup);
}

TEST_CASE("kernel: a frame without its protocol bytes is not written") {
  Pair p;
  const std::uint8_t one[] = {0x21};
  auto w = kernel::write_frame(p.b.get(), one);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().kind == wire::ErrorKind::Ignore);
}

TEST_CASE("kernel: errno as words, in_addr as wire::Ipv4") {
  CHECK(kernel::errno_text(EBUSY) == "device or resource busy");
  in_addr a{};
  a.s_addr = htonl(0xC0000201);
  CHECK(kernel::to_ipv4(a) == wire::Ipv4{192, 0, 2, 1});
  CHECK(wire::to_string(kernel::to_ipv4(a)) == "192.0.2.1");
}
