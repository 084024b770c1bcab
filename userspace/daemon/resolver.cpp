#include "daemon/resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "wire/fd.hpp"

namespace pptpctl {

struct Resolver::Shared {
  std::string host;
  wire::Fd event;  // -1 for a literal
  mutable std::mutex mutex;
  std::optional<wire::Result<std::vector<in_addr>>> answer;  // guarded by mutex
};

namespace {

wire::Result<std::vector<in_addr>> lookup(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    const std::string why = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    return wire::Error::fatal("cannot resolve " + host + ": " + why);
  }
  std::vector<in_addr> out;
  for (const addrinfo* ai = res; ai; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET || ai->ai_addrlen < sizeof(sockaddr_in)) continue;
    in_addr a{};
    std::memcpy(&a, &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr, sizeof a);
    // /etc/hosts may name an address twice; trying it twice gains nothing.
    if (std::none_of(out.begin(), out.end(), [&](in_addr b) { return b.s_addr == a.s_addr; })) out.push_back(a);
  }
  ::freeaddrinfo(res);
  if (out.empty()) return wire::Error::fatal("cannot resolve " + host + ": it has no IPv4 address");
  return out;
}

}  // namespace

wire::Result<Resolver> Resolver::start(const std::string& host) {
  auto shared = std::make_shared<Shared>();
  shared->host = host;
  in_addr a{};
  if (::inet_pton(AF_INET, host.c_str(), &a) == 1) {
    shared->answer = std::vector<in_addr>{a};
    return Resolver(std::move(shared));
  }
  shared->event.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!shared->event)
    return wire::Error::fatal("cannot resolve " + host + ": no eventfd: " + std::strerror(errno));
  // The thread must never take a signal meant for the loop's signalfd (a
  // process-directed SIGTERM goes to any thread that does not block it).
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);
  std::optional<std::string> failed;
  try {
    std::thread([state = shared] {
      auto answer = lookup(state->host);
      {
        std::lock_guard lock(state->mutex);
        state->answer = std::move(answer);
      }
      const std::uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(state->event.get(), &one, sizeof one);
    }).detach();
  } catch (const std::system_error& e) {
    failed = e.what();
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (failed) return wire::Error::fatal("cannot resolve " + host + ": no thread for the lookup: " + *failed);
  return Resolver(std::move(shared));
}

int Resolver::fd() const { return shared_ ? shared_->event.get() : -1; }

bool Resolver::done() const {
  if (!shared_) return true;
  std::lock_guard lock(shared_->mutex);
  return shared_->answer.has_value();
}

wire::Result<std::vector<in_addr>> Resolver::result() const {
  if (!shared_) return wire::Error::fatal("cannot resolve: no lookup was started");
  std::lock_guard lock(shared_->mutex);
  if (!shared_->answer) return wire::Error::retry("still resolving " + shared_->host);
  return *shared_->answer;
}

}  // namespace pptpctl
