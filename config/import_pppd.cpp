#include "config/import_pppd.hpp"

#include <algorithm>
#include <array>

#include "config/import_words.hpp"
#include "userspace/wire/text.hpp"

namespace config::importer {

namespace {

// pppd options that take one argument (pppd(8), pptp-linux, Apple's pppd).
constexpr auto kOneArg = std::to_array<std::string_view>({
    "name", "user", "remotename", "password", "mtu", "mru", "lcp-echo-interval", "lcp-echo-failure",
    "maxfail", "holdoff", "idle", "ipparam", "file", "call", "pty", "plugin", "logfile", "linkname",
    "unit", "remoteaddress", "redialcount", "redialtimer", "pptp_server", "connect", "disconnect",
    "init", "welcome", "asyncmap", "escape", "ms-dns", "ms-wins", "lcp-restart", "lcp-max-configure",
    "lcp-max-terminate", "lcp-max-failure", "ipcp-restart", "ipcp-max-configure", "ipcp-max-terminate",
    "ipcp-max-failure", "chap-restart", "chap-max-challenge", "chap-interval", "pap-restart",
    "pap-max-authreq", "pap-timeout", "connect-delay", "logfd", "active-filter", "pass-filter",
    "domain", "netmask", "remotenumber", "kdebug", "ipv6", "defaultroute-metric"});

// Options pppd takes alone; anything else unknown to us takes its line.
constexpr auto kNoArg = std::to_array<std::string_view>({
    "noauth", "auth", "lock", "nolock", "nobsdcomp", "bsdcomp", "nodeflate", "novj", "novjccomp",
    "noccp", "nomppe", "-mppe", "+mppe", "require-mppe", "require-mppe-40", "require-mppe-128",
    "+mppe-40", "+mppe-128", "nomppe-40", "nomppe-128", "-mppe-40", "-mppe-128", "mppe-stateful",
    "nomppe-stateful", "mppe-stateless", "mppe-40", "mppe-128", "refuse-pap", "refuse-chap",
    "refuse-mschap", "refuse-mschap-v2", "refuse-eap", "refuse-chap-md5", "refuse-ms-chap",
    "refuse-ms-chap-v2", "-pap", "-chap", "-mschap", "-mschap-v2", "require-pap", "require-chap",
    "require-mschap", "require-mschap-v2", "require-eap", "persist", "nopersist", "defaultroute",
    "nodefaultroute", "replacedefaultroute", "usepeerdns", "debug", "nodetach", "updetach",
    "noipdefault", "ipcp-accept-local", "ipcp-accept-remote", "hide-password", "show-password",
    "noaskpassword", "receive-all", "noipx", "local", "modem", "crtscts", "nocrtscts", "passive",
    "silent", "demand", "noip", "noipv6", "+ipv6", "nopcomp", "noaccomp",
    "nomagic", "default-asyncmap", "nodeflatedraft", "noktune", "ktune"});

struct Parser {
  const ReadFile& read;
  Setup setup;
  std::vector<std::string> stack;  // the files being read, outermost first
  std::size_t files_read = 0;

  // As the mapper writes it: the file's own name and the line.
  std::string where(const std::string& file, std::size_t line) const {
    const std::size_t slash = file.rfind('/');
    return wire::printable(slash == std::string::npos ? file : file.substr(slash + 1), 60) + ":" + std::to_string(line);
  }

  void note(std::string line) { setup.notes.push_back(std::move(line)); }

  void include(const Word& option, const std::string& file, std::string target) {
    const std::string at = where(file, option.line);
    if (stack.size() >= kMaxIncludeDepth) {
      note("warning: " + at + ": " + option.text + " " + wire::quoted(target) + " not read: includes nest deeper than " +
           std::to_string(kMaxIncludeDepth) + " files; its options are missing");
      return;
    }
    if (std::find(stack.begin(), stack.end(), target) != stack.end()) {
      note("warning: " + at + ": " + option.text + " " + wire::quoted(target) +
           " not read: it includes itself; its options are missing");
      return;
    }
    if (files_read >= 4 * kMaxIncludeDepth) {
      note("warning: " + at + ": " + option.text + " " + wire::quoted(target) + " not read: too many includes");
      return;
    }
    ++files_read;
    auto text = read(target);
    if (!text) {
      note("warning: " + at + ": " + option.text + " " + wire::quoted(target) +
           " not read (" + wire::printable(text.error().reason) + "); its options are missing");
      return;
    }
    const std::size_t before = setup.options.size();
    parse(*text, target);
    note(std::string("include: ") + at + ": " + option.text + " " + wire::quoted(target) + " -> read, " +
         std::to_string(setup.options.size() - before) + " options");
  }

  void parse(std::string_view text, const std::string& file) {
    stack.push_back(file);
    if (text.size() > kMaxInputBytes) {
      note("warning: " + wire::printable(file) + ": larger than 64 KiB; only its start is read");
      text = text.substr(0, kMaxInputBytes);
    }
    Words words = split_words(text, kMaxOptions * 4);
    for (const std::string& p : words.problems) note("warning: " + wire::printable(file) + ": " + p);
    std::vector<Word>& w = words.words;
    std::size_t i = 0;
    while (i < w.size()) {
      if (setup.options.size() >= kMaxOptions) {
        note("warning: more than " + std::to_string(kMaxOptions) + " options; the rest is not read");
        break;
      }
      Option o;
      o.name = w[i].text;
      o.file = file;
      o.line = w[i].line;
      const int arity = pppd_arity(o.name);
      std::size_t next = i + 1;
      if (arity > 0) {
        for (int k = 0; k < arity && next < w.size(); ++k) o.args.push_back(std::move(w[next++].text));
      } else if (arity < 0) {
        while (next < w.size() && !w[next].starts_line) o.args.push_back(std::move(w[next++].text));
      }
      o.secret = o.name == "password";
      if (o.name == "file" || o.name == "call") {
        if (o.args.empty()) {
          note("warning: " + where(file, o.line) + ": " + o.name + " without a file name");
        } else if (o.name == "file") {
          include(w[i], file, o.args[0]);
        } else {
          // pppd's callfile: no leading '/', no "..", under /etc/ppp/peers.
          const std::string& n = o.args[0];
          const bool climbs = n.empty() || n.front() == '/' || n == ".." || n.starts_with("../") ||
                              n.find("/../") != std::string::npos || n.ends_with("/..");
          if (climbs)
            note("warning: " + where(file, o.line) + ": call " + wire::quoted(n) +
                 " not read: pppd refuses a call name with \"..\" or a leading '/'");
          else
            include(w[i], file, "/etc/ppp/peers/" + n);
        }
      } else {
        setup.options.push_back(std::move(o));
      }
      i = next;
    }
    stack.pop_back();
  }
};

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return (a | 0x20) == (b | 0x20); });
}

}  // namespace

int pppd_arity(std::string_view option) {
  if (std::find(kOneArg.begin(), kOneArg.end(), option) != kOneArg.end()) return 1;
  if (std::find(kNoArg.begin(), kNoArg.end(), option) != kNoArg.end()) return 0;
  return -1;
}

Setup parse_pppd_options(std::string_view text, std::string_view path, const ReadFile& read) {
  Parser p{read, {}, {}, 0};
  p.parse(text, std::string(path));
  Setup& s = p.setup;
  s.form = Form::PppdPeers;
  for (const Option& o : s.options) {
    if ((o.name == "plugin" && !o.args.empty() && ends_with_nocase(o.args[0], "PPTP.ppp")) || o.name == "remoteaddress")
      s.form = Form::MacosPptp;
  }
  const std::size_t slash = path.rfind('/');
  s.default_name = std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
  return s;
}

}  // namespace config::importer
