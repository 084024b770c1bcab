#include "netlink/resolved.hpp"

#include <dlfcn.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

namespace netlink {

namespace {

constexpr const char* kService = "org.freedesktop.resolve1";
constexpr const char* kPath = "/org/freedesktop/resolve1";
constexpr const char* kManager = "org.freedesktop.resolve1.Manager";

// sd-bus, loaded only while we talk to resolved (issue 11). Linked, it
// mapped libsystemd and its chain (libgcrypt, libgpg-error, lz4, zstd, lzma,
// libcap: about 1.1 MiB of a tunnel's 6 MiB) into every daemon, though most
// hosts run no resolved and the rest use it for two calls per tunnel. A
// dlopen'd copy is dlclose'd when the call is done, so nothing stays mapped.
// The prototypes are sd-bus.h's own (decltype), so a mismatch fails the build.
// Hand-written D-Bus would avoid even the load, but sd-bus is the reference
// implementation of the wire format and auth; a few ms per DNS change is cheap.
class SdBus {
 public:
  static wire::Result<std::unique_ptr<SdBus>> load() {
    // RTLD_LOCAL: its symbols (and its chain's) never resolve ours or others'.
    void* h = ::dlopen("libsystemd.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (h == nullptr) {
      const char* why = ::dlerror();
      return wire::Error::fatal(std::string("libsystemd.so.0 (package libsystemd0) cannot be loaded: ") +
                                (why != nullptr ? why : "unknown error"));
    }
    std::unique_ptr<SdBus> api(new SdBus(h));
    if (auto missing = api->bind(); !missing.empty())
      return wire::Error::fatal("libsystemd.so.0 lacks " + missing + " (systemd 221 or later is needed)");
    return api;
  }
  ~SdBus() { ::dlclose(handle_); }
  SdBus(const SdBus&) = delete;
  SdBus& operator=(const SdBus&) = delete;

  decltype(&::sd_bus_open_system) open_system = nullptr;
  decltype(&::sd_bus_new) bus_new = nullptr;
  decltype(&::sd_bus_set_address) set_address = nullptr;
  decltype(&::sd_bus_set_bus_client) set_bus_client = nullptr;
  decltype(&::sd_bus_start) start = nullptr;
  decltype(&::sd_bus_flush_close_unref) flush_close_unref = nullptr;
  decltype(&::sd_bus_message_unref) message_unref = nullptr;
  decltype(&::sd_bus_error_free) error_free = nullptr;
  decltype(&::sd_bus_error_has_name) error_has_name = nullptr;
  decltype(&::sd_bus_call_method) call_method = nullptr;
  decltype(&::sd_bus_call) call = nullptr;
  decltype(&::sd_bus_message_new_method_call) new_method_call = nullptr;
  decltype(&::sd_bus_message_append) append = nullptr;
  decltype(&::sd_bus_message_append_array) append_array = nullptr;
  decltype(&::sd_bus_message_open_container) open_container = nullptr;
  decltype(&::sd_bus_message_close_container) close_container = nullptr;
  decltype(&::sd_bus_message_read) read = nullptr;

 private:
  explicit SdBus(void* h) : handle_(h) {}

  // The name of the first symbol not found; empty when all are there.
  std::string bind() {
    std::string missing;
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(handle_, name));
      if (fn == nullptr && missing.empty()) missing = name;
    };
    sym(open_system, "sd_bus_open_system");
    sym(bus_new, "sd_bus_new");
    sym(set_address, "sd_bus_set_address");
    sym(set_bus_client, "sd_bus_set_bus_client");
    sym(start, "sd_bus_start");
    sym(flush_close_unref, "sd_bus_flush_close_unref");
    sym(message_unref, "sd_bus_message_unref");
    sym(error_free, "sd_bus_error_free");
    sym(error_has_name, "sd_bus_error_has_name");
    sym(call_method, "sd_bus_call_method");
    sym(call, "sd_bus_call");
    sym(new_method_call, "sd_bus_message_new_method_call");
    sym(append, "sd_bus_message_append");
    sym(append_array, "sd_bus_message_append_array");
    sym(open_container, "sd_bus_message_open_container");
    sym(close_container, "sd_bus_message_close_container");
    sym(read, "sd_bus_message_read");
    return missing;
  }

  void* handle_;
};

// Owners of what sd-bus hands out; each holds the (longer-lived) SdBus.
struct BusClose {
  const SdBus* api;
  void operator()(sd_bus* b) const { api->flush_close_unref(b); }
};
using BusPtr = std::unique_ptr<sd_bus, BusClose>;

struct MessageUnref {
  const SdBus* api;
  void operator()(sd_bus_message* m) const { api->message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

// sd_bus_error owns heap strings; this frees them on every path.
struct BusError {
  const SdBus& api;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  explicit BusError(const SdBus& a) : api(a) {}
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { api.error_free(&e); }
  std::string text(int r) const {
    if (e.message != nullptr) return e.message;
    return std::strerror(-r);
  }
};

wire::Result<BusPtr> connect(const SdBus& api, const std::string& address) {
  sd_bus* raw = nullptr;
  int r = 0;
  if (address.empty()) {
    r = api.open_system(&raw);
    if (r < 0) return wire::Error::fatal(std::string("cannot reach the system bus: ") + std::strerror(-r));
    return BusPtr(raw, BusClose{&api});
  }
  r = api.bus_new(&raw);
  BusPtr bus(raw, BusClose{&api});
  if (r >= 0) r = api.set_address(bus.get(), address.c_str());
  if (r >= 0) r = api.set_bus_client(bus.get(), 1);
  if (r >= 0) r = api.start(bus.get());
  if (r < 0) return wire::Error::fatal("cannot reach the bus at " + address + ": " + std::strerror(-r));
  return bus;
}

// Manager methods that take an ifindex and maybe one boolean; the reply is empty.
int call_link_method(const SdBus& api, sd_bus* bus, const char* method, BusError& err, int ifindex) {
  sd_bus_message* raw = nullptr;
  const int r = api.call_method(bus, kService, kPath, kManager, method, &err.e, &raw, "i", ifindex);
  MessagePtr reply(raw, MessageUnref{&api});
  return r;
}

int call_link_method(const SdBus& api, sd_bus* bus, const char* method, BusError& err, int ifindex, bool flag) {
  sd_bus_message* raw = nullptr;
  const int r = api.call_method(bus, kService, kPath, kManager, method, &err.e, &raw, "ib", ifindex, flag ? 1 : 0);
  MessagePtr reply(raw, MessageUnref{&api});
  return r;
}

}  // namespace

bool resolved_running(const std::string& bus_address) {
  // resolved's unit makes /run/systemd/resolve (RuntimeDirectory=, kept
  // across restarts by RuntimeDirectoryPreserve=yes): without it, resolved
  // has not run since boot, and libsystemd need not even be loaded.
  if (bus_address.empty() && ::access("/run/systemd/resolve", F_OK) != 0) return false;
  // No libsystemd: nothing that could run resolved is installed.
  auto api = SdBus::load();
  if (!api) return false;
  const SdBus& sd = **api;
  auto bus = connect(sd, bus_address);
  if (!bus) return false;
  BusError err(sd);
  sd_bus_message* raw = nullptr;
  int r = sd.call_method(bus->get(), "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                         "NameHasOwner", &err.e, &raw, "s", kService);
  MessagePtr reply(raw, MessageUnref{&sd});
  if (r < 0) return false;
  int has_owner = 0;
  if (sd.read(reply.get(), "b", &has_owner) < 0) return false;
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
  auto api = SdBus::load();
  if (!api) return wire::Error::fatal(what + api.error().reason);
  const SdBus& sd = **api;
  auto bus = connect(sd, bus_address);
  if (!bus) return wire::Error::fatal(what + bus.error().reason);

  // SetLinkDNS(i ifindex, a(iay) addresses)
  sd_bus_message* raw = nullptr;
  int r = sd.new_method_call(bus->get(), &raw, kService, kPath, kManager, "SetLinkDNS");
  MessagePtr m(raw, MessageUnref{&sd});
  if (r >= 0) r = sd.append(m.get(), "i", ifindex);
  if (r >= 0) r = sd.open_container(m.get(), 'a', "(iay)");
  for (const wire::Ipv4& a : servers) {
    if (r >= 0) r = sd.open_container(m.get(), 'r', "iay");
    if (r >= 0) r = sd.append(m.get(), "i", AF_INET);
    if (r >= 0) r = sd.append_array(m.get(), 'y', a.data(), a.size());
    if (r >= 0) r = sd.close_container(m.get());
  }
  if (r >= 0) r = sd.close_container(m.get());
  if (r < 0) return wire::Error::fatal(what + "cannot build the request: " + std::strerror(-r));
  {
    BusError err(sd);
    r = sd.call(bus->get(), m.get(), 0, &err.e, nullptr);
    if (r < 0) return wire::Error::fatal(what + err.text(r));
  }
  const auto routing = resolved_domains(full_tunnel, domains);
  if (!routing.empty()) {
    // SetLinkDomains(i ifindex, a(sb) domains): routing-only names are "~name".
    sd_bus_message* rawd = nullptr;
    r = sd.new_method_call(bus->get(), &rawd, kService, kPath, kManager, "SetLinkDomains");
    MessagePtr md(rawd, MessageUnref{&sd});
    if (r >= 0) r = sd.append(md.get(), "i", ifindex);
    if (r >= 0) r = sd.open_container(md.get(), 'a', "(sb)");
    for (const auto& [name, route_only] : routing) {
      if (r >= 0) r = sd.append(md.get(), "(sb)", name.c_str(), route_only ? 1 : 0);
    }
    if (r >= 0) r = sd.close_container(md.get());
    if (r < 0) return wire::Error::fatal(what + "cannot build the request: " + std::strerror(-r));
    BusError err(sd);
    r = sd.call(bus->get(), md.get(), 0, &err.e, nullptr);
    if (r < 0) return wire::Error::fatal(what + "cannot set its routing domains: " + err.text(r));
  }
  if (!full_tunnel) return wire::Unit{};

  {
    BusError err(sd);
    r = call_link_method(sd, bus->get(), "SetLinkDefaultRoute", err, ifindex, true);
    if (r < 0) return wire::Error::fatal(what + "cannot make it the default DNS route: " + err.text(r));
  }
  return wire::Unit{};
}

wire::Result<Removed> resolved_revert(const std::string& bus_address, int ifindex, const std::string& ifname) {
  const std::string what = "cannot revert DNS settings of " + ifname + " in systemd-resolved: ";
  auto api = SdBus::load();
  if (!api) return wire::Error::fatal(what + api.error().reason);
  const SdBus& sd = **api;
  auto bus = connect(sd, bus_address);
  if (!bus) return wire::Error::fatal(what + bus.error().reason);
  BusError err(sd);
  const int r = call_link_method(sd, bus->get(), "RevertLink", err, ifindex);
  if (r >= 0) return Removed::Removed;
  if (sd.error_has_name(&err.e, "org.freedesktop.resolve1.NoSuchLink") || r == -ENXIO) {
    return Removed::AlreadyGone;
  }
  return wire::Error::fatal(what + err.text(r));
}

}  // namespace netlink
