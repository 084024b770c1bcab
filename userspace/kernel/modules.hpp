#pragma once
// Is the kernel able to do the hand-off at all? Checked before dialling, so a
// kernel without PPP, PPTP or MPPE is reported up front in one sentence per
// missing piece, not as an odd errno halfway through a connection.
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kernel {

// Where module facts live; tests point these at fake files.
struct ModulePaths {
  std::string proc_modules = "/proc/modules";
  std::string modules_dir;  // /lib/modules/<release>: modules.builtin, modules.dep
  std::string fips_enabled = "/proc/sys/crypto/fips_enabled";
};
// The running kernel's paths.
ModulePaths default_module_paths();

enum class ModuleState {
  Loaded,    // listed in /proc/modules
  BuiltIn,   // listed in modules.builtin
  Loadable,  // listed in modules.dep, not loaded yet
  Missing,   // none of the above, though the lists exist
  Unknown,   // no lists to read (no /proc/modules, no modules dir): let the
             // first open or ioctl tell
};

struct RequiredModule {
  std::string_view name;  // as /proc/modules spells it
  std::string_view missing_sentence;
};

inline constexpr std::array<RequiredModule, 3> kRequiredModules{{
    {"ppp_generic", "the kernel has no PPP support (module ppp_generic not available)"},
    {"pptp", "the kernel has no PPTP support (module pptp not available)"},
    {"ppp_mppe", "MPPE is missing in the kernel (module ppp_mppe not available)"},
}};

ModuleState module_state(std::string_view name, const ModulePaths& paths);

// Loads one module; true if it is loaded afterwards.
using ModuleLoader = std::function<bool(std::string_view name)>;
// Runs `modprobe -q NAME` (fork/exec, no shell) and waits for it.
bool run_modprobe(std::string_view name);

// For a kernel with no module lists to read (built without modules, or a
// container without /lib/modules): asks the kernel itself whether the
// feature works. True when present or when there is no cheap way to tell
// (MPPE needs a PPP unit; its absence shows at PPPIOCSCOMPRESS).
using FeatureProbe = std::function<bool(std::string_view name)>;
bool probe_feature(std::string_view name);

// Loads each required module that is loadable but not loaded, and returns
// one sentence for each that is still unavailable. Empty means ready.
std::vector<std::string> missing_kernel_support(const ModulePaths& paths,
                                                const ModuleLoader& load = run_modprobe,
                                                const FeatureProbe& probe = probe_feature);

// True when the kernel runs in FIPS mode, where ppp_mppe refuses to work.
bool fips_mode(const std::string& fips_enabled_path = "/proc/sys/crypto/fips_enabled");

}  // namespace kernel
