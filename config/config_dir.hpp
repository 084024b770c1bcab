#pragma once
// Where profiles live and what they may be called.
#include <string>
#include <string_view>
#include <vector>

#include "userspace/wire/result.hpp"

namespace config {

inline constexpr std::string_view kDefaultConfigDir = "/etc/pptpctl";
inline constexpr std::string_view kConfigDirEnv = "PPTPCTL_CONFIG_DIR";
inline constexpr std::size_t kMaxProfileNameChars = 64;

// --config-dir (empty: not given) beats $PPTPCTL_CONFIG_DIR beats /etc/pptpctl.
std::string resolve_config_dir(std::string_view flag_value);

// Letters, digits, '-', '_' and '.', not starting with '.', 1..64
// characters: a name can never climb out of the config dir.
wire::Result<wire::Unit> check_profile_name(std::string_view name);

// CONFIG_DIR/NAME.json; the name is not checked here.
std::string profile_file_path(std::string_view config_dir, std::string_view name);

// Names of the *.json files in `config_dir` that are valid profile names,
// sorted.
wire::Result<std::vector<std::string>> list_profiles(std::string_view config_dir);

}  // namespace config
