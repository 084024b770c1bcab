// `pptpctl down`, `status` and `list`.
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.hpp"
#include "config/config_dir.hpp"
#include "daemon/ipc.hpp"
#include "daemon/network.hpp"

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

}  // namespace

Exit cmd_down(const std::string& name) {
  if (!need_root()) return Exit::Failure;
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

namespace {

std::string text_or(const nlohmann::json& j, const char* key, const char* fallback = "-") {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}

void print_human(const nlohmann::json& j) {
  std::printf("%s: %s", text_or(j, "name").c_str(), text_or(j, "state").c_str());
  if (j.value("state", "") == "up") {
    std::printf(" on %s, %s peer %s, server %s\n", text_or(j, "interface").c_str(), text_or(j, "local").c_str(),
                text_or(j, "peer").c_str(), text_or(j, "server").c_str());
    if (j.contains("mppe") && j["mppe"].is_object())
      std::printf("  encryption: send %s, receive %s\n", text_or(j["mppe"], "send").c_str(),
                  text_or(j["mppe"], "receive").c_str());
    else
      std::printf("  encryption: NONE\n");
    std::string dns;
    for (const auto& d : j.value("dns", nlohmann::json::array())) dns += (dns.empty() ? "" : ", ") + d.get<std::string>();
    std::printf("  dns: %s%s\n", dns.empty() ? "-" : dns.c_str(),
                dns.empty() ? "" : (" (" + text_or(j, "dns_backend") + ")").c_str());
    std::printf("  uptime: %llds, received %llu bytes, sent %llu bytes\n", j.value("uptime_s", 0LL),
                j.value("rx_bytes", 0ULL), j.value("tx_bytes", 0ULL));
  } else {
    std::printf(", server %s\n", text_or(j, "server").c_str());
  }
}

}  // namespace

Exit cmd_status(const std::string& name, bool json) {
  if (!need_root()) return Exit::Failure;
  std::vector<std::string> names = name.empty() ? running_profiles() : std::vector<std::string>{name};
  auto all = nlohmann::json::array();
  bool any = false;
  for (const auto& n : names) {
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
    else print_human(j);
  }
  if (json) std::printf("%s\n", (name.empty() ? all : (all.empty() ? nlohmann::json() : all[0])).dump(2).c_str());
  else if (!any) std::printf("no tunnels running\n");
  return Exit::Ok;
}

Exit cmd_list(const CommonOptions& common) {
  auto dir = config::resolve_config_dir(common.config_dir);
  auto names = config::list_profiles(dir);
  if (!names) {
    std::fprintf(stderr, "pptpctl: %s\n", names.error().reason.c_str());
    return Exit::BadProfile;
  }
  for (const auto& n : *names) std::printf("%s%s\n", n.c_str(), daemon_alive(n) ? " (running)" : "");
  return Exit::Ok;
}

std::string exit_code_help() {
  std::string s = "Exit codes:\n";
  for (int i = 0; i <= code(kLastExit); ++i)
    s += "  " + std::to_string(i) + (i < 10 ? "   " : "  ") + std::string(exit_name(static_cast<Exit>(i))) + "\n";
  return s;
}

}  // namespace pptpctl
