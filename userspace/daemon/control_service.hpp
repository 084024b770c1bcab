#pragma once
// The daemon's control socket, as a service: accepts root's clients on
// RUN_DIR/NAME.sock, reads one request line each ("status" or "down"), and
// answers in one JSON line. `down` is answered only when the tunnel has gone,
// so the CLI returns once nothing is left.
#include <functional>
#include <string>
#include <vector>

#include "daemon/poller.hpp"
#include "wire/fd.hpp"

namespace pptpctl {

class ControlService {
 public:
  struct Handlers {
    std::function<std::string()> status;            // one JSON object
    std::function<void(const std::string&)> down;  // begin the teardown
  };

  ControlService(wire::Fd listen, Handlers handlers);

  void watch(Poller& poller);
  // The tunnel has ended: answer everyone still waiting for `down`.
  void finished(const std::string& reason);

 private:
  struct Client {
    wire::Fd fd;
    std::string in;
    bool waits_for_down = false;
  };
  static constexpr std::size_t kMaxClients = 16;
  static constexpr std::size_t kMaxRequest = 128;

  void accept_client();
  void serve(Client& c);
  static void answer(Client& c, const std::string& line);

  wire::Fd listen_;
  Handlers handlers_;
  std::vector<Client> clients_;
};

}  // namespace pptpctl
