// parse_profile: JSON text to a validated Profile. The walk records the
// first error and carries on with defaults, so each field reads as one line
// in parse() and the order of those lines is the order errors are reported.
#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "config/config_dir.hpp"
#include "config/host_name.hpp"
#include "config/json_document.hpp"
#include "config/json_path.hpp"
#include "config/profile.hpp"
#include "config/suggest.hpp"
#include "userspace/wire/ipv4.hpp"

namespace config {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 22> kTopKeys = {
    "server",    "username",         "password",       "password_file", "auth",
    "mppe",      "routes",           "default_route",  "dns",           "mtu",
    "mru",       "interface",        "lcp_echo",       "connect_timeout_s",
    "reconnect", "block_while_down", "idle_timeout_s", "debug",         "ipv6",
    "inject_guard", "data_path", "clamp_mss"};
constexpr std::array<std::string_view, 3> kMppeKeys = {"required", "bits", "stateful"};
constexpr std::array<std::string_view, 2> kDnsKeys = {"use_peer", "domains"};
constexpr std::array<std::string_view, 2> kLcpEchoKeys = {"interval_s", "failures"};
constexpr std::array<std::string_view, 4> kReconnectKeys = {"enabled", "delay_s", "max_delay_s",
                                                            "max_attempts"};

constexpr std::array<AuthMethod, 4> kAuthMethods = {AuthMethod::MsChapV2, AuthMethod::MsChapV1,
                                                    AuthMethod::ChapMd5, AuthMethod::Pap};
constexpr std::string_view kAuthChoices = R"("mschap-v2", "mschap", "chap-md5", "pap")";
constexpr std::size_t kMaxPathBytes = 4096;  // PATH_MAX

std::string join_quoted(std::span<const std::string_view> words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += '"';
    out += w;
    out += '"';
  }
  return out;
}

bool interface_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool has_control_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Relative password files are found next to the profile, wherever the
// daemon's working directory happens to be.
std::string resolve_next_to(std::string_view profile_path, std::string_view file) {
  if (!file.empty() && file.front() == '/') return std::string(file);
  const std::size_t slash = profile_path.rfind('/');
  if (slash == std::string_view::npos) return std::string(file);
  return std::string(profile_path.substr(0, slash + 1)) + std::string(file);
}

class Walk {
 public:
  explicit Walk(std::string_view file) : file_(file) {}

  const std::optional<wire::Error>& error() const { return error_; }
  bool failed() const { return error_.has_value(); }

  void fail(const JsonPath& at, const std::string& what) {
    if (failed()) return;
    std::string where = file_ + ": ";
    if (!at.empty()) where += at.str() + ": ";
    error_ = wire::Error::fatal(where + what);
  }

  void expected(const JsonPath& at, std::string_view what, const json& got) {
    fail(at, "expected " + std::string(what) + ", got " + describe_value(got));
  }

  // The object at `at`, or nullptr (with the error recorded) when it is not
  // one or has a key outside `known`.
  const json* object(const json& v, const JsonPath& at, std::span<const std::string_view> known) {
    if (failed()) return nullptr;
    if (!v.is_object()) {
      if (at.empty())
        fail(at, "expected a JSON object at the top level, got " + describe_value(v));
      else
        expected(at, "an object", v);
      return nullptr;
    }
    for (const auto& [key, value] : v.items()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string what = "unknown key " + quote_key(key);
      if (auto hint = closest_match(key, known))
        what += " (did you mean \"" + std::string(*hint) + "\"?)";
      else
        what += "; the keys allowed here are " + join_quoted(known);
      fail(at, what);
      return nullptr;
    }
    return &v;
  }

  bool boolean(const json& obj, std::string_view key, const JsonPath& at, bool fallback) {
    const json* v = member(obj, key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) {
      expected(at.key(key), "true or false", *v);
      return fallback;
    }
    return v->get<bool>();
  }

  template <typename Int>
  Int integer(const json& obj, std::string_view key, const JsonPath& at, Int lo, Int hi,
              Int fallback) {
    const json* v = member(obj, key);
    if (v == nullptr) return fallback;
    const std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    bool in_range = false;
    if (v->is_number_unsigned()) {
      const auto n = v->get<std::uint64_t>();
      in_range = n >= static_cast<std::uint64_t>(lo) && n <= static_cast<std::uint64_t>(hi);
    }
    // Negative numbers are number_integer, and never in any range used here.
    if (!in_range) {
      expected(at.key(key), range, *v);
      return fallback;
    }
    return static_cast<Int>(v->get<std::uint64_t>());
  }

  // A string member; nullptr (error recorded) when it is present with
  // another type, nullptr (no error) when absent.
  const std::string* string(const json& obj, std::string_view key, const JsonPath& at) {
    const json* v = member(obj, key);
    if (v == nullptr) return nullptr;
    if (!v->is_string()) {
      expected(at.key(key), "a string", *v);
      return nullptr;
    }
    return &v->get_ref<const std::string&>();
  }

  const json* member(const json& obj, std::string_view key) {
    if (failed() || !obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  void required(const json& obj, std::string_view key, std::string_view meaning) {
    if (member(obj, key) == nullptr && !failed())
      fail({}, "missing required key \"" + std::string(key) + "\" (" + std::string(meaning) + ")");
  }

 private:
  std::string file_;
  std::optional<wire::Error> error_;
};

void parse_server(Walk& w, const json& root, Profile& p) {
  w.required(root, "server", "the PPTP server's IPv4 address or host name");
  const std::string* s = w.string(root, "server", {});
  if (s == nullptr) return;
  const JsonPath at = JsonPath().key("server");
  const json& v = root.at("server");
  const bool looks_numeric = !s->empty() && s->find_first_not_of("0123456789.") == std::string::npos;
  if (s->find(':') != std::string::npos)
    w.fail(at, "expected an IPv4 address or a host name (PPTP runs over IPv4 only), got " +
                   describe_value(v));
  else if (looks_numeric && !wire::parse_ipv4(*s))
    w.fail(at, "expected an IPv4 address like 192.0.2.1 or a host name, got " + describe_value(v));
  else if (!looks_numeric && !is_host_name(*s))
    w.expected(at, "an IPv4 address or a host name", v);
  else
    p.server = *s;
}

void parse_username(Walk& w, const json& root, Profile& p) {
  w.required(root, "username", "the name to log in with");
  const std::string* s = w.string(root, "username", {});
  if (s == nullptr) return;
  const JsonPath at = JsonPath().key("username");
  if (s->empty())
    w.fail(at, "expected a non-empty string, got \"\"");
  else if (s->size() > kMaxUsernameBytes)
    w.fail(at, "expected at most " + std::to_string(kMaxUsernameBytes) + " bytes, got " +
                   std::to_string(s->size()));
  else if (has_control_char(*s))
    w.expected(at, "no control characters", root.at("username"));
  else
    p.username = *s;
}

// Never quotes the password, whatever is wrong with it.
void parse_password(Walk& w, json& root, std::string_view profile_path, Profile& p) {
  if (w.failed()) return;
  const bool inline_pw = root.contains("password");
  const bool from_file = root.contains("password_file");
  if (inline_pw && from_file) {
    w.fail({}, "\"password\" and \"password_file\" are both set; keep exactly one");
    return;
  }
  if (!inline_pw && !from_file) {
    w.fail({}, "no password: set \"password_file\" (a file only root can read) or \"password\"");
    return;
  }
  if (inline_pw) {
    json& v = root.at("password");
    const JsonPath at = JsonPath().key("password");
    if (!v.is_string()) {
      w.fail(at, "expected a string, got " + std::string(type_name(v)));
      return;
    }
    std::string& s = v.get_ref<std::string&>();
    if (s.empty())
      w.fail(at, "expected a non-empty string");
    else if (!p.password.assign(s))
      w.fail(at, "is longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
    wipe(s.data(), s.size());
    return;
  }
  const std::string* f = w.string(root, "password_file", {});
  if (f == nullptr) return;
  const JsonPath at = JsonPath().key("password_file");
  if (f->empty())
    w.fail(at, "expected a path to the file holding the password, got \"\"");
  else if (f->find('\0') != std::string::npos)
    w.expected(at, "a path without NUL characters", root.at("password_file"));
  else if (f->size() > kMaxPathBytes)
    w.fail(at, "expected a path of at most " + std::to_string(kMaxPathBytes) + " bytes, got " +
                   std::to_string(f->size()));
  else
    p.password_file = resolve_next_to(profile_path, *f);
}

void parse_auth(Walk& w, const json& root, Profile& p) {
  const json* v = w.member(root, "auth");
  if (v == nullptr) return;
  const JsonPath at = JsonPath().key("auth");
  if (!v->is_array() || v->empty()) {
    w.expected(at, "a non-empty array of " + std::string(kAuthChoices), *v);
    return;
  }
  std::vector<AuthMethod> methods;
  for (std::size_t i = 0; i < v->size() && !w.failed(); ++i) {
    const json& e = (*v)[i];
    auto found = std::find_if(kAuthMethods.begin(), kAuthMethods.end(), [&](AuthMethod m) {
      return e.is_string() && e.get_ref<const std::string&>() == to_string(m);
    });
    if (found == kAuthMethods.end())
      w.expected(at.index(i), "one of " + std::string(kAuthChoices), e);
    else if (std::find(methods.begin(), methods.end(), *found) != methods.end())
      w.fail(at.index(i), describe_value(e) + " is listed twice");
    else
      methods.push_back(*found);
  }
  if (!w.failed()) p.auth = std::move(methods);
}

void parse_mppe(Walk& w, const json& root, Profile& p) {
  const json* v = w.member(root, "mppe");
  if (v == nullptr) return;
  const JsonPath at = JsonPath().key("mppe");
  const json* obj = w.object(*v, at, kMppeKeys);
  if (obj == nullptr) return;
  p.mppe.required = w.boolean(*obj, "required", at, p.mppe.required);
  if (const json* bits = w.member(*obj, "bits")) {
    const JsonPath bat = at.key("bits");
    if (!bits->is_array() || bits->empty()) {
      w.expected(bat, "a non-empty array of 40, 128", *bits);
    } else {
      MppeBits chosen{false, false, false};
      for (std::size_t i = 0; i < bits->size() && !w.failed(); ++i) {
        const json& e = (*bits)[i];
        bool* slot = nullptr;
        if (e.is_number_unsigned()) {
          const auto n = e.get<std::uint64_t>();
          slot = n == 40 ? &chosen.b40 : n == 56 ? &chosen.b56 : n == 128 ? &chosen.b128 : nullptr;
        }
        if (slot == &chosen.b56)
          // Linux's ppp_mppe takes a 56-bit key and then never starts: refuse
          // it here rather than let a tunnel come up without encryption.
          w.fail(bat.index(i), "56-bit MPPE is not supported by the Linux kernel (use 40 or 128)");
        else if (slot == nullptr)
          w.expected(bat.index(i), "one of 40, 128", e);
        else if (*slot)
          w.fail(bat.index(i), describe_value(e) + " is listed twice");
        else
          *slot = true;
      }
      if (!w.failed()) p.mppe.bits = chosen;
    }
  }
  p.mppe.stateful = w.boolean(*obj, "stateful", at, p.mppe.stateful);
}

void parse_routes(Walk& w, const json& root, Profile& p) {
  const json* v = w.member(root, "routes");
  if (v == nullptr) return;
  const JsonPath at = JsonPath().key("routes");
  if (!v->is_array()) {
    w.expected(at, R"(an array of IPv4 networks like "203.0.113.0/24")", *v);
    return;
  }
  std::vector<wire::Ipv4Prefix> routes;
  for (std::size_t i = 0; i < v->size() && !w.failed(); ++i) {
    const json& e = (*v)[i];
    const JsonPath eat = at.index(i);
    if (!e.is_string()) {
      w.expected(eat, R"(an IPv4 network like "203.0.113.0/24")", e);
      break;
    }
    auto r = wire::parse_prefix(e.get_ref<const std::string&>());
    if (!r) {
      w.fail(eat, R"(expected an IPv4 network like "203.0.113.0/24", got )" + describe_value(e) +
                      " (" + r.error().reason + ")");
      break;
    }
    if (std::find(routes.begin(), routes.end(), *r) != routes.end())
      w.fail(eat, describe_value(e) + " is listed twice");
    else
      routes.push_back(*r);
  }
  if (!w.failed()) p.routes = std::move(routes);
}

void parse_dns(Walk& w, const json& root, Profile& p) {
  const json* v = w.member(root, "dns");
  if (v == nullptr) return;
  const JsonPath at = JsonPath().key("dns");
  const json* obj = w.object(*v, at, kDnsKeys);
  if (obj == nullptr) return;
  p.dns.use_peer = w.boolean(*obj, "use_peer", at, p.dns.use_peer);
  const json* d = w.member(*obj, "domains");
  if (d == nullptr) return;
  const JsonPath dat = at.key("domains");
  constexpr std::string_view kWhat = R"(an array of DNS names like "corp.example")";
  if (!d->is_array()) {
    w.expected(dat, kWhat, *d);
    return;
  }
  if (d->size() > kMaxDnsDomains) {
    w.fail(dat, "expected at most " + std::to_string(kMaxDnsDomains) + " names, got " + std::to_string(d->size()));
    return;
  }
  std::vector<std::string> domains;
  for (std::size_t i = 0; i < d->size() && !w.failed(); ++i) {
    const json& e = (*d)[i];
    const JsonPath eat = dat.index(i);
    // The names end up in resolv.conf lines and D-Bus calls: host-name
    // syntax only (RFC 1123), so no space, '~' or control character passes.
    if (!e.is_string() || !is_host_name(e.get_ref<const std::string&>())) {
      w.expected(eat, R"(a DNS name like "corp.example")", e);
      break;
    }
    std::string name = e.get<std::string>();
    if (name.back() == '.') name.pop_back();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (std::find(domains.begin(), domains.end(), name) != domains.end())
      w.fail(eat, describe_value(e) + " is listed twice");
    else
      domains.push_back(std::move(name));
  }
  if (!w.failed()) p.dns.domains = std::move(domains);
}

void parse_interface(Walk& w, const json& root, std::string_view profile_name, Profile& p) {
  p.interface = std::string("pptp-").append(profile_name).substr(0, kMaxInterfaceChars);
  const std::string* s = w.string(root, "interface", {});
  if (s == nullptr) return;
  const JsonPath at = JsonPath().key("interface");
  const json& v = root.at("interface");
  if (s->empty() || s->size() > kMaxInterfaceChars ||
      !std::all_of(s->begin(), s->end(), interface_char))
    w.expected(at, "1 to 15 of the characters A-Z a-z 0-9 _ . -", v);
  else if (*s == "." || *s == "..")
    w.expected(at, "a name other than \".\" and \"..\"", v);
  else
    p.interface = *s;
}

void parse_ipv6(Walk& w, const json& root, Profile& p) {
  // A full tunnel must not leak IPv6 around it unless the profile says so.
  p.ipv6 = p.default_route ? Ipv6Mode::Block : Ipv6Mode::Allow;
  const std::string* s = w.string(root, "ipv6", {});
  if (s == nullptr) return;
  if (*s == to_string(Ipv6Mode::Block))
    p.ipv6 = Ipv6Mode::Block;
  else if (*s == to_string(Ipv6Mode::Allow))
    p.ipv6 = Ipv6Mode::Allow;
  else
    w.expected(JsonPath().key("ipv6"), R"("block" or "allow")", root.at("ipv6"));
}

void parse_data_path(Walk& w, const json& root, Profile& p) {
  const std::string* s = w.string(root, "data_path", {});
  if (s == nullptr) return;
  for (DataPath d : {DataPath::Auto, DataPath::Kernel, DataPath::Userspace}) {
    if (*s == to_string(d)) {
      p.data_path = d;
      return;
    }
  }
  w.expected(JsonPath().key("data_path"), R"("auto", "kernel" or "userspace")", root.at("data_path"));
}

// "auto" (also when absent) or a number: the tunnel sizes itself to the path
// unless the profile insists.
void parse_mtu(Walk& w, const json& root, Profile& p) {
  const json* v = w.member(root, "mtu");
  if (v == nullptr) return;
  if (v->is_string()) {
    if (v->get_ref<const std::string&>() == "auto") {
      p.mtu.reset();
      return;
    }
    w.expected(JsonPath().key("mtu"), R"("auto" or an integer from 576 to 1500)", *v);
    return;
  }
  p.mtu = w.integer<std::uint16_t>(root, "mtu", {}, 576, 1500, 1400);
}

void parse_lcp_echo(Walk& w, const json& root, Profile& p) {
  const json* v = w.member(root, "lcp_echo");
  if (v == nullptr) return;
  const JsonPath at = JsonPath().key("lcp_echo");
  const json* obj = w.object(*v, at, kLcpEchoKeys);
  if (obj == nullptr) return;
  p.lcp_echo.interval_s =
      w.integer<std::uint16_t>(*obj, "interval_s", at, 0, 3600, p.lcp_echo.interval_s);
  p.lcp_echo.failures = w.integer<std::uint8_t>(*obj, "failures", at, 1, 100, p.lcp_echo.failures);
}

void parse_reconnect(Walk& w, const json& root, Profile& p) {
  const json* v = w.member(root, "reconnect");
  if (v == nullptr) return;
  const JsonPath at = JsonPath().key("reconnect");
  const json* obj = w.object(*v, at, kReconnectKeys);
  if (obj == nullptr) return;
  Reconnect& r = p.reconnect;
  r.enabled = w.boolean(*obj, "enabled", at, r.enabled);
  r.delay_s = w.integer<std::uint16_t>(*obj, "delay_s", at, 1, kMaxReconnectDelaySeconds, r.delay_s);
  if (w.member(*obj, "max_delay_s") == nullptr) {
    // Only delay_s given, larger than the default cap: a steady delay_s is
    // what was asked for, not an error about a key nobody wrote.
    r.max_delay_s = std::max<std::uint32_t>(r.max_delay_s, r.delay_s);
  } else if (!w.failed()) {
    // The lower bound is delay_s, so the message says which key sets it.
    const JsonPath mat = at.key("max_delay_s");
    const json& m = obj->at("max_delay_s");
    const bool is_int = m.is_number_unsigned();
    const std::uint64_t n = is_int ? m.get<std::uint64_t>() : 0;
    if (is_int && n >= r.delay_s && n <= kMaxReconnectMaxDelaySeconds)
      r.max_delay_s = static_cast<std::uint32_t>(n);
    else if (is_int && n >= 1 && n < r.delay_s)
      w.fail(mat, "expected at least reconnect.delay_s (" + std::to_string(r.delay_s) + "), got " +
                      describe_value(m));
    else
      w.expected(mat, "an integer from 1 to " + std::to_string(kMaxReconnectMaxDelaySeconds), m);
  }
  r.max_attempts =
      w.integer<std::uint32_t>(*obj, "max_attempts", at, 0, kMaxReconnectAttempts, r.max_attempts);
}

}  // namespace

std::string_view to_string(Ipv6Mode m) {
  switch (m) {
    case Ipv6Mode::Block: return "block";
    case Ipv6Mode::Allow: return "allow";
  }
  return "block";
}

std::string_view to_string(DataPath d) {
  switch (d) {
    case DataPath::Auto: return "auto";
    case DataPath::Kernel: return "kernel";
    case DataPath::Userspace: return "userspace";
  }
  return "auto";
}

std::string_view to_string(AuthMethod m) {
  switch (m) {
    case AuthMethod::MsChapV2: return "mschap-v2";
    case AuthMethod::MsChapV1: return "mschap";
    case AuthMethod::ChapMd5: return "chap-md5";
    case AuthMethod::Pap: return "pap";
  }
  return "unknown";
}

wire::Result<Profile> parse_profile(std::string_view json_text, std::string_view profile_path,
                                    std::string_view profile_name) try {
  if (auto named = check_profile_name(profile_name); !named) return named.error();
  const std::string file(profile_path);
  if (json_text.size() > kMaxProfileBytes)
    return wire::Error::fatal(file + ": is " + std::to_string(json_text.size()) +
                              " bytes; a profile may be at most " +
                              std::to_string(kMaxProfileBytes / 1024) + " KiB");
  auto doc = parse_json_document(json_text, profile_path);
  if (!doc) return doc.error();
  json& root = *doc;

  Profile p;
  p.name = std::string(profile_name);
  p.path = file;
  Walk w(profile_path);
  const JsonPath top;
  if (w.object(root, top, kTopKeys) != nullptr) {
    parse_server(w, root, p);
    parse_username(w, root, p);
    parse_password(w, root, profile_path, p);
    parse_auth(w, root, p);
    parse_mppe(w, root, p);
    parse_routes(w, root, p);
    p.default_route = w.boolean(root, "default_route", top, p.default_route);
    parse_dns(w, root, p);
    parse_mtu(w, root, p);
    p.mru = w.integer<std::uint16_t>(root, "mru", top, 576, 1500, p.mru);
    parse_interface(w, root, profile_name, p);
    parse_lcp_echo(w, root, p);
    p.connect_timeout_s =
        w.integer<std::uint16_t>(root, "connect_timeout_s", top, 5, 300, p.connect_timeout_s);
    parse_reconnect(w, root, p);
    // A full tunnel must not leak between attempts unless the profile says so.
    p.block_while_down = w.boolean(root, "block_while_down", top, p.default_route);
    parse_ipv6(w, root, p);
    p.idle_timeout_s =
        w.integer<std::uint32_t>(root, "idle_timeout_s", top, 0, kMaxIdleTimeoutSeconds, p.idle_timeout_s);
    p.debug = w.boolean(root, "debug", top, p.debug);
    p.inject_guard = w.boolean(root, "inject_guard", top, p.inject_guard);
    parse_data_path(w, root, p);
    p.clamp_mss = w.boolean(root, "clamp_mss", top, p.clamp_mss);
  }
  // An early error may have skipped parse_password, which wipes as it goes.
  if (auto it = root.find("password"); root.is_object() && it != root.end() && it->is_string()) {
    std::string& s = it->get_ref<std::string&>();
    wipe(s.data(), s.size());
  }
  if (w.error()) return *w.error();
  return p;
} catch (const std::exception&) {
  // parse_json_document catches nlohmann's own; this is for bad_alloc and
  // anything a later nlohmann might add.
  return wire::Error::fatal(std::string(profile_path) + ": cannot be read as a profile");
}

}  // namespace config
