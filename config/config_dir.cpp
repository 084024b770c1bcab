#include "config/config_dir.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace config {

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

}  // namespace

std::string resolve_config_dir(std::string_view flag_value) {
  if (!flag_value.empty()) return std::string(flag_value);
  const char* env = std::getenv(std::string(kConfigDirEnv).c_str());
  if (env != nullptr && *env != '\0') return env;
  return std::string(kDefaultConfigDir);
}

wire::Result<wire::Unit> check_profile_name(std::string_view name) {
  const bool ok = !name.empty() && name.size() <= kMaxProfileNameChars && name.front() != '.' &&
                  std::all_of(name.begin(), name.end(), name_char);
  if (ok) return wire::Unit{};
  std::string shown(name.substr(0, kMaxProfileNameChars));
  // Only printable ASCII goes into the message; anything else becomes '?'.
  for (char& c : shown)
    if (c < 0x20 || c > 0x7e) c = '?';
  if (name.size() > kMaxProfileNameChars) shown += "...";
  return wire::Error::fatal("profile name \"" + shown +
                            "\" is not allowed: use 1 to 64 letters, digits, '-', '_' or '.', "
                            "not starting with '.'");
}

std::string profile_file_path(std::string_view config_dir, std::string_view name) {
  std::string path(config_dir);
  if (path.empty()) path = ".";
  if (path.back() != '/') path += '/';
  path += name;
  path += ".json";
  return path;
}

wire::Result<std::vector<std::string>> list_profiles(std::string_view config_dir) {
  namespace fs = std::filesystem;
  const std::string dir(config_dir.empty() ? "." : config_dir);
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return wire::Error::fatal("cannot list profiles in " + dir + ": " + ec.message());
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".json") continue;
    std::error_code type_ec;
    // Follows symlinks on purpose: a linked profile loads like any other.
    if (!fs::is_regular_file(p, type_ec)) continue;
    std::string stem = p.stem().string();
    if (check_profile_name(stem)) names.push_back(std::move(stem));
  }
  if (ec) return wire::Error::fatal("cannot list profiles in " + dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace config
