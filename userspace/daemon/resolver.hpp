#pragma once
// Asynchronous name resolution for the server's address. getaddrinfo blocks
// (for as long as the resolver's timeouts and retries, resolv.conf(5)), and
// the daemon's event loop must answer `status`, `down` and SIGTERM meanwhile;
// so one detached thread runs it and signals an eventfd the loop polls.
#include <netinet/in.h>

#include <memory>
#include <string>
#include <vector>

#include "wire/result.hpp"

namespace pptpctl {

class Resolver {
 public:
  // An IPv4 literal is done at once, with no thread. Fails only when no
  // thread or eventfd can be had.
  static wire::Result<Resolver> start(const std::string& host);

  Resolver(Resolver&&) noexcept = default;
  Resolver& operator=(Resolver&&) noexcept = default;
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;
  // Never blocks: a lookup still running finishes in its thread, which owns a
  // share of the state (eventfd included) and frees it when it ends.
  ~Resolver() = default;

  // Poll for POLLIN: readable once the lookup is done, and stays readable.
  // -1 when the answer was known at start (a literal).
  int fd() const;
  bool done() const;
  // Every IPv4 address, in getaddrinfo's order, without duplicates; or one
  // sentence, "cannot resolve HOST: ...". Before done(): a Retry error.
  wire::Result<std::vector<in_addr>> result() const;

 private:
  struct Shared;
  explicit Resolver(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  std::shared_ptr<Shared> shared_;
};

}  // namespace pptpctl
