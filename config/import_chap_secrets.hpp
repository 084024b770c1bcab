#pragma once
// pppd's chap-secrets (pppd(8), AUTHENTICATION): one entry a line,
// "client server secret [address ...]", in pppd's word syntax
// (import_words.hpp: quotes, escapes, comments); "*" as client or server
// matches anything. Sans-IO: text in.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/secret.hpp"

namespace config::importer {

struct ChapSecret {
  std::string client;
  std::string server;
  Secret secret;
  std::size_t line = 0;
  // pppd reads a secret written "@/path" from that file; import does not.
  bool names_a_file = false;
};

struct ChapSecrets {
  std::vector<ChapSecret> entries;
  std::vector<std::string> problems;  // our words, with line numbers
};

inline constexpr std::size_t kMaxSecretsEntries = 1000;

ChapSecrets parse_chap_secrets(std::string_view text);

// The entry pppd would pick to authenticate `client` to `server`, as its
// scan_authfile does: exact names beat "*" (client before server), the
// first of equals wins. nullptr: none matches.
const ChapSecret* find_secret(const ChapSecrets& secrets, std::string_view client, std::string_view server);

}  // namespace config::importer
