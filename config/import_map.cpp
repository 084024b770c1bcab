#include "config/import_map.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "config/host_name.hpp"
#include "config/profile.hpp"
#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/text.hpp"

namespace config::importer {

namespace {

using nlohmann::ordered_json;

constexpr unsigned kBits40 = 1;
constexpr unsigned kBits128 = 2;

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 10 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

// One argument as it would be written back: printable, quoted when it
// holds a space or is empty.
std::string show_word(std::string_view w) {
  const bool plain = !w.empty() && w.find_first_of(" \t\"'#") == std::string_view::npos;
  return plain ? wire::printable(w, 100) : wire::quoted(w, 100);
}

struct Ctx {
  Ctx(const Setup& s, std::string_view profile) : setup(s), profile_name(profile) {}

  const Setup& setup;
  std::string_view profile_name;
  std::vector<std::string> report;

  std::string server, user, name, remotename, domain;
  Secret password;
  bool refuse_pap = false, refuse_chap = false, refuse_mschap = false, refuse_mschapv2 = false;
  unsigned mppe_want = 0;
  bool mppe_said = false;   // any MPPE option at all
  bool mppe_off = false;    // nomppe / noccp
  bool stateful = false;
  bool use_peer_said = false;
  std::optional<bool> never_default;  // NetworkManager
  ordered_json values = ordered_json::object();  // the simple keys, in the order met

  std::string where(const Option& o) const {
    std::string f = o.file;
    const std::size_t slash = f.rfind('/');
    if (slash != std::string::npos) f.erase(0, slash + 1);
    return wire::printable(f, 60) + ":" + std::to_string(o.line);
  }

  std::string show(const Option& o) const {
    if (setup.form == Form::NetworkManager) {
      std::string s = "[" + wire::printable(o.section, 40) + "] " + wire::printable(o.name, 60) + "=";
      return s + (o.secret ? "(hidden)" : wire::printable(o.args.empty() ? "" : o.args[0], 100));
    }
    std::string s = wire::printable(o.name, 60);
    if (o.secret) return s + " (hidden)";
    for (const std::string& a : o.args) s += " " + show_word(a);
    return s;
  }

  void became(const Option& o, const std::string& what) {
    report.push_back(std::string(prefix(setup.form)) + ": " + where(o) + ": " + show(o) + " -> " + what);
  }
  void ignored(const Option& o, const std::string& why) {
    report.push_back("ignored: " + where(o) + ": " + show(o) + " (" + why + ")");
  }
  void warn(const std::string& what) { report.push_back("warning: " + what); }
  void derived(const std::string& what) { report.push_back(std::string(prefix(setup.form)) + ": " + what); }

  std::string mppe_json() const {
    const bool required = !mppe_off && mppe_want != 0;
    std::string bits;
    const unsigned b = mppe_want != 0 ? mppe_want : (kBits40 | kBits128);
    if (b & kBits40) bits += "40";
    if (b & kBits128) bits += std::string(bits.empty() ? "" : ", ") + "128";
    return std::string("\"mppe\": {\"required\": ") + (required ? "true" : "false") + ", \"bits\": [" + bits +
           "], \"stateful\": " + (stateful ? "true" : "false") + "}";
  }

  // An integer argument within lo..hi, or a line saying why not.
  std::optional<std::uint64_t> arg_number(const Option& o, std::uint64_t lo, std::uint64_t hi) {
    auto n = o.args.empty() ? std::nullopt : number(o.args[0]);
    if (!n) {
      ignored(o, "not a number");
      return std::nullopt;
    }
    if (*n < lo || *n > hi) {
      ignored(o, "outside " + std::to_string(lo) + ".." + std::to_string(hi) + ", which pptpctl allows; its default stays");
      return std::nullopt;
    }
    return n;
  }

  void set_server(const Option& o, std::string_view host) {
    const bool numeric = !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
    const bool ok = numeric ? wire::parse_ipv4(host).has_value() : is_host_name(host);
    if (!ok) {
      ignored(o, "not an IPv4 address or host name");
      return;
    }
    server = std::string(host);
    became(o, "\"server\": " + wire::quoted(host));
  }

  void set_password(const Option& o, std::string_view pw) {
    if (pw.empty()) {
      ignored(o, "an empty password");
      return;
    }
    if (!password.assign(pw)) {
      ignored(o, "a password longer than 1024 bytes");
      return;
    }
    became(o, "the password, written to " + wire::printable(profile_name) + ".secret (mode 0600)");
  }
};

using Handler = void (*)(Ctx&, const Option&);

struct Entry {
  std::string_view name;
  Handler fn;
};

// pptp's own options that take a value (pptp(8)); the host is the first
// other word after the program.
constexpr auto kPptpValueOptions = std::to_array<std::string_view>(
    {"--phone", "--localbind", "--loglevel", "--idle-wait", "--max-echo-wait", "--test-type", "--test-rate",
     "--rtmark", "--timeout", "--logstring", "--localnumber", "--remotenumber"});

void h_pty(Ctx& c, const Option& o) {
  std::vector<std::string_view> words;
  std::string_view cmd = o.args.empty() ? std::string_view() : std::string_view(o.args[0]);
  while (!cmd.empty()) {
    const std::size_t start = cmd.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    cmd.remove_prefix(start);
    const std::size_t end = cmd.find_first_of(" \t");
    words.push_back(cmd.substr(0, end));
    if (end == std::string_view::npos) break;
    cmd.remove_prefix(end);
  }
  auto prog = std::find_if(words.begin(), words.end(), [](std::string_view w) {
    return w == "pptp" || w.ends_with("/pptp");
  });
  if (prog == words.end()) {
    c.ignored(o, "not a pptp command");
    return;
  }
  std::string_view host;
  std::string others;
  for (auto it = prog + 1; it != words.end(); ++it) {
    const bool takes_value = std::find(kPptpValueOptions.begin(), kPptpValueOptions.end(), *it) != kPptpValueOptions.end();
    if (it->starts_with("-")) {
      if (*it != "--nolaunchpppd") others += std::string(others.empty() ? "" : " ") + wire::printable(*it, 60);
      if (takes_value && it + 1 != words.end()) ++it;
      continue;
    }
    if (host.empty()) host = *it;
  }
  if (host.empty()) {
    c.ignored(o, "no server host after pptp");
    return;
  }
  c.set_server(o, host);
  if (!others.empty())
    c.report.push_back("ignored: " + c.where(o) + ": pptp's own options " + others +
                       " (pptpctl does the PPTP control connection itself)");
}

void h_pptp_server(Ctx& c, const Option& o) { c.set_server(o, o.args.empty() ? "" : o.args[0]); }

void h_plugin(Ctx& c, const Option& o) {
  const std::string_view p = o.args.empty() ? std::string_view() : std::string_view(o.args[0]);
  if (p.ends_with("pptp.so"))
    c.became(o, "nothing itself: pppd's PPTP plugin; the server comes from pptp_server");
  else if (c.setup.form == Form::MacosPptp && p.ends_with(".ppp"))
    c.became(o, "nothing itself: macOS's PPTP plugin, which pptpctl replaces");
  else
    c.ignored(o, "a pppd plugin pptpctl does not load");
}

void h_name(Ctx& c, const Option& o) {
  c.name = o.args.empty() ? "" : o.args[0];
  c.became(o, "the user name (unless `user` is given), and the client column looked up in chap-secrets");
}
void h_user(Ctx& c, const Option& o) {
  c.user = o.args.empty() ? "" : o.args[0];
  c.became(o, "the user name");
}
void h_remotename(Ctx& c, const Option& o) {
  c.remotename = o.args.empty() ? "" : o.args[0];
  c.became(o, "the server column looked up in chap-secrets");
}
void h_password(Ctx& c, const Option& o) { c.set_password(o, o.args.empty() ? "" : o.args[0]); }

void h_refuse_pap(Ctx& c, const Option& o) {
  c.refuse_pap = true;
  c.became(o, "\"auth\" leaves out \"pap\"");
}
void h_refuse_chap(Ctx& c, const Option& o) {
  c.refuse_chap = true;
  c.became(o, "\"auth\" leaves out \"chap-md5\"");
}
void h_refuse_mschap(Ctx& c, const Option& o) {
  c.refuse_mschap = true;
  c.became(o, "\"auth\" leaves out \"mschap\"");
}
void h_refuse_mschapv2(Ctx& c, const Option& o) {
  c.refuse_mschapv2 = true;
  c.became(o, "\"auth\" leaves out \"mschap-v2\"");
  c.warn(c.where(o) + ": refusing MS-CHAPv2 leaves only weaker logins");
}
void h_refuse_eap(Ctx& c, const Option& o) { c.ignored(o, "pptpctl never does EAP"); }
void h_require_peer_auth(Ctx& c, const Option& o) {
  c.ignored(o, "asks the server to log in to us, which a PPTP server does not; MS-CHAPv2's reply already proves the "
               "server knows the password");
}
void h_noauth(Ctx& c, const Option& o) {
  c.ignored(o, "pptpctl never asks the server to log in to it; MS-CHAPv2's reply proves the server knows the password");
}

void mppe_line(Ctx& c, const Option& o) {
  c.mppe_said = true;
  c.became(o, c.mppe_json());
}
void h_require_mppe(Ctx& c, const Option& o) {
  c.mppe_want |= kBits40 | kBits128;
  c.mppe_off = false;
  mppe_line(c, o);
}
void h_require_mppe_40(Ctx& c, const Option& o) {
  c.mppe_want |= kBits40;
  c.mppe_off = false;
  mppe_line(c, o);
}
void h_require_mppe_128(Ctx& c, const Option& o) {
  c.mppe_want |= kBits128;
  c.mppe_off = false;
  mppe_line(c, o);
}
void h_nomppe(Ctx& c, const Option& o) {
  c.mppe_want = 0;
  c.mppe_off = true;
  mppe_line(c, o);
}
void h_nomppe_40(Ctx& c, const Option& o) {
  c.mppe_want &= ~kBits40;
  mppe_line(c, o);
}
void h_nomppe_128(Ctx& c, const Option& o) {
  c.mppe_want &= ~kBits128;
  mppe_line(c, o);
}
void h_stateful(Ctx& c, const Option& o) {
  c.stateful = true;
  mppe_line(c, o);
}
void h_stateless(Ctx& c, const Option& o) {
  c.stateful = false;
  mppe_line(c, o);
}

void h_mtu(Ctx& c, const Option& o) {
  if (auto n = c.arg_number(o, 576, 1500)) {
    c.values["mtu"] = *n;
    c.became(o, "\"mtu\": " + std::to_string(*n));
  }
}
void h_mru(Ctx& c, const Option& o) {
  if (auto n = c.arg_number(o, 576, 1500)) {
    c.values["mru"] = *n;
    c.became(o, "\"mru\": " + std::to_string(*n));
  }
}
void h_echo_interval(Ctx& c, const Option& o) {
  if (auto n = c.arg_number(o, 0, 3600)) {
    c.values["lcp_echo"]["interval_s"] = *n;
    c.became(o, "\"lcp_echo\": {\"interval_s\": " + std::to_string(*n) + "}");
  }
}
void h_echo_failure(Ctx& c, const Option& o) {
  auto n = c.arg_number(o, 0, 1000000);
  if (!n) return;
  if (*n == 0) {
    // pppd then echoes but never gives up: the link is never found dead.
    c.values["lcp_echo"]["interval_s"] = 0;
    c.became(o, "\"lcp_echo\": {\"interval_s\": 0} (pppd never gave up on echoes; pptpctl then sends none)");
    return;
  }
  const std::uint64_t f = std::min<std::uint64_t>(*n, 100);
  c.values["lcp_echo"]["failures"] = f;
  c.became(o, "\"lcp_echo\": {\"failures\": " + std::to_string(f) + "}" + (f != *n ? " (pptpctl's most)" : ""));
}
void h_defaultroute(Ctx& c, const Option& o) {
  c.values["default_route"] = true;
  c.became(o, "\"default_route\": true");
}
void h_nodefaultroute(Ctx& c, const Option& o) {
  c.values["default_route"] = false;
  c.became(o, "\"default_route\": false");
}
void h_usepeerdns(Ctx& c, const Option& o) {
  c.use_peer_said = true;
  c.values["dns"]["use_peer"] = true;
  c.became(o, "\"dns\": {\"use_peer\": true}");
}
void h_persist(Ctx& c, const Option& o) {
  c.values["reconnect"]["enabled"] = true;
  c.became(o, "\"reconnect\": {\"enabled\": true}");
}
void h_nopersist(Ctx& c, const Option& o) {
  c.values["reconnect"]["enabled"] = false;
  c.became(o, "\"reconnect\": {\"enabled\": false}");
}
void h_maxfail(Ctx& c, const Option& o) {
  if (auto n = c.arg_number(o, 0, kMaxReconnectAttempts)) {
    c.values["reconnect"]["max_attempts"] = *n;
    c.became(o, "\"reconnect\": {\"max_attempts\": " + std::to_string(*n) + "}" + (*n == 0 ? " (forever)" : ""));
  }
}
void h_holdoff(Ctx& c, const Option& o) {
  if (auto n = c.arg_number(o, 0, kMaxReconnectDelaySeconds)) {
    const std::uint64_t d = std::max<std::uint64_t>(*n, 1);
    c.values["reconnect"]["delay_s"] = d;
    c.became(o, "\"reconnect\": {\"delay_s\": " + std::to_string(d) + "}" +
                    (d != *n ? " (pptpctl waits at least 1 s)" : " (then doubling, as pptpctl backs off)"));
  }
}
void h_redialcount(Ctx& c, const Option& o) {
  if (auto n = c.arg_number(o, 0, kMaxReconnectAttempts)) {
    if (*n == 0) {
      c.values["reconnect"]["enabled"] = false;
      c.became(o, "\"reconnect\": {\"enabled\": false}");
    } else {
      c.values["reconnect"]["enabled"] = true;
      c.values["reconnect"]["max_attempts"] = *n;
      c.became(o, "\"reconnect\": {\"enabled\": true, \"max_attempts\": " + std::to_string(*n) + "}");
    }
  }
}
void h_idle(Ctx& c, const Option& o) {
  if (auto n = c.arg_number(o, 0, kMaxIdleTimeoutSeconds)) {
    c.values["idle_timeout_s"] = *n;
    c.became(o, "\"idle_timeout_s\": " + std::to_string(*n));
  }
}
void h_debug(Ctx& c, const Option& o) {
  c.values["debug"] = true;
  c.became(o, "\"debug\": true (every packet logged, passwords hidden)");
}
void h_ipparam(Ctx& c, const Option& o) { c.ignored(o, "handed to ip-up scripts; pptpctl runs none"); }
void h_compress(Ctx& c, const Option& o) { c.ignored(o, "pptpctl never compresses"); }
void h_serial(Ctx& c, const Option& o) { c.ignored(o, "serial-line setting; PPTP has no serial line"); }
void h_pppd_only(Ctx& c, const Option& o) { c.ignored(o, "how pppd itself runs or logs; pptpctl has its own"); }
void h_ipcp(Ctx& c, const Option& o) { c.ignored(o, "pptpctl takes the addresses the server assigns"); }
void h_server_side(Ctx& c, const Option& o) { c.ignored(o, "a setting for the server's end"); }
void h_ipv6(Ctx& c, const Option& o) { c.ignored(o, "PPTP carries IPv4 only; see \"ipv6\" in the profile"); }
void h_lcp_tuning(Ctx& c, const Option& o) { c.ignored(o, "pptpctl's own retry timers apply"); }

// pppd and macOS option words. Aliases share a handler.
constexpr auto kPppd = std::to_array<Entry>({
    {"pty", h_pty},
    {"pptp_server", h_pptp_server},
    {"remoteaddress", h_pptp_server},
    {"plugin", h_plugin},
    {"name", h_name},
    {"user", h_user},
    {"remotename", h_remotename},
    {"password", h_password},
    {"refuse-pap", h_refuse_pap},
    {"-pap", h_refuse_pap},
    {"refuse-chap", h_refuse_chap},
    {"-chap", h_refuse_chap},
    {"refuse-chap-md5", h_refuse_chap},
    {"refuse-mschap", h_refuse_mschap},
    {"-mschap", h_refuse_mschap},
    {"refuse-ms-chap", h_refuse_mschap},
    {"refuse-mschap-v2", h_refuse_mschapv2},
    {"-mschap-v2", h_refuse_mschapv2},
    {"refuse-ms-chap-v2", h_refuse_mschapv2},
    {"refuse-mschapv2", h_refuse_mschapv2},
    {"refuse-eap", h_refuse_eap},
    {"auth", h_require_peer_auth},
    {"require-pap", h_require_peer_auth},
    {"require-chap", h_require_peer_auth},
    {"require-mschap", h_require_peer_auth},
    {"require-mschap-v2", h_require_peer_auth},
    {"require-eap", h_require_peer_auth},
    {"noauth", h_noauth},
    {"require-mppe", h_require_mppe},
    {"+mppe", h_require_mppe},
    {"require-mppe-40", h_require_mppe_40},
    {"+mppe-40", h_require_mppe_40},
    {"mppe-40", h_require_mppe_40},
    {"require-mppe-128", h_require_mppe_128},
    {"+mppe-128", h_require_mppe_128},
    {"mppe-128", h_require_mppe_128},
    {"nomppe", h_nomppe},
    {"-mppe", h_nomppe},
    {"noccp", h_nomppe},
    {"nomppe-40", h_nomppe_40},
    {"-mppe-40", h_nomppe_40},
    {"nomppe-128", h_nomppe_128},
    {"-mppe-128", h_nomppe_128},
    {"mppe-stateful", h_stateful},
    {"nomppe-stateful", h_stateless},
    {"mppe-stateless", h_stateless},
    {"mtu", h_mtu},
    {"mru", h_mru},
    {"lcp-echo-interval", h_echo_interval},
    {"lcp-echo-failure", h_echo_failure},
    {"defaultroute", h_defaultroute},
    {"replacedefaultroute", h_defaultroute},
    {"nodefaultroute", h_nodefaultroute},
    {"usepeerdns", h_usepeerdns},
    {"persist", h_persist},
    {"nopersist", h_nopersist},
    {"maxfail", h_maxfail},
    {"holdoff", h_holdoff},
    {"redialtimer", h_holdoff},
    {"redialcount", h_redialcount},
    {"idle", h_idle},
    {"debug", h_debug},
    {"ipparam", h_ipparam},
    {"nobsdcomp", h_compress},
    {"bsdcomp", h_compress},
    {"nodeflate", h_compress},
    {"deflate", h_compress},
    {"novj", h_compress},
    {"novjccomp", h_compress},
    {"nopcomp", h_compress},
    {"noaccomp", h_compress},
    {"nodeflatedraft", h_compress},
    {"lock", h_serial},
    {"nolock", h_serial},
    {"local", h_serial},
    {"modem", h_serial},
    {"crtscts", h_serial},
    {"nocrtscts", h_serial},
    {"asyncmap", h_serial},
    {"default-asyncmap", h_serial},
    {"escape", h_serial},
    {"connect", h_serial},
    {"disconnect", h_serial},
    {"init", h_serial},
    {"welcome", h_serial},
    {"connect-delay", h_serial},
    {"nodetach", h_pppd_only},
    {"updetach", h_pppd_only},
    {"logfile", h_pppd_only},
    {"logfd", h_pppd_only},
    {"linkname", h_pppd_only},
    {"unit", h_pppd_only},
    {"hide-password", h_pppd_only},
    {"show-password", h_pppd_only},
    {"noaskpassword", h_pppd_only},
    {"kdebug", h_pppd_only},
    {"ktune", h_pppd_only},
    {"noktune", h_pppd_only},
    {"demand", h_pppd_only},
    {"passive", h_pppd_only},
    {"silent", h_pppd_only},
    {"receive-all", h_pppd_only},
    {"nomagic", h_pppd_only},
    {"noipdefault", h_ipcp},
    {"ipcp-accept-local", h_ipcp},
    {"ipcp-accept-remote", h_ipcp},
    {"netmask", h_ipcp},
    {"noipx", h_ipcp},
    {"noip", h_ipcp},
    {"ms-dns", h_server_side},
    {"ms-wins", h_server_side},
    {"remotenumber", h_server_side},
    {"domain", h_server_side},
    {"active-filter", h_pppd_only},
    {"pass-filter", h_pppd_only},
    {"defaultroute-metric", h_pppd_only},
    {"noipv6", h_ipv6},
    {"+ipv6", h_ipv6},
    {"ipv6", h_ipv6},
    {"lcp-restart", h_lcp_tuning},
    {"lcp-max-configure", h_lcp_tuning},
    {"lcp-max-terminate", h_lcp_tuning},
    {"lcp-max-failure", h_lcp_tuning},
    {"ipcp-restart", h_lcp_tuning},
    {"ipcp-max-configure", h_lcp_tuning},
    {"ipcp-max-terminate", h_lcp_tuning},
    {"ipcp-max-failure", h_lcp_tuning},
    {"chap-restart", h_lcp_tuning},
    {"chap-max-challenge", h_lcp_tuning},
    {"chap-interval", h_lcp_tuning},
    {"pap-restart", h_lcp_tuning},
    {"pap-max-authreq", h_lcp_tuning},
    {"pap-timeout", h_lcp_tuning},
});

Handler find(std::string_view name) {
  for (const Entry& e : kPppd)
    if (e.name == name) return e.fn;
  return nullptr;
}

void map_pppd_option(Ctx& c, const Option& o) {
  if (Handler h = find(o.name)) {
    h(c, o);
    return;
  }
  const bool address = o.name.find(':') != std::string::npos &&
                       o.name.find_first_not_of("0123456789.:") == std::string::npos;
  if (address)
    c.ignored(o, "pptpctl takes the addresses the server assigns");
  else
    c.ignored(o, "not an option pptpctl knows");
}

// NetworkManager-pptp's [vpn] keys that are pppd options when "yes"
// (nm-pptp-service passes each as that pppd word).
constexpr auto kNmBooleans = std::to_array<std::array<std::string_view, 2>>({
    {"refuse-eap", "refuse-eap"},
    {"refuse-pap", "refuse-pap"},
    {"refuse-chap", "refuse-chap"},
    {"refuse-mschap", "refuse-mschap"},
    {"refuse-mschapv2", "refuse-mschap-v2"},
    {"require-mppe", "require-mppe"},
    {"require-mppe-40", "require-mppe-40"},
    {"require-mppe-128", "require-mppe-128"},
    {"mppe-stateful", "mppe-stateful"},
    {"nobsdcomp", "nobsdcomp"},
    {"nodeflate", "nodeflate"},
    {"no-vj-comp", "novj"},
});

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    const std::size_t end = v.find_first_of(";,");
    std::string_view item = v.substr(0, end);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (end == std::string_view::npos) break;
    v.remove_prefix(end + 1);
  }
  return out;
}

// The profile is JSON, which holds UTF-8 only (RFC 8259 §8.1).
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;  // continuation bytes
    if (b >= 0xC2 && b <= 0xDF)
      n = 1;
    else if (b >= 0xE0 && b <= 0xEF)
      n = 2;
    else if (b >= 0xF0 && b <= 0xF4)
      n = 3;
    else if (b >= 0x80)
      return false;
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    const auto b1 = n > 0 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0) || (b == 0xF0 && b1 < 0x90) ||
        (b == 0xF4 && b1 >= 0x90))
      return false;
    i += n + 1;
  }
  return true;
}

// JSON on one line with a space after ',' and ':', as the report writes it.
std::string compact(const ordered_json& j) {
  if (j.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + compact(j[i]);
    return out + "]";
  }
  if (j.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : j.items()) {
      out += (first ? "" : ", ") + ordered_json(k).dump() + ": " + compact(v);
      first = false;
    }
    return out + "}";
  }
  return j.dump();
}

bool truthy(std::string_view v) { return v == "true" || v == "yes" || v == "1"; }

void map_nm_vpn(Ctx& c, const Option& o, const std::string& v) {
  for (const auto& [key, word] : kNmBooleans) {
    if (o.name != key) continue;
    if (v == "yes" || v == "true") {
      find(word)(c, o);
    } else if (v == "no" || v == "false") {
      c.ignored(o, "the same as not set");
    } else {
      c.ignored(o, "neither yes nor no");
    }
    return;
  }
  if (o.name == "service-type") {
    c.became(o, "nothing itself: it says this is a PPTP connection");
  } else if (o.name == "gateway") {
    c.set_server(o, v);
  } else if (o.name == "user") {
    c.user = v;
    c.became(o, "the user name");
  } else if (o.name == "domain") {
    c.domain = v;
    c.became(o, "the user name's DOMAIN\\ part");
  } else if (o.name == "password") {
    c.set_password(o, v);
  } else if (o.name == "password-flags") {
    if (v == "0")
      c.ignored(o, "the password is kept in this file, under [vpn-secrets]");
    else
      c.ignored(o, "the password is kept by a secret agent (a keyring), not in this file");
  } else if (o.name == "lcp-echo-interval") {
    h_echo_interval(c, o);
  } else if (o.name == "lcp-echo-failure") {
    h_echo_failure(c, o);
  } else if (o.name == "unit") {
    h_pppd_only(c, o);
  } else {
    c.ignored(o, "not a key pptpctl knows");
  }
}

void map_nm_ipv4(Ctx& c, const Option& o, const std::string& v) {
  if (o.name == "never-default") {
    c.never_default = truthy(v);
    c.values["default_route"] = !*c.never_default;
    c.became(o, std::string("\"default_route\": ") + (*c.never_default ? "false" : "true"));
  } else if (o.name == "ignore-auto-dns") {
    c.use_peer_said = true;
    c.values["dns"]["use_peer"] = !truthy(v);
    c.became(o, std::string("\"dns\": {\"use_peer\": ") + (truthy(v) ? "false" : "true") + "}");
  } else if (o.name == "dns-search") {
    ordered_json& domains = c.values["dns"]["domains"];
    if (!domains.is_array()) domains = ordered_json::array();
    std::string added;
    for (std::string d : split_list(v)) {
      if (!d.empty() && d.front() == '~') d.erase(0, 1);  // NetworkManager's routing-only domains
      if (!is_host_name(d) || domains.size() >= kMaxDnsDomains) {
        c.ignored(o, "leaves out " + wire::quoted(d) + ": not a DNS name, or more than 16");
        continue;
      }
      std::string lower = d;
      if (lower.back() == '.') lower.pop_back();
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; });
      if (std::find(domains.begin(), domains.end(), lower) != domains.end()) continue;
      domains.push_back(lower);
      added += std::string(added.empty() ? "" : ", ") + wire::quoted(lower);
    }
    c.became(o, "\"dns\": {\"domains\": [" + added + "]}");
  } else if (o.name == "dns") {
    c.ignored(o, "pptpctl uses the DNS servers the PPTP server offers; fixed servers are not supported");
  } else if (o.name.starts_with("route") && o.name.size() > 5 &&
             o.name.find_first_not_of("0123456789", 5) == std::string::npos) {
    const std::string dest = v.substr(0, v.find(','));
    auto prefix = wire::parse_prefix(dest.find('/') == std::string::npos ? dest + "/32" : dest);
    if (!prefix) {
      c.ignored(o, "not an IPv4 network pptpctl can route (" + wire::printable(prefix.error().reason) + ")");
      return;
    }
    ordered_json& routes = c.values["routes"];
    if (!routes.is_array()) routes = ordered_json::array();
    const std::string text = wire::to_string(*prefix);
    if (std::find(routes.begin(), routes.end(), text) == routes.end()) routes.push_back(text);
    c.became(o, "\"routes\": [..., " + wire::quoted(text) + "] (through the tunnel; a gateway or metric is not kept)");
  } else if (o.name == "method") {
    c.ignored(o, "pptpctl takes the address the server assigns");
  } else {
    c.ignored(o, "not a key pptpctl maps");
  }
}

void map_nm_option(Ctx& c, const Option& o) {
  const std::string& v = o.args.empty() ? std::string() : o.args[0];
  if (o.section == "vpn") {
    map_nm_vpn(c, o, v);
  } else if (o.section == "vpn-secrets") {
    if (o.name == "password")
      c.set_password(o, v);
    else
      c.ignored(o, "not the password");
  } else if (o.section == "connection") {
    if (o.name == "id")
      c.became(o, "the profile's name when --name is not given");
    else
      c.ignored(o, "NetworkManager's own bookkeeping");
  } else if (o.section == "ipv4") {
    map_nm_ipv4(c, o, v);
  } else if (o.section == "ipv6") {
    h_ipv6(c, o);
  } else {
    c.ignored(o, "a section pptpctl does not map");
  }
}

// pppd accepts every login it is not told to refuse. With MPPE required,
// PAP and CHAP-MD5 could never have brought the link up (MPPE keys come
// from MS-CHAP, RFC 3079 §3), only sent the password out; they are left out.
wire::Result<ordered_json> auth_list(Ctx& c) {
  const bool mppe_required = !c.mppe_off && c.mppe_want != 0;
  ordered_json auth = ordered_json::array();
  std::string left_out;
  if (!c.refuse_mschapv2) auth.push_back("mschap-v2");
  if (!c.refuse_mschap) auth.push_back("mschap");
  if (!c.refuse_chap) {
    if (mppe_required)
      left_out += "\"chap-md5\"";
    else
      auth.push_back("chap-md5");
  }
  if (!c.refuse_pap) {
    if (mppe_required)
      left_out += std::string(left_out.empty() ? "" : " and ") + "\"pap\"";
    else
      auth.push_back("pap");
  }
  if (auth.empty())
    return wire::Error::fatal("the set-up refuses every login pptpctl can do (MS-CHAPv2, MS-CHAP, CHAP-MD5, PAP with "
                              "MPPE required), so no profile could connect");
  c.derived("logins not refused -> \"auth\": " + compact(auth));
  if (!left_out.empty())
    c.derived("MPPE is required, so " + left_out +
              " are left out although not refused: they give no MPPE keys and could only have sent the password out");
  const auto has = [&](const char* m) { return std::find(auth.begin(), auth.end(), m) != auth.end(); };
  if (has("mschap"))
    c.warn("\"auth\" allows MS-CHAPv1 (nothing refuses it; add refuse-mschap to the old set-up or remove \"mschap\"): "
           "weaker than MS-CHAPv2, and the server does not prove it knows the password");
  if (has("chap-md5")) c.warn("\"auth\" allows CHAP-MD5 (not refused): no MPPE keys, the server is not checked");
  if (has("pap")) c.warn("\"auth\" allows PAP (not refused): the password crosses the network in clear text");
  return auth;
}

ordered_json mppe_object(Ctx& c) {
  const bool required = !c.mppe_off && c.mppe_want != 0;
  const unsigned bits = c.mppe_want != 0 ? c.mppe_want : (kBits40 | kBits128);
  ordered_json b = ordered_json::array();
  if (bits & kBits40) b.push_back(40);
  if (bits & kBits128) b.push_back(128);
  const ordered_json m = {{"required", required}, {"bits", b}, {"stateful", c.stateful}};
  if (!c.mppe_said) {
    // pppd's default: MPPE is accepted when the server asks, never required.
    c.derived("no MPPE option (pppd's default: MPPE only if the server asks) -> \"mppe\": " + compact(m));
  } else {
    c.derived("MPPE options together -> \"mppe\": " + compact(m));
  }
  if (!required)
    c.warn(c.mppe_off ? "MPPE is turned off (nomppe/noccp): the link may run unencrypted; pptpctl still takes MPPE when "
                        "the server offers it"
                      : "MPPE is not required: the link may come up unencrypted (require-mppe-128 in the old set-up, "
                        "or \"required\": true, prevents it)");
  if (bits & kBits40) c.warn("40-bit MPPE is allowed: its keys can be searched in hours");
  if (c.stateful) c.warn("stateful MPPE is allowed: one lost packet stalls the link until a reset, and keys change less often");
  return m;
}

}  // namespace

std::string_view describe(Form f) {
  switch (f) {
    case Form::PppdPeers: return "a pppd peers file (pptp-linux / pptpsetup)";
    case Form::MacosPptp: return "a macOS PPTP.ppp options file";
    case Form::NetworkManager: return "a NetworkManager-pptp keyfile";
  }
  return "unknown";
}

std::string_view prefix(Form f) {
  switch (f) {
    case Form::PppdPeers: return "pppd";
    case Form::MacosPptp: return "macos";
    case Form::NetworkManager: return "nm";
  }
  return "import";
}

wire::Result<Imported> map_setup(const Setup& setup, const SecretsSource& secrets, std::string_view profile_name) {
  Ctx c(setup, profile_name);
  c.report.push_back("form: " + std::string(describe(setup.form)));
  for (const std::string& n : setup.notes) c.report.push_back(n);
  for (const Option& o : setup.options) {
    if (setup.form == Form::NetworkManager)
      map_nm_option(c, o);
    else
      map_pppd_option(c, o);
  }

  if (c.server.empty()) {
    switch (setup.form) {
      case Form::PppdPeers:
        return wire::Error::fatal("no PPTP server found: neither pty \"pptp HOST ...\" nor pptp_server in the file");
      case Form::MacosPptp: return wire::Error::fatal("no PPTP server found: no remoteaddress in the file");
      case Form::NetworkManager: return wire::Error::fatal("no PPTP server found: no gateway= under [vpn]");
    }
  }
  std::string username = !c.user.empty() ? c.user : c.name;
  if (username.empty())
    return wire::Error::fatal(setup.form == Form::NetworkManager
                                  ? std::string("no user name found: no user= under [vpn]")
                                  : std::string("no user name found: neither `name` nor `user` in the file"));
  if (!c.domain.empty()) username = c.domain + "\\" + username;
  const bool control = std::any_of(username.begin(), username.end(), [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return u < 0x20 || u == 0x7f;
  });
  if (username.size() > kMaxUsernameBytes || control || !valid_utf8(username))
    return wire::Error::fatal("the user name " + wire::quoted(username, 60) +
                              " is longer than 255 bytes, holds control characters or is not UTF-8");
  c.derived("user name -> \"username\": " + wire::quoted(username));

  // The password: from the file itself, else the chap-secrets entry pppd
  // would have used.
  if (c.password.empty() && setup.form != Form::NetworkManager) {
    if (secrets.secrets == nullptr) {
      c.warn("no password found, and there is no " + wire::printable(secrets.path));
    } else {
      for (const std::string& p : secrets.secrets->problems)
        c.report.push_back("warning: " + wire::printable(secrets.path) + ": " + p);
      const ChapSecret* e = find_secret(*secrets.secrets, username, c.remotename);
      if (e == nullptr && c.remotename.empty()) {
        // Without remotename pppd learns the server's name from its
        // challenge; take the entry for this user if there is one.
        for (const ChapSecret& s : secrets.secrets->entries)
          if (s.client == username) {
            e = &s;
            break;
          }
      }
      const std::string at = wire::printable(secrets.path) + ":" + (e ? std::to_string(e->line) : "");
      if (e == nullptr) {
        c.warn("no entry for " + wire::quoted(username) +
               (c.remotename.empty() ? std::string() : " and server " + wire::quoted(c.remotename)) + " in " +
               wire::printable(secrets.path));
      } else if (e->names_a_file) {
        c.warn(at + ": the secret is read from a file (@...), which import does not follow");
      } else if (e->secret.empty()) {
        c.warn(at + ": the secret is empty");
      } else {
        c.password = e->secret;
        c.report.push_back(std::string(prefix(setup.form)) + ": " + at + ": " + wire::quoted(e->client) + " " +
                           wire::quoted(e->server) + " (secret hidden) -> the password, written to " +
                           wire::printable(profile_name) + ".secret (mode 0600)");
      }
    }
  }
  if (c.password.empty())
    c.warn("no password: write it to " + wire::printable(profile_name) +
           ".secret in the profile directory (mode 0600) before `pptpctl up " + wire::printable(profile_name) + "`");

  Imported out;
  ordered_json& p = out.profile;
  p["server"] = c.server;
  p["username"] = username;
  p["password_file"] = std::string(profile_name) + ".secret";
  // MPPE first: it decides which logins can make sense.
  ordered_json mppe = mppe_object(c);
  auto auth = auth_list(c);
  if (!auth) return auth.error();
  p["auth"] = *auth;
  p["mppe"] = mppe;
  if (setup.form == Form::NetworkManager && !c.never_default) {
    c.values["default_route"] = true;
    c.derived("no [ipv4] never-default=true (NetworkManager then sends everything through the VPN) -> "
              "\"default_route\": true");
  }
  if (setup.form != Form::NetworkManager && !c.use_peer_said) {
    c.values["dns"]["use_peer"] = false;
    c.derived("no usepeerdns (pppd then leaves DNS alone) -> \"dns\": {\"use_peer\": false}");
  }
  for (auto& [key, value] : c.values.items()) p[key] = value;
  out.password = c.password;
  out.report = std::move(c.report);
  return out;
}

}  // namespace config::importer
