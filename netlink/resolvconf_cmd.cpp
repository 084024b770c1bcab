#include "netlink/resolvconf_cmd.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "netlink/program.hpp"

namespace netlink {

namespace {

// resolvconf runs update scripts that may restart services: give it time,
// but a hung one must not hang the daemon.
constexpr auto kPatience = std::chrono::seconds(20);

// Runs program with args, input on stdin (program.hpp).
wire::Result<wire::Unit> run(const std::string& program, const std::vector<std::string>& args,
                             const std::string& input) {
  const std::string what = "resolvconf " + args.front() + " " + args.back();
  auto r = run_program(program, args, input, kPatience);
  if (!r) return wire::Error::fatal(what + " failed: " + r.error().reason);
  if (r->status == 0) return wire::Unit{};
  const std::string why =
      r->signal != 0 ? "killed by signal " + std::to_string(r->signal) : "exit status " + std::to_string(r->status);
  const std::string line = program_said(*r);
  return wire::Error::fatal(what + " failed (" + why + ")" + (line.empty() ? "" : ": " + line));
}

}  // namespace

std::optional<std::string> find_resolvconf(const std::optional<std::string>& search_path) {
  return find_program("resolvconf", search_path, [](const std::string& candidate) {
    std::error_code ec;
    const auto real = std::filesystem::canonical(candidate, ec);
    return ec || real.filename() != "resolvectl";
  });
}

std::string resolvconf_input(const std::vector<wire::Ipv4>& servers, const std::vector<std::string>& domains) {
  std::string s;
  for (const auto& a : servers) s += "nameserver " + to_string(a) + "\n";
  if (!domains.empty()) {
    s += "search";
    for (const auto& d : domains) s += " " + d;
    s += "\n";
  }
  return s;
}

std::string resolvconf_name(const std::string& ifname) { return "tun." + ifname; }

wire::Result<wire::Unit> resolvconf_add(const std::string& program, const std::string& ifname,
                                        const std::string& input) {
  return run(program, {"-a", resolvconf_name(ifname)}, input);
}

wire::Result<wire::Unit> resolvconf_delete(const std::string& program, const std::string& ifname) {
  return run(program, {"-d", resolvconf_name(ifname)}, "");
}

}  // namespace netlink
