#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdint>
#include <vector>

#include "daemon/out_buffer.hpp"
#include "wire/fd.hpp"

using pptpctl::OutBuffer;

namespace {

// A stream pair with small buffers, so a few messages fill it.
struct Stream {
  wire::Fd ours, peer;
  Stream() {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    ours.reset(sv[0]);
    peer.reset(sv[1]);
    int small = 4096;
    ::setsockopt(ours.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    ::setsockopt(peer.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  }
  // Everything the peer can read now.
  void drain(std::vector<std::uint8_t>& into) {
    std::uint8_t buf[8192];
    ssize_t n;
    while ((n = ::recv(peer.get(), buf, sizeof buf, 0)) > 0) into.insert(into.end(), buf, buf + n);
  }
};

// Message i: a 2-byte length (as PPTP's header has), a 2-byte sequence, then
// filler; sizes vary so that short writes land mid-message.
std::vector<std::uint8_t> message(std::uint16_t i) {
  const std::uint16_t len = static_cast<std::uint16_t>(16 + (i * 37) % 300);
  std::vector<std::uint8_t> m(len, static_cast<std::uint8_t>(i));
  m[0] = static_cast<std::uint8_t>(len >> 8);
  m[1] = static_cast<std::uint8_t>(len);
  m[2] = static_cast<std::uint8_t>(i >> 8);
  m[3] = static_cast<std::uint8_t>(i);
  return m;
}

// Parses the stream back by its length fields: every message whole, in order.
void check_stream(const std::vector<std::uint8_t>& got, std::uint16_t count) {
  std::size_t at = 0;
  for (std::uint16_t i = 0; i < count; ++i) {
    CAPTURE(i);
    REQUIRE(at + 4 <= got.size());
    REQUIRE(std::vector<std::uint8_t>(got.begin() + static_cast<std::ptrdiff_t>(at),
                                      got.begin() + static_cast<std::ptrdiff_t>(at + message(i).size())) ==
            message(i));
    at += message(i).size();
  }
  CHECK(at == got.size());
}

}  // namespace

TEST_CASE("out buffer: a full socket never tears a message; all arrive whole and in order") {
  Stream s;
  OutBuffer out(1 << 20);
  std::vector<std::uint8_t> got;
  std::uint16_t pushed = 0;
  // Fill the socket until it takes no more, then queue a good deal beyond.
  while (!out.pending() || out.size() < 20000) {
    auto m = message(pushed++);
    REQUIRE(out.push(m).ok());
    REQUIRE(out.flush(s.ours.get()).ok());
  }
  CHECK(out.pending());
  // The reader comes back: drain and flush in turns, as the loop would.
  for (int round = 0; round < 10000 && out.pending(); ++round) {
    s.drain(got);
    REQUIRE(out.flush(s.ours.get()).ok());
  }
  s.drain(got);
  CHECK_FALSE(out.pending());
  CHECK(out.size() == 0);
  check_stream(got, pushed);
}

TEST_CASE("out buffer: over the limit, a message is refused whole; a gone peer is an error") {
  Stream s;
  OutBuffer out(2000);
  // Fill the socket itself first, so the rest stays with us.
  std::uint16_t i = 0;
  while (!out.pending()) {
    REQUIRE(out.push(message(i++)).ok());
    REQUIRE(out.flush(s.ours.get()).ok());
  }
  wire::Result<wire::Unit> r = wire::Unit{};
  std::size_t before = 0;
  while (r.ok()) {
    before = out.size();
    r = out.push(message(i++));
  }
  CHECK(out.size() == before);  // nothing of the refused message was kept
  CHECK(out.size() <= 2000);
  CHECK(r.error().reason.find("stopped reading") != std::string::npos);

  s.peer.reset();
  auto gone = out.flush(s.ours.get());
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().reason == "the server closed the control connection");
}

TEST_CASE("out buffer: an empty flush and an exact fit are fine") {
  Stream s;
  OutBuffer out(10);
  CHECK(out.flush(s.ours.get()).ok());
  const std::uint8_t ten[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(out.push(ten).ok());
  CHECK(out.size() == 10);
  CHECK_FALSE(out.push(std::span<const std::uint8_t>(ten, 1)).ok());
  CHECK(out.flush(s.ours.get()).ok());
  CHECK_FALSE(out.pending());
  std::vector<std::uint8_t> got;
  s.drain(got);
  CHECK(got == std::vector<std::uint8_t>(ten, ten + 10));
}
