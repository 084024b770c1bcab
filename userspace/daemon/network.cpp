#include "daemon/network.hpp"

#include <unistd.h>

#include <fstream>

#include "netlink/changes.hpp"
#include "netlink/link.hpp"

namespace pptpctl {

struct NetworkSetup::State {
  netlink::Changes changes;
  std::string record;  // where the record survives a crash of the daemon
  std::string dns_backend;
};

NetworkSetup::NetworkSetup() : state_(std::make_unique<State>()) {}
NetworkSetup::~NetworkSetup() = default;

std::string NetworkSetup::dns_backend() const { return state_->dns_backend; }

namespace {

void save(const std::string& path, const netlink::Changes& c) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << c.to_json().dump() << "\n";
  }
  ::rename(tmp.c_str(), path.c_str());
}

}  // namespace

wire::Result<wire::Unit> NetworkSetup::apply(const config::Profile& profile, const TunnelAddresses& t,
                                             const Say& say) {
  state_->record = record_path_;
  auto links = netlink::LinkControl::open();
  if (!links) return links.error();
  if (auto r = links->set_mtu(t.ifindex, t.mtu); !r) return r.error();
  say("mtu " + std::to_string(t.mtu) + " on " + t.ifname);

  auto& c = state_->changes;
  // Each step is recorded (and saved) before the next, so a crash part-way
  // still leaves `pptpctl down` a full list of what to take back.
  auto step = [&](wire::Result<std::string> line) -> bool {
    save(state_->record, c);
    if (line) say(*line);
    return line.ok();
  };
  auto failed = [](const wire::Result<std::string>& r) { return wire::Result<wire::Unit>(r.error()); };

  if (auto r = c.apply_address(t.ifname, t.local, t.peer); !step(r)) return failed(r);
  if (auto r = links->set_up(t.ifindex, true); !r) return r.error();
  say("link " + t.ifname + " up");
  if (profile.default_route) {
    // The server's own route first, or GRE would follow the default into the tunnel.
    if (auto r = c.pin_host_route(t.server, t.ifname); !step(r)) return failed(r);
    if (auto r = c.add_default_route(t.ifname); !step(r)) return failed(r);
  }
  for (const auto& route : profile.routes) {
    if (auto r = c.add_route(t.ifname, netlink::Ipv4Prefix{route.network, route.prefix}); !step(r)) return failed(r);
  }
  if (profile.dns.use_peer && !t.dns.empty()) {
    std::vector<netlink::Ipv4> servers(t.dns.begin(), t.dns.end());
    auto r = c.apply_dns(t.ifname, servers, profile.default_route);
    if (!step(r)) return failed(r);
    state_->dns_backend = r->find("systemd-resolved") != std::string::npos ? "systemd-resolved" : "resolv.conf";
  }
  return wire::Unit{};
}

void NetworkSetup::undo(const Say& say) {
  auto report = state_->changes.undo();
  for (const auto& line : report.done) say("undo: " + line);
  for (const auto& line : report.failed) say("undo failed: " + line);
  state_->dns_backend.clear();
  if (!state_->record.empty() && report.ok()) ::unlink(state_->record.c_str());
}

void NetworkSetup::set_record_path(std::string path) { record_path_ = std::move(path); }

wire::Result<std::vector<std::string>> NetworkSetup::undo_record(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::vector<std::string>{};
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return wire::Error::fatal("the record " + path + " is not JSON");
  auto c = netlink::Changes::from_json(j);
  if (!c) return c.error();
  auto report = c->undo();
  if (!report.ok()) return wire::Error::fatal(report.failed.front());
  ::unlink(path.c_str());
  return report.done;
}

}  // namespace pptpctl
