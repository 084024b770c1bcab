#pragma once
// One function per subcommand; each prints its own one-line errors and
// returns the exit code.
#include <string>

#include "daemon/exit_codes.hpp"

namespace pptpctl {

struct CommonOptions {
  std::string config_dir;  // empty: $PPTPCTL_CONFIG_DIR or /etc/pptpctl
};

Exit cmd_up(const CommonOptions& common, const std::string& name, bool debug);
Exit cmd_run(const CommonOptions& common, const std::string& name, bool debug, int progress_fd);
Exit cmd_down(const std::string& name);
Exit cmd_status(const std::string& name, bool json);
Exit cmd_list(const CommonOptions& common);
Exit cmd_import(const CommonOptions& common, const std::string& name, const std::string& secrets,
                const std::string& file);

// Before any command, as root: puts back the DNS that tunnels whose daemons
// are gone (crash, power loss) left behind, and says so on stderr.
void recover_dead_tunnels();

// The exit codes, for --help.
std::string exit_code_help();

}  // namespace pptpctl
