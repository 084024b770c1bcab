#include <CLI/CLI.hpp>
#include <cstdio>

#include "version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"pptpctl: PPTP VPN client with the data path in the kernel"};
  app.set_version_flag("--version", std::string("pptpctl ") + PPTPCTL_VERSION);
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
  }
  return 0;
}
