// pptpctl: the command line. `up` starts a detached daemon (this same binary
// as `run --progress-fd N`) and prints its progress until the link is up or
// has failed; `run` is that daemon in the foreground, for systemd.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  using namespace pptpctl;
  CLI::App app{"pptpctl: a PPTP VPN client whose data path runs in the kernel"};
  app.set_version_flag("--version", std::string("pptpctl ") + PPTPCTL_VERSION);
  app.footer(exit_code_help());
  CommonOptions common;
  app.add_option("--config-dir", common.config_dir, "Profile directory (default $PPTPCTL_CONFIG_DIR or /etc/pptpctl)");
  app.require_subcommand(1);

  std::string name;
  bool debug = false;
  int progress_fd = -1;
  bool json = false;

  auto* up = app.add_subcommand("up", "Connect a profile; returns once traffic flows, printing the address");
  up->add_option("name", name, "Profile name (NAME.json in the profile directory)")->required();
  up->add_flag("--debug", debug, "Print every PPTP and PPP packet, decoded");

  auto* run = app.add_subcommand("run", "Run a profile's connection in the foreground (systemd)");
  run->add_option("name", name, "Profile name")->required();
  run->add_flag("--debug", debug, "Log every PPTP and PPP packet, decoded");
  run->add_option("--progress-fd", progress_fd, "Internal: report progress on this fd")->group("");

  auto* down = app.add_subcommand("down", "Tear a tunnel down and wait until it is gone");
  down->add_option("name", name, "Profile name")->required();

  auto* status = app.add_subcommand("status", "Show tunnels: state, addresses, DNS, MPPE, uptime, bytes");
  status->add_option("name", name, "Only this profile");
  status->add_flag("--json", json, "Machine-readable output");

  app.add_subcommand("list", "List profiles");

  std::string import_file, secrets_file;
  auto* import_cmd = app.add_subcommand(
      "import", "Turn a pppd peers file, macOS PPTP.ppp options or a NetworkManager-pptp keyfile into a profile");
  import_cmd->add_option("file", import_file, "The file to import; its form is told from its content")->required();
  import_cmd->add_option("--name", name, "Profile name (default: the peers file's name, or the keyfile's id)");
  import_cmd->add_option("--secrets", secrets_file, "pppd's chap-secrets to find the password in (default /etc/ppp/chap-secrets)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : code(Exit::Usage);
  }
  // Every command, `run` (the unit's start) included, first restores what a
  // crash or power loss left: /run is gone then, /var/lib/pptpctl is not.
  recover_dead_tunnels();
  Exit rc = Exit::Ok;
  if (up->parsed()) rc = cmd_up(common, name, debug);
  else if (run->parsed()) rc = cmd_run(common, name, debug, progress_fd);
  else if (down->parsed()) rc = cmd_down(name);
  else if (status->parsed()) rc = cmd_status(name, json);
  else if (import_cmd->parsed()) rc = cmd_import(common, name, secrets_file, import_file);
  else rc = cmd_list(common);
  return code(rc);
}
