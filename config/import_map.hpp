#pragma once
// The one mapper from an imported set-up (import_setup.hpp) to a profile:
// every option gets a report line saying what it became or why it has
// none; anything that lets the link be weaker than pptpctl's defaults
// (PAP, CHAP-MD5, MS-CHAPv1, no MPPE, 40-bit, stateful) is carried, as the
// old set-up had it, with a "warning:" line. Text from the input is made
// printable before it reaches a report line. Sans-IO.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/import_chap_secrets.hpp"
#include "config/import_setup.hpp"
#include "config/secret.hpp"

namespace config::importer {

struct SecretsSource {
  std::string path;                     // for the report
  const ChapSecrets* secrets = nullptr;  // nullptr: there is no chap-secrets
};

struct Imported {
  // Only keys parse_profile accepts; "password_file" is PROFILE_NAME.secret.
  nlohmann::ordered_json profile;
  Secret password;  // empty: none found (the report says where to put it)
  std::vector<std::string> report;
};

// Fails, with one sentence, when the set-up has no server or user name, or
// refuses every authentication pptpctl can do.
wire::Result<Imported> map_setup(const Setup& setup, const SecretsSource& secrets, std::string_view profile_name);

}  // namespace config::importer
