#include "daemon/control_service.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "daemon/ipc.hpp"

namespace pptpctl {

ControlService::ControlService(wire::Fd listen, Handlers handlers)
    : listen_(std::move(listen)), handlers_(std::move(handlers)) {}

void ControlService::watch(Poller& poller) {
  // Clients that were answered have closed their fd.
  std::erase_if(clients_, [](const Client& c) { return !c.fd.valid(); });
  for (auto& c : clients_) poller.watch(c.fd.get(), POLLIN, [this, &c](short) { serve(c); });
  // Last: accepting may grow the vector that the handlers above point into.
  poller.watch(listen_.get(), POLLIN, [this](short) { accept_client(); });
}

void ControlService::accept_client() {
  wire::Fd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd) return;
  // A full table or a non-root peer is simply hung up on.
  if (!peer_is_root(fd.get()) || clients_.size() >= kMaxClients) return;
  clients_.push_back(Client{std::move(fd), {}, false});
}

void ControlService::answer(Client& c, const std::string& line) {
  const std::string out = line + "\n";
  [[maybe_unused]] auto n = ::send(c.fd.get(), out.data(), out.size(), MSG_NOSIGNAL);
  c.fd.reset();
}

void ControlService::serve(Client& c) {
  if (!c.fd.valid()) return;
  char buf[256];
  const ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
  if (n <= 0) {
    // Nobody is left to answer, and a hung-up fd would wake poll forever.
    c.fd.reset();
    return;
  }
  if (c.waits_for_down) return;
  c.in.append(buf, static_cast<std::size_t>(n));
  const auto nl = c.in.find('\n');
  if (nl == std::string::npos) {
    if (c.in.size() > kMaxRequest) c.fd.reset();
    return;
  }
  const std::string cmd = c.in.substr(0, nl);
  if (cmd == "status") {
    answer(c, handlers_.status());
  } else if (cmd == "down") {
    c.waits_for_down = true;
    handlers_.down("stopped by pptpctl down");
  } else {
    answer(c, R"({"ok":false,"reason":"unknown request"})");
  }
}

void ControlService::finished(const std::string& reason) {
  for (auto& c : clients_) {
    if (!c.waits_for_down || !c.fd.valid()) continue;
    answer(c, nlohmann::json{{"ok", true}, {"reason", reason}}.dump());
  }
}

}  // namespace pptpctl
