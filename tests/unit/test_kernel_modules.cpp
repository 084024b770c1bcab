#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kernel/modules.hpp"

namespace {

// A fake /proc/modules and /lib/modules/<release> in a temporary directory.
struct FakeKernel {
  std::filesystem::path root;
  kernel::ModulePaths paths;

  FakeKernel() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pptpctl-modules-XXXXXX").string();
    root = mkdtemp(tmpl.data());
    paths.proc_modules = (root / "proc-modules").string();
    paths.modules_dir = (root / "lib-modules").string();
    paths.fips_enabled = (root / "fips_enabled").string();
    std::filesystem::create_directories(paths.modules_dir);
  }
  ~FakeKernel() { std::filesystem::remove_all(root); }

  void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  void loaded(const std::string& text) { write(paths.proc_modules, text); }
  void builtin(const std::string& text) { write(paths.modules_dir + "/modules.builtin", text); }
  void dep(const std::string& text) { write(paths.modules_dir + "/modules.dep", text); }
};

const char* kProcModules =
    "ppp_mppe 16384 0 - Live 0x0000000000000000\n"
    "pptp 28672 0 - Live 0x0000000000000000\n"
    "gre 16384 1 pptp, Live 0x0000000000000000\n"
    "ppp_generic 57344 2 ppp_mppe,pptp, Live 0x0000000000000000\n";

const char* kModulesDep =
    "kernel/drivers/net/ppp/ppp_generic.ko.xz: kernel/drivers/net/slip/slhc.ko.xz\n"
    "kernel/drivers/net/ppp/pptp.ko.xz: kernel/net/ipv4/gre.ko.xz kernel/drivers/net/ppp/pppox.ko.xz\n"
    "kernel/drivers/net/ppp/ppp_mppe.ko.xz: kernel/drivers/net/ppp/ppp_generic.ko.xz\n";

bool never_loads(std::string_view) { return false; }
bool no_probe(std::string_view) { return false; }

}  // namespace

TEST_CASE("kernel: modules loaded, built in, loadable or missing") {
  FakeKernel k;
  k.loaded("pptp 28672 0 - Live 0x0\ngre 16384 1 pptp, Live 0x0\n");
  k.builtin("kernel/drivers/net/ppp/ppp_generic.ko\n");
  k.dep(kModulesDep);
  CHECK(kernel::module_state("pptp", k.paths) == kernel::ModuleState::Loaded);
  CHECK(kernel::module_state("ppp_generic", k.paths) == kernel::ModuleState::BuiltIn);
  CHECK(kernel::module_state("ppp_mppe", k.paths) == kernel::ModuleState::Loadable);
  CHECK(kernel::module_state("l2tp_ppp", k.paths) == kernel::ModuleState::Missing);
  // A prefix of a loaded module's name is not that module.
  CHECK(kernel::module_state("ppt", k.paths) == kernel::ModuleState::Missing);
}

TEST_CASE("kernel: dashes in module file names match underscores in module names") {
  FakeKernel k;
  k.loaded("");
  k.dep("kernel/drivers/net/ppp/ppp-mppe.ko.zst:\n");
  CHECK(kernel::module_state("ppp_mppe", k.paths) == kernel::ModuleState::Loadable);
}

TEST_CASE("kernel: nothing to read means unknown, not missing") {
  FakeKernel k;
  k.paths.modules_dir = (k.root / "no-such-dir").string();
  CHECK(kernel::module_state("pptp", k.paths) == kernel::ModuleState::Unknown);
}

TEST_CASE("kernel: all loaded means nothing missing and nothing loaded") {
  FakeKernel k;
  k.loaded(kProcModules);
  std::vector<std::string> asked;
  auto missing = kernel::missing_kernel_support(k.paths, [&](std::string_view n) {
    asked.emplace_back(n);
    return true;
  });
  CHECK(missing.empty());
  CHECK(asked.empty());
}

TEST_CASE("kernel: loadable modules are loaded, and a failed load is one sentence") {
  FakeKernel k;
  k.loaded("");
  k.dep(kModulesDep);
  std::vector<std::string> asked;
  auto missing = kernel::missing_kernel_support(k.paths, [&](std::string_view n) {
    asked.emplace_back(n);
    return n != "pptp";
  });
  CHECK(asked == std::vector<std::string>{"ppp_generic", "pptp", "ppp_mppe"});
  REQUIRE(missing.size() == 1);
  CHECK(missing[0] == "the kernel has no PPTP support (module pptp is installed but did not load)");
}

TEST_CASE("kernel: each missing module is named in its own sentence") {
  FakeKernel k;
  k.loaded("");
  k.dep("kernel/drivers/net/ppp/ppp_generic.ko:\n");
  auto missing = kernel::missing_kernel_support(k.paths, [](std::string_view) { return true; });
  CHECK(missing == std::vector<std::string>{
                       "the kernel has no PPTP support (module pptp not available)",
                       "MPPE is missing in the kernel (module ppp_mppe not available)",
                   });
}

TEST_CASE("kernel: ppp_mppe that will not load in FIPS mode says so") {
  FakeKernel k;
  k.loaded("ppp_generic 1 0 - Live 0x0\npptp 1 0 - Live 0x0\n");
  k.dep(kModulesDep);
  k.write(k.paths.fips_enabled, "1\n");
  auto missing = kernel::missing_kernel_support(k.paths, never_loads);
  CHECK(missing ==
        std::vector<std::string>{"MPPE is missing in the kernel: FIPS mode forbids MPPE (module ppp_mppe did not load)"});
  k.write(k.paths.fips_enabled, "0\n");
  CHECK(kernel::missing_kernel_support(k.paths, never_loads) ==
        std::vector<std::string>{"MPPE is missing in the kernel (module ppp_mppe is installed but did not load)"});
}

TEST_CASE("kernel: without module lists the kernel itself is asked") {
  FakeKernel k;
  k.paths.modules_dir.clear();
  std::vector<std::string> probed;
  auto missing = kernel::missing_kernel_support(k.paths, never_loads, [&](std::string_view n) {
    probed.emplace_back(n);
    return n != "ppp_generic";
  });
  CHECK(probed == std::vector<std::string>{"ppp_generic", "pptp", "ppp_mppe"});
  CHECK(missing == std::vector<std::string>{"the kernel has no PPP support (module ppp_generic not available)"});
  CHECK(kernel::missing_kernel_support(k.paths, never_loads, no_probe).size() == 3);
}
