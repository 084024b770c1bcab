#pragma once
// NetworkManager keyfiles (/etc/NetworkManager/system-connections/*.nmconnection,
// GKeyFile syntax): "[group]" lines, "key=value" lines, '#' comments; values
// unescaped as GKeyFile does (\s \n \t \r \\). Only a VPN connection whose
// [vpn] service-type is org.freedesktop.NetworkManager.pptp is accepted.
#include <string_view>

#include "config/import_setup.hpp"

namespace config::importer {

inline constexpr std::string_view kNmPptpService = "org.freedesktop.NetworkManager.pptp";

// True when the first line that is neither blank nor a comment is a
// "[group]" header: a keyfile, not a pppd options file.
bool looks_like_keyfile(std::string_view text);

// Every key of every group becomes an Option (section = the group); the
// default name is id= of [connection], with characters a profile name may
// not hold turned into '-'.
wire::Result<Setup> parse_nm_keyfile(std::string_view text, std::string_view path);

}  // namespace config::importer
