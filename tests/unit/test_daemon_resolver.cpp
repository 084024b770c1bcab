#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <poll.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "daemon/resolver.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;
using pptpctl::Resolver;

namespace {

std::string dotted(in_addr a) {
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

// Waits for the lookup the way the event loop does: POLLIN on fd().
bool wait_done(const Resolver& r, int ms) {
  if (r.fd() < 0) return r.done();
  pollfd p{r.fd(), POLLIN, 0};
  return ::poll(&p, 1, ms) == 1 && r.done();
}

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

TEST_CASE("resolver: an IPv4 literal is done at once, with no fd to poll") {
  struct Case {
    const char* host;
  } cases[] = {{"192.0.2.7"}, {"203.0.113.255"}, {"0.0.0.0"}};
  for (const auto& c : cases) {
    CAPTURE(c.host);
    auto r = Resolver::start(c.host);
    REQUIRE(r.ok());
    CHECK(r->done());
    CHECK(r->fd() == -1);
    auto addrs = r->result();
    REQUIRE(addrs.ok());
    REQUIRE(addrs->size() == 1);
    CHECK(dotted(addrs->front()) == c.host);
  }
}

TEST_CASE("resolver: localhost comes from /etc/hosts through the eventfd, once") {
  auto r = Resolver::start("localhost");
  REQUIRE(r.ok());
  REQUIRE(wait_done(*r, 10000));
  auto addrs = r->result();
  REQUIRE_MESSAGE(addrs.ok(), (addrs.ok() ? std::string() : addrs.error().reason));
  REQUIRE_FALSE(addrs->empty());
  CHECK(dotted(addrs->front()) == "127.0.0.1");
  // /etc/hosts may list an address under several lines: each comes once.
  for (std::size_t i = 0; i < addrs->size(); ++i)
    for (std::size_t j = i + 1; j < addrs->size(); ++j) CHECK((*addrs)[i].s_addr != (*addrs)[j].s_addr);
  // Moving keeps the answer and the fd.
  const int fd = r->fd();
  Resolver moved = std::move(*r);
  CHECK(moved.fd() == fd);
  CHECK(moved.done());
  CHECK(moved.result().ok());
}

TEST_CASE("resolver: a name that cannot resolve is one sentence naming it") {
  // In a namespace with no interface, no query can leave the machine: the
  // lookup fails at the first send. The 70-byte label is over DNS's 63
  // (RFC 1035 §2.3.4), so no query is even built for it.
  NETNS_RUN([](Checks& c) {
    const std::string host = std::string(70, 'a') + ".invalid";
    auto r = Resolver::start(host);
    c.expect(r.ok(), "start failed");
    if (!r) return;
    c.expect(wait_done(*r, 20000), "the lookup did not finish within 20 s");
    auto addrs = r->result();
    c.expect(!addrs.ok(), "resolved an invalid name");
    if (addrs) return;
    const std::string& why = addrs.error().reason;
    c.expect(why.rfind("cannot resolve " + host + ": ", 0) == 0, "unexpected sentence: " + why);
    c.expect(why.find('\n') == std::string::npos, "more than one line: " + why);
  });
}

TEST_CASE("resolver: asked too early, the answer is a Retry") {
  NETNS_RUN([](Checks& c) {
    auto r = Resolver::start("early.invalid");
    c.expect(r.ok(), "start failed");
    if (!r) return;
    auto addrs = r->result();
    if (!addrs) c.expect(addrs.error().kind == wire::ErrorKind::Retry || r->done(), "not a Retry before done()");
  });
}

TEST_CASE("resolver: dropped while its lookup runs, nothing blocks, leaks or crashes") {
  NETNS_RUN([](Checks& c) {
    const std::size_t before = open_fds();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) {
      auto r = Resolver::start("dropped" + std::to_string(i) + ".invalid");
      c.expect(r.ok(), "start failed");
    }
    const auto spent = std::chrono::steady_clock::now() - start;
    c.expect(spent < std::chrono::seconds(2), "dropping running lookups blocked");
    // Each thread closes its eventfd when its lookup ends.
    for (int i = 0; i < 200 && open_fds() > before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c.expect(open_fds() == before, "fds leaked: " + std::to_string(open_fds()) + " open, " +
                                       std::to_string(before) + " before");
  });
}
