// A pppd peers file or macOS PPTP.ppp options, arbitrary text, through the
// pppd parser (with includes answered from the same bytes, so nesting and
// cycles are exercised) and the mapper, with and without chap-secrets.
// Invariants: never a crash; an accepted set-up maps to a profile the
// daemon's own parser loads; no report line holds a control byte (the unit
// tests check that no password is printed).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/import_chap_secrets.hpp"
#include "config/import_map.hpp"
#include "config/import_pppd.hpp"
#include "config/profile.hpp"

namespace {

void check(const config::importer::Setup& setup, const config::importer::SecretsSource& source) {
  auto imported = config::importer::map_setup(setup, source, "fuzz");
  if (!imported) {
    if (imported.error().reason.empty()) std::abort();
    return;
  }
  if (!config::parse_profile(imported->profile.dump(), "/etc/pptpctl/fuzz.json", "fuzz")) std::abort();
  for (const std::string& line : imported->report) {
    if (std::any_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first NUL splits the input: options before it, chap-secrets after.
  const std::size_t nul = text.find('\0');
  const std::string_view options = text.substr(0, nul);
  const std::string_view secrets_text = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  const config::importer::ReadFile read = [&](const std::string& path) -> wire::Result<std::string> {
    if (path.size() % 2 == 0) return std::string(options);
    return wire::Error::fatal("cannot open " + path);
  };
  const auto setup = config::importer::parse_pppd_options(options, "/etc/ppp/peers/fuzz", read);
  if (setup.options.size() > config::importer::kMaxOptions) std::abort();
  const auto secrets = config::importer::parse_chap_secrets(secrets_text);
  check(setup, {"/etc/ppp/chap-secrets", nullptr});
  check(setup, {"/etc/ppp/chap-secrets", &secrets});
  return 0;
}
