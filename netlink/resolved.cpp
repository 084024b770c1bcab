#include "netlink/resolved.hpp"

#include <sys/socket.h>
#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace netlink {

namespace {

constexpr const char* kService = "org.freedesktop.resolve1";
constexpr const char* kPath = "/org/freedesktop/resolve1";
constexpr const char* kManager = "org.freedesktop.resolve1.Manager";

struct BusClose {
  void operator()(sd_bus* b) const { sd_bus_flush_close_unref(b); }
};
using BusPtr = std::unique_ptr<sd_bus, BusClose>;

struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

// sd_bus_error owns heap strings; this frees them on every path.
struct BusError {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { sd_bus_error_free(&e); }
  std::string text(int r) const {
    if (e.message != nullptr) return e.message;
    return std::strerror(-r);
  }
};

wire::Result<BusPtr> connect(const std::string& address) {
  sd_bus* raw = nullptr;
  int r = 0;
  if (address.empty()) {
    r = sd_bus_open_system(&raw);
    if (r < 0) return wire::Error::fatal(std::string("cannot reach the system bus: ") + std::strerror(-r));
    return BusPtr(raw);
  }
  r = sd_bus_new(&raw);
  BusPtr bus(raw);
  if (r >= 0) r = sd_bus_set_address(bus.get(), address.c_str());
  if (r >= 0) r = sd_bus_set_bus_client(bus.get(), 1);
  if (r >= 0) r = sd_bus_start(bus.get());
  if (r < 0) return wire::Error::fatal("cannot reach the bus at " + address + ": " + std::strerror(-r));
  return bus;
}

// Manager methods that take an ifindex and maybe one boolean; the reply is empty.
int call_link_method(sd_bus* bus, const char* method, BusError& err, int ifindex) {
  sd_bus_message* raw = nullptr;
  const int r = sd_bus_call_method(bus, kService, kPath, kManager, method, &err.e, &raw, "i", ifindex);
  MessagePtr reply(raw);
  return r;
}

int call_link_method(sd_bus* bus, const char* method, BusError& err, int ifindex, bool flag) {
  sd_bus_message* raw = nullptr;
  const int r = sd_bus_call_method(bus, kService, kPath, kManager, method, &err.e, &raw, "ib", ifindex, flag ? 1 : 0);
  MessagePtr reply(raw);
  return r;
}

}  // namespace

bool resolved_running(const std::string& bus_address) {
  auto bus = connect(bus_address);
  if (!bus) return false;
  BusError err;
  sd_bus_message* raw = nullptr;
  int r = sd_bus_call_method(bus->get(), "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                             "NameHasOwner", &err.e, &raw, "s", kService);
  MessagePtr reply(raw);
  if (r < 0) return false;
  int has_owner = 0;
  if (sd_bus_message_read(reply.get(), "b", &has_owner) < 0) return false;
  return has_owner != 0;
}

std::vector<std::pair<std::string, bool>> resolved_domains(bool full_tunnel, const std::vector<std::string>& domains) {
  std::vector<std::pair<std::string, bool>> out;
  // "~." only for a full tunnel: it routes every name without a more specific
  // routing domain elsewhere to this link (resolved.conf(5), Domains=).
  if (full_tunnel) out.emplace_back(".", true);
  for (const auto& d : domains) out.emplace_back(d, true);
  return out;
}

wire::Result<wire::Unit> resolved_apply(const std::string& bus_address, int ifindex, const std::string& ifname,
                                        const std::vector<wire::Ipv4>& servers, bool full_tunnel,
                                        const std::vector<std::string>& domains) {
  const std::string what = "cannot set DNS servers on " + ifname + " through systemd-resolved: ";
  if (servers.empty()) return wire::Error::fatal(what + "no servers to set");
  auto bus = connect(bus_address);
  if (!bus) return wire::Error::fatal(what + bus.error().reason);

  // SetLinkDNS(i ifindex, a(iay) addresses)
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_call(bus->get(), &raw, kService, kPath, kManager, "SetLinkDNS");
  MessagePtr m(raw);
  if (r >= 0) r = sd_bus_message_append(m.get(), "i", ifindex);
  if (r >= 0) r = sd_bus_message_open_container(m.get(), 'a', "(iay)");
  for (const wire::Ipv4& a : servers) {
    if (r >= 0) r = sd_bus_message_open_container(m.get(), 'r', "iay");
    if (r >= 0) r = sd_bus_message_append(m.get(), "i", AF_INET);
    if (r >= 0) r = sd_bus_message_append_array(m.get(), 'y', a.data(), a.size());
    if (r >= 0) r = sd_bus_message_close_container(m.get());
  }
  if (r >= 0) r = sd_bus_message_close_container(m.get());
  if (r < 0) return wire::Error::fatal(what + "cannot build the request: " + std::strerror(-r));
  {
    BusError err;
    r = sd_bus_call(bus->get(), m.get(), 0, &err.e, nullptr);
    if (r < 0) return wire::Error::fatal(what + err.text(r));
  }
  const auto routing = resolved_domains(full_tunnel, domains);
  if (!routing.empty()) {
    // SetLinkDomains(i ifindex, a(sb) domains): routing-only names are "~name".
    sd_bus_message* rawd = nullptr;
    r = sd_bus_message_new_method_call(bus->get(), &rawd, kService, kPath, kManager, "SetLinkDomains");
    MessagePtr md(rawd);
    if (r >= 0) r = sd_bus_message_append(md.get(), "i", ifindex);
    if (r >= 0) r = sd_bus_message_open_container(md.get(), 'a', "(sb)");
    for (const auto& [name, route_only] : routing) {
      if (r >= 0) r = sd_bus_message_append(md.get(), "(sb)", name.c_str(), route_only ? 1 : 0);
    }
    if (r >= 0) r = sd_bus_message_close_container(md.get());
    if (r < 0) return wire::Error::fatal(what + "cannot build the request: " + std::strerror(-r));
    BusError err;
    r = sd_bus_call(bus->get(), md.get(), 0, &err.e, nullptr);
    if (r < 0) return wire::Error::fatal(what + "cannot set its routing domains: " + err.text(r));
  }
  if (!full_tunnel) return wire::Unit{};

  {
    BusError err;
    r = call_link_method(bus->get(), "SetLinkDefaultRoute", err, ifindex, true);
    if (r < 0) return wire::Error::fatal(what + "cannot make it the default DNS route: " + err.text(r));
  }
  return wire::Unit{};
}

wire::Result<Removed> resolved_revert(const std::string& bus_address, int ifindex, const std::string& ifname) {
  const std::string what = "cannot revert DNS settings of " + ifname + " in systemd-resolved: ";
  auto bus = connect(bus_address);
  if (!bus) return wire::Error::fatal(what + bus.error().reason);
  BusError err;
  const int r = call_link_method(bus->get(), "RevertLink", err, ifindex);
  if (r >= 0) return Removed::Removed;
  if (sd_bus_error_has_name(&err.e, "org.freedesktop.resolve1.NoSuchLink") || r == -ENXIO) {
    return Removed::AlreadyGone;
  }
  return wire::Error::fatal(what + err.text(r));
}

}  // namespace netlink
