// A NetworkManager keyfile, arbitrary text, through the keyfile parser and
// the mapper. Invariants as fuzz_import_pppd: never a crash; an accepted
// keyfile maps to a profile the daemon's own parser loads; no control byte
// in a report line (the unit tests check that no password is printed).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/import_detect.hpp"
#include "config/import_keyfile.hpp"
#include "config/import_map.hpp"
#include "config/profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto setup = config::importer::parse_nm_keyfile(text, "/etc/NetworkManager/system-connections/fuzz.nmconnection");
  if (!setup) {
    if (setup.error().reason.empty()) std::abort();
    return 0;
  }
  if (setup->form != config::importer::Form::NetworkManager) std::abort();
  auto imported = config::importer::map_setup(*setup, {"/etc/ppp/chap-secrets", nullptr}, "fuzz");
  if (!imported) return 0;
  if (!config::parse_profile(imported->profile.dump(), "/etc/pptpctl/fuzz.json", "fuzz")) std::abort();
  for (const std::string& line : imported->report) {
    if (std::any_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
      std::abort();
  }
  return 0;
}
