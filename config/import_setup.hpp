#pragma once
// `pptpctl import`: the neutral form every parser produces. A parser turns
// one kind of existing set-up (pppd peers file, macOS PPTP.ppp options,
// NetworkManager keyfile) into a list of options with where each came from;
// one mapper (import_map.hpp) turns that list into a profile and the report.
// Sans-IO: nothing here reads a file; includes go through a ReadFile the
// caller supplies, so tests and fuzzers feed text.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "userspace/wire/result.hpp"

namespace config::importer {

enum class Form : std::uint8_t { PppdPeers, MacosPptp, NetworkManager };

// "pppd peers file", "macOS PPTP.ppp options", "NetworkManager keyfile".
std::string_view describe(Form f);
// The prefix of the report lines that say what an option became: "pppd",
// "macos", "nm".
std::string_view prefix(Form f);

// One option as written. pppd and macOS: the option word and its arguments
// (pppd's quoting already undone). NetworkManager: the key, its value as the
// single argument, and its [section].
struct Option {
  std::string name;
  std::vector<std::string> args;
  std::string section;  // NetworkManager only
  std::string file;     // the file it came from (an include, maybe)
  std::size_t line = 0;
  bool secret = false;  // args hold a password: never printed
};

struct Setup {
  Form form = Form::PppdPeers;
  std::vector<Option> options;
  // What the profile is called when --name is not given: the peers file's
  // name, the keyfile's id=. Not checked yet.
  std::string default_name;
  // Lines the parser itself has to say (a word it could not read, an
  // include it did not follow), already made printable.
  std::vector<std::string> notes;
};

// Reads an include (pppd's `file` and `call`): its text, or why not. The
// CLI's reader opens regular files only, bounded in size.
using ReadFile = std::function<wire::Result<std::string>(const std::string& path)>;

// Limits on what an input may make us do.
inline constexpr std::size_t kMaxInputBytes = 64 * 1024;
inline constexpr std::size_t kMaxIncludeDepth = 8;
inline constexpr std::size_t kMaxOptions = 1000;
inline constexpr std::size_t kMaxWordBytes = 1024;  // pppd's MAXWORDLEN

}  // namespace config::importer
