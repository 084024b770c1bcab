#pragma once
// The tunnel's changes to the host's network, as two transactions kept in one
// crash record:
// - the hold, which lasts across redials: the server's pinned /32 (so GRE
//   and TCP 1723 never follow a tunnel route into the tunnel), with
//   block_while_down, unreachable routes for everything the tunnel carries,
//   so nothing goes out in clear between two links, and with "ipv6":
//   "block", unreachable IPv6 ::/1 and 8000::/1;
// - the link, one per up: the injection guard, MTU, address, link up,
//   routes, DNS.
// Every step is recorded before the next; undo removes exactly that, newest
// first. Each step says what it did, for the log.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/profile.hpp"
#include "pptp/tunnel_mtu.hpp"
#include "wire/ipv4.hpp"
#include "wire/result.hpp"

namespace pptpctl {

struct TunnelAddresses {
  std::string ifname;
  int ifindex = 0;
  unsigned mtu = 1400;
  std::string mtu_how;  // how it was chosen (pptp::MtuChoice::how)
  wire::Ipv4 local{};
  wire::Ipv4 peer{};
  wire::Ipv4 server{};  // the PPTP server's real address
  std::vector<wire::Ipv4> dns;
  std::uint16_t call_id = 0;  // ours: the ID the server's GRE carries
  bool rx_encrypted = false;  // MPPE runs on what the server sends
  // The data path itself refuses clear IP from the server (the userspace
  // one does): no nftables injection guard.
  bool carrier_guards = false;
};

// The way to the server outside the tunnel, to notice it changing.
struct ServerPath {
  std::optional<wire::Ipv4> gateway;
  int ifindex = 0;
  bool operator==(const ServerPath&) const = default;
};

// Would any route the tunnel installs cover `server`? Then it needs a pin.
// `peer`, once IPCP has named it: the kernel routes the peer's /32 into the
// tunnel, so a peer equal to the server is covered too.
bool tunnel_covers(const config::Profile& profile, const wire::Ipv4& server,
                   const std::optional<wire::Ipv4>& peer = std::nullopt);

class NetworkSetup {
 public:
  using Say = std::function<void(const std::string&)>;
  NetworkSetup();
  ~NetworkSetup();
  NetworkSetup(const NetworkSetup&) = delete;
  NetworkSetup& operator=(const NetworkSetup&) = delete;

  // Before dialling `server`: pins its /32 along the path outside the tunnel
  // when a tunnel route (or a block route) would cover it, replacing a pin
  // for another address or an old path. Nothing when nothing covers it.
  // apply() calls it again with the peer, for a server that is its own peer.
  wire::Result<wire::Unit> hold_server(const config::Profile& profile, const wire::Ipv4& server, const Say& say,
                                       const std::optional<wire::Ipv4>& peer = std::nullopt);
  // block_while_down: unreachable routes for everything the tunnel carries,
  // beneath the tunnel's own routes. Idempotent; lasts until undo().
  wire::Result<wire::Unit> block(const config::Profile& profile, const Say& say);
  // "ipv6": "block": unreachable IPv6 ::/1 and 8000::/1 in the hold.
  // Idempotent; lasts until undo(). apply() calls it first.
  wire::Result<wire::Unit> block_ipv6(const config::Profile& profile, const Say& say);
  // The path to `server` now, ignoring our own routes and the tunnel.
  wire::Result<ServerPath> path_to(const wire::Ipv4& server, int tunnel_ifindex) const;
  // What the way to `server` carries: its device's MTU and the route's (or
  // the learned path MTU), as the kernel routes GRE now; the path outside
  // our routes when the kernel's answer is the tunnel or a block route.
  // Unknown figures are 0.
  pptp::PathMtu path_mtu(const wire::Ipv4& server, int tunnel_ifindex) const;

  // Starts installing the tunnel's nftables table in the background, as
  // apply() will want it if MPPE comes up as required: `nft` takes a second
  // or more under emulation, and runs meanwhile with PPP's negotiation.
  // Recorded first, so undo removes it whatever happens. Nothing when the
  // table cannot be known yet (MPPE not required) or is not wanted. t: the
  // interface, the server, our call ID and the MTU expected.
  void prepare_table(const config::Profile& profile, const TunnelAddresses& t);
  // The tunnel's nftables table (the injection guard when MPPE runs on what
  // the server sends and the profile does not opt out; the MSS clamp unless
  // the profile opts out), MTU, address, link up, routes, DNS. Stops at
  // the first failure, leaving undo_link() to remove what was done. The
  // caller lets IP pass only after this.
  wire::Result<wire::Unit> apply(const config::Profile& profile, const TunnelAddresses& t, const Say& say);
  // The black-hole check found the path carries less: the link's MTU goes
  // down to `mtu`, and the MSS clamp (if any) with it.
  wire::Result<wire::Unit> lower_mtu(int ifindex, const std::string& ifname, unsigned mtu, const Say& say);
  // Takes back the link's changes; the hold stays. Idempotent.
  void undo_link(const Say& say);
  // Takes back everything. Idempotent.
  void undo(const Say& say);

  // The injection guard's nftables table, while the link has one.
  std::optional<std::string> inject_guard_table() const;
  // The MSS TCP SYNs are clamped to, while the link's table clamps.
  std::optional<unsigned> clamped_mss() const;
  // Where DNS went ("systemd-resolved", "resolvconf", "resolv.conf"), if anywhere.
  std::string dns_backend() const;
  // Keep the record of changes in this file while they stand.
  void set_record_path(std::string path);
  // Takes back what a daemon that died left recorded in `path`; the lines
  // say what was undone (none when there is no record).
  static wire::Result<std::vector<std::string>> undo_record(const std::string& path);
  // Takes out the DNS servers that tunnels whose daemons are gone (a crash,
  // a power loss: /run wiped) left in the persistent state; every command
  // calls it first. The lines say what was done.
  static wire::Result<std::vector<std::string>> recover_dns();

 private:
  void save() const;
  bool wants_guard(const config::Profile& profile, const TunnelAddresses& t, const Say& say);
  // The background install of prepare_table(), waited for.
  std::optional<wire::Result<std::string>> collect_prepared();
  wire::Result<wire::Unit> table(const config::Profile& profile, const TunnelAddresses& t, const Say& say);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pptpctl
