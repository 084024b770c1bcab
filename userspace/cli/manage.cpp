// `pptpctl down`, `status` and `list`.
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.hpp"
#include "cli/status_text.hpp"
#include "config/config_dir.hpp"
#include "daemon/ipc.hpp"
#include "daemon/network.hpp"
#include "daemon/run_dir.hpp"
#include "netlink/file_io.hpp"

namespace pptpctl {

using namespace std::chrono_literals;

namespace {

// The control sockets are root's: without root every tunnel would look
// "not running", which is worse than saying why.
bool need_root() {
  if (::geteuid() == 0) return true;
  std::fprintf(stderr, "pptpctl: run as root (the tunnels' control sockets are root's)\n");
  return false;
}

// The name becomes part of socket and record paths under RUN_DIR: check it
// before anything touches one, as `up` does before it reads the profile.
bool valid_name(const std::string& name) {
  auto ok = config::check_profile_name(name);
  if (ok) return true;
  std::fprintf(stderr, "pptpctl: %s\n", ok.error().reason.c_str());
  return false;
}

// RUN_DIR decides which records `down` replays as root and which sockets
// we trust: refuse one that is not root's alone. False: said why.
bool safe_run_dir() {
  auto ok = netlink::check_private_dir(run_dir());
  if (ok) return true;
  std::fprintf(stderr, "pptpctl: %s\n", ok.error().reason.c_str());
  return false;
}

}  // namespace

Exit cmd_down(const std::string& name) {
  if (!valid_name(name)) return Exit::BadProfile;
  if (!need_root()) return Exit::Failure;
  if (!safe_run_dir()) return Exit::Failure;
  if (!daemon_alive(name)) {
    // A daemon that died leaves its record: take back its routes and DNS.
    auto undone = NetworkSetup::undo_record(changes_path(name));
    if (!undone) {
      std::fprintf(stderr, "pptpctl: %s: %s\n", name.c_str(), undone.error().reason.c_str());
      return Exit::NetworkSetup;
    }
    for (const auto& line : *undone) std::printf("pptpctl: %s: undo: %s\n", name.c_str(), line.c_str());
    if (!undone->empty()) return Exit::Ok;
    std::fprintf(stderr, "pptpctl: %s: not running\n", name.c_str());
    return Exit::NotRunning;
  }
  std::printf("pptpctl: %s: tearing down (routes, DNS, LCP, call, control connection)\n", name.c_str());
  auto answer = request(name, "down", 40s);
  if (!answer) {
    std::fprintf(stderr, "pptpctl: %s: %s\n", name.c_str(), answer.error().reason.c_str());
    return Exit::Failure;
  }
  std::printf("pptpctl: %s: down\n", name.c_str());
  return Exit::Ok;
}

Exit cmd_status(const std::string& name, bool json) {
  if (!name.empty() && !valid_name(name)) return Exit::BadProfile;
  if (!need_root()) return Exit::Failure;
  if (!safe_run_dir()) return Exit::Failure;
  std::vector<std::string> names = name.empty() ? running_profiles() : std::vector<std::string>{name};
  auto all = nlohmann::json::array();
  bool any = false;
  for (const auto& n : names) {
    if (!config::check_profile_name(n)) continue;  // not a socket a daemon of ours made
    auto answer = request(n, "status", 5s);
    if (!answer) {
      if (!name.empty()) {
        std::fprintf(stderr, "pptpctl: %s: not running\n", n.c_str());
        return Exit::NotRunning;
      }
      continue;  // a stale socket of a dead daemon
    }
    auto j = nlohmann::json::parse(*answer, nullptr, false);
    if (j.is_discarded()) continue;
    any = true;
    if (json) all.push_back(j);
    else std::fputs(status_text(j).c_str(), stdout);
  }
  if (json) std::printf("%s\n", (name.empty() ? all : (all.empty() ? nlohmann::json() : all[0])).dump(2).c_str());
  else if (!any) std::printf("no tunnels running\n");
  return Exit::Ok;
}

Exit cmd_list(const CommonOptions& common) {
  auto dir = config::resolve_config_dir(common.config_dir);
  if (!safe_run_dir()) return Exit::Failure;
  auto names = config::list_profiles(dir);
  if (!names) {
    std::fprintf(stderr, "pptpctl: %s\n", names.error().reason.c_str());
    return Exit::BadProfile;
  }
  for (const auto& n : *names) std::printf("%s%s\n", n.c_str(), daemon_alive(n) ? " (running)" : "");
  return Exit::Ok;
}

void recover_dead_tunnels() {
  if (::geteuid() != 0) return;  // the state is root's; need_root() says so where it matters
  auto lines = NetworkSetup::recover_dns();
  if (!lines) {
    std::fprintf(stderr, "pptpctl: cannot check for DNS left by a crashed tunnel: %s\n", lines.error().reason.c_str());
    return;
  }
  // stderr: `status --json` keeps stdout for JSON.
  for (const auto& line : *lines) std::fprintf(stderr, "pptpctl: %s\n", line.c_str());
}

std::string exit_code_help() {
  std::string s = "Exit codes:\n";
  for (int i = 0; i <= code(kLastExit); ++i)
    s += "  " + std::to_string(i) + (i < 10 ? "   " : "  ") + std::string(exit_name(static_cast<Exit>(i))) + "\n";
  return s;
}

}  // namespace pptpctl
