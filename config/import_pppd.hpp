#pragma once
// pppd options files: a Linux peers file (pptp-linux, pptpsetup, or pppd's
// pptp.so plugin) or macOS's PPTP.ppp form, with `file` and `call`
// includes followed as pppd does (a relative `file` path is opened from the
// current directory; `call NAME` is /etc/ppp/peers/NAME), at most
// kMaxIncludeDepth deep and never in a cycle. Sans-IO: `read` fetches each
// include.
#include <string_view>

#include "config/import_setup.hpp"

namespace config::importer {

// The form is MacosPptp when the options load "PPTP.ppp" or name a
// `remoteaddress`, else PppdPeers. The default name is the file's name.
Setup parse_pppd_options(std::string_view text, std::string_view path, const ReadFile& read);

// How many arguments pppd gives `option` (0 for an option it takes alone),
// or -1 when pptpctl does not know it: then its arguments are the rest of
// its line.
int pppd_arity(std::string_view option);

}  // namespace config::importer
