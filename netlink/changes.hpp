#pragma once
// The network side of `pptpctl up`, as a transaction. The daemon calls the
// steps in order; each returns a line for the CLI to print (as wg-quick prints
// its actions) and records exactly what it added. Something that was already
// there is reported but not recorded, so undo() never removes what was not
// ours. undo() walks the record backwards; things the kernel removed with the
// interface count as undone. The record survives a crash through
// to_json()/from_json(), so `pptpctl down` can clean up from a fresh process.
//
//   netlink::Changes net;
//   auto line = net.apply_address("pptp-office", local, peer);   // print *line
//   net.pin_host_route(server, "pptp-office");                    // before ...
//   net.add_default_route("pptp-office");                         // ... this
//   net.add_block_route({{0, 0, 0, 0}, 1});                       // block_while_down
//   net.apply_dns("pptp-office", {dns1, dns2}, true, {"corp.example"});
//   save(net.to_json());  ...  auto report = net.undo();
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "netlink/address.hpp"
#include "netlink/dns.hpp"
#include "netlink/tunnel_table.hpp"
#include "userspace/wire/ipv4.hpp"
#include "netlink/route_lookup.hpp"
#include "netlink/routes.hpp"
#include "netlink/routes6.hpp"
#include "netlink/rtnl_socket.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct UndoReport {
  std::vector<std::string> done;    // one line per step undone (or found gone)
  std::vector<std::string> failed;  // sentences; those steps stay recorded
  bool ok() const { return failed.empty(); }
};

class Changes {
 public:
  Changes() = default;

  // Point-to-point address: local/32 with the peer as IFA_ADDRESS.
  wire::Result<std::string> apply_address(const std::string& ifname, const wire::Ipv4& local, const wire::Ipv4& peer);

  // A network through the tunnel: a device route, scope link.
  wire::Result<std::string> add_route(const std::string& ifname, const wire::Ipv4Prefix& dst, std::uint32_t metric = 0);

  // A /32 to the server along the path the kernel uses now (through its
  // gateway, or on-link), so GRE keeps flowing outside the tunnel once a
  // default or covering route points into it. Fails if that path already is
  // the tunnel. Call it before add_default_route().
  wire::Result<std::string> pin_host_route(const wire::Ipv4& server, const std::string& tunnel_ifname);

  // The same /32 along a path the caller found (path_outside()), for when
  // RTM_GETROUTE cannot be asked: while block routes are in place it would
  // answer with our own unreachable route, or with the old pin. Recorded as
  // pin_host_route() records. A pin that exists already must be removed
  // first (unpin_host_route()): the kernel keeps one route per destination
  // and metric.
  wire::Result<std::string> pin_host_route_via(const wire::Ipv4& server, const RouteLookup& path,
                                               std::uint32_t metric = 0);
  // (A metric other than 0 loses to the kernel's own metric-0 route to a
  // point-to-point peer that is the server itself.)

  // Removes our most recent pin, if any, and drops it from the record (found
  // gone with its interface counts as removed). Returns a line for the log;
  // with no pin recorded, says so and does nothing. On failure the pin stays
  // recorded, for undo().
  wire::Result<std::string> unpin_host_route();

  // The way our most recent pin goes (prefsrc left empty), if one is
  // recorded: compare with path_outside() using same_path() to notice that
  // the way to the server has moved while the pin still holds the old one.
  std::optional<RouteLookup> pinned_path() const;

  // All traffic through the tunnel, as 0.0.0.0/1 and 128.0.0.0/1 (as
  // OpenVPN's def1 does): more specific than any default route, so they win
  // without replacing it, cannot collide with an existing default of the same
  // metric, and the old default is untouched when they go.
  wire::Result<std::string> add_default_route(const std::string& ifname, std::uint32_t metric = 0);

  // block_while_down: an `unreachable` route to dst, so that while the
  // tunnel is down nothing to dst leaves in clear over the physical link.
  // Its metric sits above the tunnel's routes, so both coexist and the
  // tunnel's win while they exist; when the kernel drops them with the
  // interface, this one answers EHOSTUNREACH ("No route to host"). Not tied to any interface: it
  // stays until undo(). Add one per route the tunnel carries (0.0.0.0/1 and
  // 128.0.0.0/1 for a default route); the server's pin stays more specific.
  wire::Result<std::string> add_block_route(const wire::Ipv4Prefix& dst, std::uint32_t metric = kBlockMetric);

  // No IPv6 leak around an IPv4 tunnel: `unreachable` ::/1 and 8000::/1
  // (kIpv6BlockMetric, our protocol), so off-link IPv6 fails at once with
  // EHOSTUNREACH while the on-link /64 and fe80::/64 routes, more specific,
  // still work. Not tied to any interface: they stay until undo(). A kernel
  // without IPv6 (or with it disabled everywhere) has nothing to block: the
  // line says so and nothing is recorded. If the second half fails, the
  // first stays recorded for undo().
  wire::Result<std::string> block_ipv6(std::uint32_t metric = kIpv6BlockMetric);

  // Which backend took the servers comes back as a value beside the line
  // (applied.record.backend), so no caller reads it out of the sentence.
  wire::Result<DnsApplied> apply_dns(const std::string& ifname, const std::vector<wire::Ipv4>& servers, bool full_tunnel,
                                     const std::vector<std::string>& domains = {}, const DnsOptions& options = {});

  // The tunnel's nftables table (tunnel_table.hpp). Not tied to
  // the interface: it stays until undo(). A table of the same name is
  // replaced, and recorded as ours: the name is this tunnel's. `nft` empty:
  // found in PATH.
  wire::Result<std::string> add_tunnel_table(const TunnelTable& guard, const std::string& nft = {});
  // The table of the guard recorded last, if any ("pptpctl-pptp-office").
  std::optional<std::string> inject_guard_table() const;
  // The MSS the recorded table clamps SYNs to, if it does.
  std::optional<unsigned> clamped_mss() const;
  // Records the table `table` as this transaction's before it exists: it
  // is being installed elsewhere (in the background), and undo must remove
  // it whatever became of that.
  void record_tunnel_table(const TunnelTable& table, const std::string& nft = {});
  // Installs `table` in place of the recorded one (one nft transaction) and
  // records it instead; the first table when none is recorded.
  wire::Result<std::string> replace_tunnel_table(const TunnelTable& table, const std::string& nft = {});
  // Records that the table is now `table` (changed without nft).
  void update_tunnel_table(const TunnelTable& table);
  // Removes the recorded table and its step (the link no longer wants one).
  void undo_tunnel_table();
  // Re-installs the recorded table with SYNs clamped to `mss` (the MTU
  // changed); nothing when there is no table or it does not clamp.
  wire::Result<std::optional<std::string>> reclamp(unsigned mss);

  UndoReport undo();

  bool empty() const { return steps_.empty(); }
  std::size_t size() const { return steps_.size(); }

  nlohmann::json to_json() const;
  static wire::Result<Changes> from_json(const nlohmann::json& j);

 private:
  enum class RouteRole { Network, Host, Default, Block };
  struct AddressStep {
    PeerAddress address;
  };
  struct RouteStep {
    Route route;
    RouteRole role = RouteRole::Network;
  };
  struct DnsStep {
    DnsRecord record;
  };
  struct Ipv6BlockStep {
    Ipv6Prefix dst;
    std::uint32_t metric = kIpv6BlockMetric;
  };
  struct TableStep {
    TunnelTable guard;
    std::string nft;  // empty: found in PATH
  };
  using Step = std::variant<AddressStep, RouteStep, DnsStep, Ipv6BlockStep, TableStep>;
  // The tunnel table's step recorded last (there is one at most), or null.
  TableStep* last_table();
  const TableStep* last_table() const;

  static std::string describe_step(const Step& s);
  static bool is_pin(const Step& s);
  static std::string role_name(RouteRole role);
  wire::Result<RtnlSocket*> socket();
  wire::Result<std::string> add_route_step(const Route& r, RouteRole role);
  wire::Result<std::string> undo_step(const Step& s);

  std::vector<Step> steps_;
  std::unique_ptr<RtnlSocket> rtnl_;  // opened on first use, in the caller's netns
};

}  // namespace netlink
