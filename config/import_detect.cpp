#include "config/import_detect.hpp"

#include "config/import_keyfile.hpp"
#include "config/import_pppd.hpp"
#include "userspace/wire/text.hpp"

namespace config::importer {

wire::Result<Setup> parse_setup(std::string_view text, std::string_view path, const ReadFile& read) {
  if (text.size() > kMaxInputBytes)
    return wire::Error::fatal(wire::printable(path) + " is larger than 64 KiB; no set-up to import is that large");
  if (looks_like_keyfile(text)) return parse_nm_keyfile(text, path);
  return parse_pppd_options(text, path, read);
}

}  // namespace config::importer
