#pragma once
// Addresses, routes and DNS for a tunnel that just came up, as one
// transaction: every step that added something is recorded, and undo()
// removes exactly that, newest first. Each step says what it did, for the log.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/profile.hpp"
#include "ppp/ipcp.hpp"
#include "wire/result.hpp"

namespace pptpctl {

struct TunnelAddresses {
  std::string ifname;
  int ifindex = 0;
  unsigned mtu = 1400;
  ppp::Ipv4 local{};
  ppp::Ipv4 peer{};
  ppp::Ipv4 server{};  // the PPTP server's real address, for the pinned host route
  std::vector<ppp::Ipv4> dns;
};

class NetworkSetup {
 public:
  using Say = std::function<void(const std::string&)>;
  NetworkSetup();
  ~NetworkSetup();
  NetworkSetup(const NetworkSetup&) = delete;
  NetworkSetup& operator=(const NetworkSetup&) = delete;

  // MTU, address, link up, routes (and for default_route the host route to
  // the server first), DNS. Stops at the first failure, leaving undo() to
  // remove what was done.
  wire::Result<wire::Unit> apply(const config::Profile& profile, const TunnelAddresses& t, const Say& say);
  // Idempotent.
  void undo(const Say& say);
  // Where DNS went ("systemd-resolved", "resolv.conf"), if anywhere.
  std::string dns_backend() const;
  // Keep the record of changes in this file while they stand.
  void set_record_path(std::string path);
  // Takes back what a daemon that died left recorded in `path`; the lines
  // say what was undone (none when there is no record).
  static wire::Result<std::vector<std::string>> undo_record(const std::string& path);

 private:
  std::string record_path_;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pptpctl
