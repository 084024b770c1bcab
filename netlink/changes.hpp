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
//   net.apply_dns("pptp-office", {dns1, dns2}, true);
//   save(net.to_json());  ...  auto report = net.undo();
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "netlink/address.hpp"
#include "netlink/dns.hpp"
#include "netlink/ipv4.hpp"
#include "netlink/routes.hpp"
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
  wire::Result<std::string> apply_address(const std::string& ifname, const Ipv4& local, const Ipv4& peer);

  // A network through the tunnel: a device route, scope link.
  wire::Result<std::string> add_route(const std::string& ifname, const Ipv4Prefix& dst, std::uint32_t metric = 0);

  // A /32 to the server along the path the kernel uses now (through its
  // gateway, or on-link), so GRE keeps flowing outside the tunnel once a
  // default or covering route points into it. Fails if that path already is
  // the tunnel. Call it before add_default_route().
  wire::Result<std::string> pin_host_route(const Ipv4& server, const std::string& tunnel_ifname);

  // All traffic through the tunnel, as 0.0.0.0/1 and 128.0.0.0/1 (as
  // OpenVPN's def1 does): more specific than any default route, so they win
  // without replacing it, cannot collide with an existing default of the same
  // metric, and the old default is untouched when they go.
  wire::Result<std::string> add_default_route(const std::string& ifname, std::uint32_t metric = 0);

  wire::Result<std::string> apply_dns(const std::string& ifname, const std::vector<Ipv4>& servers, bool full_tunnel,
                                      const DnsOptions& options = {});

  UndoReport undo();

  bool empty() const { return steps_.empty(); }
  std::size_t size() const { return steps_.size(); }

  nlohmann::json to_json() const;
  static wire::Result<Changes> from_json(const nlohmann::json& j);

 private:
  enum class RouteRole { Network, Host, Default };
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
  using Step = std::variant<AddressStep, RouteStep, DnsStep>;

  static std::string describe_step(const Step& s);
  static std::string role_name(RouteRole role);
  wire::Result<RtnlSocket*> socket();
  wire::Result<std::string> add_route_step(const Route& r, RouteRole role);
  wire::Result<std::string> undo_step(const Step& s);

  std::vector<Step> steps_;
  std::unique_ptr<RtnlSocket> rtnl_;  // opened on first use, in the caller's netns
};

}  // namespace netlink
