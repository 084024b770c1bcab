#include "config/import_keyfile.hpp"

#include "userspace/wire/text.hpp"

namespace config::importer {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// GKeyFile's value escapes; an unknown escape keeps both characters.
std::string unescape(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    const char c = v[++i];
    switch (c) {
      case 's': out += ' '; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '\\': out += '\\'; break;
      default:
        out += '\\';
        out += c;
    }
  }
  return out;
}

// Splits `text` into lines without copying; the last line may lack '\n'.
template <typename Fn>
void each_line(std::string_view text, Fn fn) {
  std::size_t line = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    fn(text.substr(0, nl), ++line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

std::string name_from_id(std::string_view id) {
  std::string out;
  for (char c : id) out += name_char(c) ? c : '-';
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  return out;
}

}  // namespace

bool looks_like_keyfile(std::string_view text) {
  bool keyfile = false, decided = false;
  each_line(text, [&](std::string_view raw, std::size_t) {
    if (decided) return;
    const std::string_view l = trim(raw);
    if (l.empty() || l.front() == '#') return;
    decided = true;
    keyfile = l.front() == '[' && l.back() == ']';
  });
  return keyfile;
}

wire::Result<Setup> parse_nm_keyfile(std::string_view text, std::string_view path) {
  Setup s;
  s.form = Form::NetworkManager;
  const std::string file(path);
  if (text.size() > kMaxInputBytes)
    return wire::Error::fatal(wire::printable(file) + " is larger than 64 KiB; a keyfile is far smaller");
  std::string group;
  std::string service, id;
  each_line(text, [&](std::string_view raw, std::size_t line) {
    const std::string_view l = trim(raw);
    if (l.empty() || l.front() == '#') return;
    if (l.front() == '[') {
      if (l.back() == ']') {
        group = std::string(l.substr(1, l.size() - 2));
      } else {
        s.notes.push_back("warning: " + wire::printable(file) + ":" + std::to_string(line) +
                          ": a group header without ']'; the keys below it are skipped");
        group = "?";
      }
      return;
    }
    const std::size_t eq = l.find('=');
    if (eq == std::string_view::npos) {
      s.notes.push_back("warning: " + wire::printable(file) + ":" + std::to_string(line) +
                        ": neither [group] nor key=value; skipped");
      return;
    }
    if (s.options.size() >= kMaxOptions) return;
    Option o;
    o.name = std::string(trim(l.substr(0, eq)));
    o.args.push_back(unescape(trim(l.substr(eq + 1))));
    o.section = group;
    o.file = file;
    o.line = line;
    o.secret = group == "vpn-secrets" || o.name == "password";
    if (group == "vpn" && o.name == "service-type") service = o.args[0];
    if (group == "connection" && o.name == "id") id = o.args[0];
    s.options.push_back(std::move(o));
  });
  if (s.options.size() >= kMaxOptions)
    s.notes.push_back("warning: more than " + std::to_string(kMaxOptions) + " keys; the rest is not read");
  if (service.empty())
    return wire::Error::fatal(wire::printable(file) +
                              " is a keyfile without [vpn] service-type: not a NetworkManager VPN connection");
  if (service != kNmPptpService)
    return wire::Error::fatal(wire::printable(file) + " is a NetworkManager VPN of type " + wire::quoted(service) +
                              ", not PPTP (" + std::string(kNmPptpService) + ")");
  s.default_name = name_from_id(id);
  if (s.default_name.empty()) {
    const std::size_t slash = path.rfind('/');
    std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
    if (base.ends_with(".nmconnection")) base.resize(base.size() - std::string_view(".nmconnection").size());
    s.default_name = name_from_id(base);
  }
  return s;
}

}  // namespace config::importer
