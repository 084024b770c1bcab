#include "kernel/modules.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <linux/if_pppox.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <cerrno>
#include <fstream>

#include "kernel/fd.hpp"

extern char** environ;

namespace kernel {
namespace {

// modules.builtin and modules.dep name files ("kernel/drivers/net/ppp/ppp_generic.ko.xz");
// /proc/modules names modules, where '-' in a file name became '_'.
std::string module_name_of(std::string_view path) {
  if (auto slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
  if (auto ko = path.find(".ko"); ko != std::string_view::npos) path = path.substr(0, ko);
  std::string name(path);
  for (auto& c : name)
    if (c == '-') c = '_';
  return name;
}

enum class Listed { Yes, No, NoFile };

// /proc/modules: "name size refcount deps state address", one per line.
Listed in_proc_modules(std::string_view name, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Listed::NoFile;
  std::string line;
  while (std::getline(in, line)) {
    auto field = line.substr(0, line.find(' '));
    if (field == name) return Listed::Yes;
  }
  return Listed::No;
}

// modules.builtin: one path per line; modules.dep: "path: deps".
Listed in_module_list(std::string_view name, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Listed::NoFile;
  std::string line;
  while (std::getline(in, line)) {
    auto file = line.substr(0, line.find(':'));
    if (module_name_of(file) == name) return Listed::Yes;
  }
  return Listed::No;
}

}  // namespace

ModulePaths default_module_paths() {
  ModulePaths paths;
  utsname u{};
  if (uname(&u) == 0) paths.modules_dir = std::string("/lib/modules/") + u.release;
  return paths;
}

ModuleState module_state(std::string_view name, const ModulePaths& paths) {
  auto loaded = in_proc_modules(name, paths.proc_modules);
  if (loaded == Listed::Yes) return ModuleState::Loaded;
  auto builtin = Listed::NoFile, dep = Listed::NoFile;
  if (!paths.modules_dir.empty()) {
    builtin = in_module_list(name, paths.modules_dir + "/modules.builtin");
    if (builtin == Listed::Yes) return ModuleState::BuiltIn;
    dep = in_module_list(name, paths.modules_dir + "/modules.dep");
    if (dep == Listed::Yes) return ModuleState::Loadable;
  }
  if (loaded == Listed::NoFile && builtin == Listed::NoFile && dep == Listed::NoFile)
    return ModuleState::Unknown;
  return ModuleState::Missing;
}

bool run_modprobe(std::string_view name) {
  std::string arg(name);
  // Fixed paths first: a daemon may run with an empty or hostile PATH.
  for (const char* prog : {"/usr/sbin/modprobe", "/sbin/modprobe"}) {
    char* argv[] = {const_cast<char*>("modprobe"), const_cast<char*>("-q"), arg.data(), nullptr};
    pid_t pid = 0;
    if (posix_spawn(&pid, prog, nullptr, nullptr, argv, environ) != 0) continue;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) return false;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return false;
}

bool probe_feature(std::string_view name) {
  if (name == "ppp_generic") {
    Fd fd(::open("/dev/ppp", O_RDWR | O_CLOEXEC));
    return fd.valid() || (errno != ENOENT && errno != ENODEV && errno != ENXIO);
  }
  if (name == "pptp") {
    Fd fd(::socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP));
    return fd.valid() || (errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT);
  }
  return true;
}

std::vector<std::string> missing_kernel_support(const ModulePaths& paths, const ModuleLoader& load,
                                                const FeatureProbe& probe) {
  std::vector<std::string> missing;
  for (const auto& m : kRequiredModules) {
    switch (module_state(m.name, paths)) {
      case ModuleState::Loaded:
      case ModuleState::BuiltIn:
        continue;
      case ModuleState::Unknown:
        if (!probe || probe(m.name)) continue;
        missing.emplace_back(m.missing_sentence);
        continue;
      case ModuleState::Loadable:
        if (load && load(m.name)) continue;
        if (m.name == "ppp_mppe" && fips_mode(paths.fips_enabled)) {
          missing.push_back("MPPE is missing in the kernel: FIPS mode forbids MPPE (module ppp_mppe did not load)");
        } else {
          missing.push_back(std::string(m.missing_sentence.substr(0, m.missing_sentence.find(" ("))) +
                            " (module " + std::string(m.name) + " is installed but did not load)");
        }
        continue;
      case ModuleState::Missing:
        missing.emplace_back(m.missing_sentence);
        continue;
    }
  }
  return missing;
}

bool fips_mode(const std::string& fips_enabled_path) {
  std::ifstream in(fips_enabled_path);
  int v = 0;
  return in >> v && v != 0;
}

}  // namespace kernel
