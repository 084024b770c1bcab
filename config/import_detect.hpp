#pragma once
// Which form an existing set-up is in, decided from its text alone (a file
// name proves nothing), and the matching parser.
#include <string_view>

#include "config/import_setup.hpp"

namespace config::importer {

// A keyfile (its first line is a [group]) goes to the NetworkManager
// parser, anything else to the pppd options parser, which tells macOS's
// PPTP.ppp form from a Linux peers file.
wire::Result<Setup> parse_setup(std::string_view text, std::string_view path, const ReadFile& read);

}  // namespace config::importer
