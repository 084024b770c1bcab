#include "netlink/resolv_conf.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "netlink/file_io.hpp"

namespace netlink {

namespace {

// JSON strings must be UTF-8 but resolv.conf is bytes. Each byte becomes the
// code point of the same value (Latin-1), which round-trips exactly and keeps
// ordinary ASCII readable in the state file.
std::string bytes_to_utf8(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::optional<std::string> utf8_to_bytes(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      const auto d = static_cast<unsigned char>(text[++i]);
      if ((d & 0xC0) != 0x80) return std::nullopt;
      out.push_back(static_cast<char>(((c & 0x03) << 6) | (d & 0x3F)));
    } else {
      return std::nullopt;
    }
  }
  return out;
}

constexpr int kStateVersion = 2;

struct State {
  std::string path;    // /etc/resolv.conf
  std::string target;  // the file actually written: path, or the end of its symlinks
  bool existed = false;
  mode_t mode = 0644;
  std::string original;
  std::string written;
  std::vector<ResolvConfTunnel> tunnels;  // newest first
};

nlohmann::json to_json(const State& s) {
  nlohmann::json tunnels = nlohmann::json::array();
  for (const auto& t : s.tunnels) {
    nlohmann::json servers = nlohmann::json::array();
    for (const auto& a : t.servers) servers.push_back(to_string(a));
    tunnels.push_back({{"ifname", t.ifname},
                       {"servers", servers},
                       {"domains", t.domains},
                       {"full_tunnel", t.full_tunnel},
                       {"owner_lock", t.owner_lock}});
  }
  return {{"version", kStateVersion}, {"path", s.path},         {"target", s.target},
          {"existed", s.existed},     {"mode", s.mode},         {"original", bytes_to_utf8(s.original)},
          {"written", bytes_to_utf8(s.written)}, {"tunnels", tunnels}};
}

wire::Result<std::optional<State>> load_state(const std::string& file) {
  auto text = read_whole_file(file);
  if (!text) return text.error();
  if (!*text) return std::optional<State>{};
  const std::string bad = "cannot use the DNS state " + file + ": ";
  const auto j = nlohmann::json::parse(**text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return wire::Error::fatal(bad + "it is not JSON");
  try {
    if (j.at("version").get<int>() != kStateVersion) return wire::Error::fatal(bad + "unknown version");
    State s;
    s.path = j.at("path").get<std::string>();
    s.target = j.at("target").get<std::string>();
    s.existed = j.at("existed").get<bool>();
    s.mode = static_cast<mode_t>(j.at("mode").get<unsigned>() & 07777);
    auto original = utf8_to_bytes(j.at("original").get<std::string>());
    auto written = utf8_to_bytes(j.at("written").get<std::string>());
    if (!original || !written) return wire::Error::fatal(bad + "its contents are not byte strings");
    s.original = std::move(*original);
    s.written = std::move(*written);
    for (const auto& t : j.at("tunnels")) {
      ResolvConfTunnel r;
      r.ifname = t.at("ifname").get<std::string>();
      for (const auto& a : t.at("servers")) {
        auto ip = wire::parse_ipv4(a.get<std::string>());
        if (!ip) return wire::Error::fatal(bad + "a server is not an IPv4 address");
        r.servers.push_back(*ip);
      }
      r.domains = t.at("domains").get<std::vector<std::string>>();
      r.full_tunnel = t.at("full_tunnel").get<bool>();
      r.owner_lock = t.at("owner_lock").get<std::string>();
      s.tunnels.push_back(std::move(r));
    }
    return std::optional<State>{std::move(s)};
  } catch (const nlohmann::json::exception&) {
    return wire::Error::fatal(bad + "a field is missing or has the wrong type");
  }
}

wire::Result<wire::Unit> save_state(const std::string& file, const State& s) {
  auto r = replace_file(file, to_json(s).dump(2) + "\n", 0600);
  if (!r) return wire::Error::fatal("cannot save the DNS state: " + r.error().reason);
  return wire::Unit{};
}

wire::Result<wire::Unit> drop_state(const std::string& file) {
  if (::unlink(file.c_str()) < 0 && errno != ENOENT) {
    return wire::Error::fatal("cannot remove the DNS state " + file + ": " + std::strerror(errno));
  }
  return wire::Unit{};
}

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : sep) + w;
  return s;
}

std::string join_servers(const std::vector<wire::Ipv4>& servers) {
  std::vector<std::string> words;
  for (const wire::Ipv4& a : servers) words.push_back(to_string(a));
  return join(words, ", ");
}

std::vector<std::string> names_of(const std::vector<ResolvConfTunnel>& tunnels) {
  std::vector<std::string> names;
  for (const auto& t : tunnels) names.push_back(t.ifname);
  return names;
}

// The first word of a resolv.conf line, and the rest split on blanks.
std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < line.size() && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// The file to write, the state path for messages, and what is there now.
struct Target {
  std::string file;
  bool via_symlink = false;
  std::optional<std::string> content;  // nullopt: no file
  mode_t mode = 0644;
};

wire::Result<Target> inspect(const std::string& path) {
  Target t;
  struct stat lst{};
  if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) t.via_symlink = true;
  auto end = follow_symlinks(path);
  if (!end) return end.error();
  t.file = *end;
  struct stat st{};
  if (::lstat(t.file.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return wire::Error::fatal(t.file + " is not a regular file; pptpctl will not write it");
    t.mode = st.st_mode & 07777;
  } else if (errno != ENOENT) {
    return wire::Error::fatal("cannot inspect " + t.file + ": " + std::strerror(errno));
  }
  auto content = read_whole_file(t.file);
  if (!content) return content.error();
  t.content = std::move(*content);
  return t;
}

std::string where(const State& s) {
  return s.target == s.path ? s.path : s.path + " (through its symlink, into " + s.target + "; the link stays)";
}

// Takes out the tunnels `gone` names and brings the file in line with the
// rest: rebuilt for the others, or the original put back when none is left.
// Someone else's newer file is never overwritten. The lock is held.
wire::Result<std::string> settle(const std::string& file, State& s, const std::vector<std::string>& gone) {
  std::erase_if(s.tunnels, [&](const ResolvConfTunnel& t) {
    return std::find(gone.begin(), gone.end(), t.ifname) != gone.end();
  });
  auto now = read_whole_file(s.target);
  if (!now) return now.error();
  const bool ours = *now && **now == s.written;
  const std::string who = join(gone, ", ");
  if (s.tunnels.empty()) {
    std::string d;
    if (!ours) {
      d = "left " + s.path + " alone: it changed since pptpctl wrote it (the original from before " + who +
          " is dropped)";
    } else if (s.existed) {
      auto r = replace_file(s.target, s.original, s.mode);
      if (!r) return wire::Error::fatal("cannot restore " + s.path + ": " + r.error().reason);
      d = "restored " + where(s) + " byte-exact";
    } else {
      if (::unlink(s.target.c_str()) < 0 && errno != ENOENT) {
        return wire::Error::fatal("cannot remove " + s.target + ", which pptpctl created: " + std::strerror(errno));
      }
      d = "removed " + s.target + " (there was none before)";
    }
    if (auto r = drop_state(file); !r) return wire::Error::fatal(d + ", but " + r.error().reason);
    return d;
  }
  const std::string others = join(names_of(s.tunnels), ", ");
  if (!ours) {
    if (auto r = save_state(file, s); !r) return r.error();
    return "left " + s.path + " alone: it changed since pptpctl wrote it (" + who + "'s servers may still be in it)";
  }
  // State first: a crash between the two leaves a state that still restores.
  s.written = compose_resolv_conf(s.original, s.tunnels, file);
  if (auto r = save_state(file, s); !r) return r.error();
  auto r = replace_file(s.target, s.written, s.mode);
  if (!r) return wire::Error::fatal("cannot rewrite " + s.path + ": " + r.error().reason);
  return "took the nameservers of " + who + " out of " + s.path + "; those of " + others + " stay";
}

wire::Result<std::optional<State>> locked_state(const std::string& state_dir, const std::string& file,
                                                wire::Fd& lock) {
  auto dir = ensure_private_dir(state_dir);
  if (!dir) return dir.error();
  auto l = lock_file(file + ".lock");
  if (!l) return l.error();
  lock = std::move(*l);
  return load_state(file);
}

std::vector<std::string> dead_tunnels(const State& s, const std::string& except = {}) {
  std::vector<std::string> dead;
  for (const auto& t : s.tunnels) {
    if (t.ifname != except && !t.owner_lock.empty() && !owner_alive(t.owner_lock)) dead.push_back(t.ifname);
  }
  return dead;
}

}  // namespace

std::string resolv_conf_state_path(const std::string& state_dir) { return state_dir + "/resolv.conf.json"; }

bool owner_alive(const std::string& lock_path) {
  wire::Fd fd(::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return errno != ENOENT;  // unreadable: assume alive, undo nothing
  // flock locks belong to the open file: a shared lock is refused while the
  // daemon's exclusive one stands, granted once nobody holds it.
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return false;
  return errno == EWOULDBLOCK;
}

std::string compose_resolv_conf(const std::string& original, const std::vector<ResolvConfTunnel>& tunnels,
                                const std::string& state_path) {
  std::string out = "# Written by pptpctl for " + join(names_of(tunnels), ", ") +
                    "; the previous file is kept in\n# " + state_path +
                    " and comes back when the last tunnel goes down.\n";
  bool full = false;
  std::vector<std::string> servers;
  std::vector<std::string> search;
  for (const auto& t : tunnels) {
    full = full || t.full_tunnel;
    for (const auto& a : t.servers) {
      if (std::find(servers.begin(), servers.end(), to_string(a)) == servers.end()) servers.push_back(to_string(a));
    }
    for (const auto& d : t.domains) {
      if (std::find(search.begin(), search.end(), d) == search.end()) search.push_back(d);
    }
  }
  for (const auto& a : servers) out += "nameserver " + a + "\n";

  // Split into lines, keeping each line's own ending (CRLF stays CRLF).
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < original.size();) {
    const auto end = original.find('\n', pos);
    const std::size_t next = end == std::string::npos ? original.size() : end + 1;
    lines.emplace_back(original.data() + pos, next - pos);
    pos = next;
  }
  const bool own_search = !search.empty();
  if (own_search) {
    std::vector<std::string> theirs;
    for (auto line : lines) {
      auto w = words_of(line);
      if (!w.empty() && (w[0] == "search" || w[0] == "domain")) theirs.assign(w.begin() + 1, w.end());
    }
    for (const auto& d : theirs) {
      if (std::find(search.begin(), search.end(), d) == search.end()) search.push_back(d);
    }
    out += "search " + join(search, " ") + "\n";
  }
  for (auto line : lines) {
    auto w = words_of(line);
    const bool nameserver = !w.empty() && w[0] == "nameserver";
    const bool search_line = !w.empty() && (w[0] == "search" || w[0] == "domain");
    if ((full && nameserver) || (own_search && search_line)) continue;
    out.append(line);
    if (!line.ends_with('\n')) out.push_back('\n');
  }
  return out;
}

wire::Result<std::string> resolv_conf_apply(const std::string& path, const std::string& state_dir,
                                            const ResolvConfTunnel& tunnel) {
  const std::string what = "cannot set DNS servers in " + path;
  if (tunnel.servers.empty()) return wire::Error::fatal(what + ": no servers to set");
  const std::string file = resolv_conf_state_path(state_dir);
  wire::Fd lock;
  auto loaded = locked_state(state_dir, file, lock);
  if (!loaded) return wire::Error::fatal(what + ": " + loaded.error().reason);
  auto cur = inspect(path);
  if (!cur) return wire::Error::fatal(what + ": " + cur.error().reason);

  std::vector<std::string> notes;
  State s;
  const bool fresh = !*loaded;
  if (!fresh) {
    s = std::move(**loaded);
    if (s.path != path) return wire::Error::fatal(what + ": " + file + " belongs to " + s.path);
    if (!(cur->content && *cur->content == s.written)) {
      // Someone replaced our file (a DHCP renewal, an admin): theirs is the
      // newest truth and becomes what comes back at the end.
      notes.push_back(path + " changed since pptpctl wrote it; that version is what comes back at the end");
      s.existed = cur->content.has_value();
      s.original = cur->content.value_or("");
      s.mode = cur->mode;
    }
    s.target = cur->file;
    const auto dead = dead_tunnels(s, tunnel.ifname);
    for (const auto& d : dead) notes.push_back("dropped the servers of " + d + " (its daemon is gone)");
    std::erase_if(s.tunnels, [&](const ResolvConfTunnel& t) {
      return t.ifname == tunnel.ifname || std::find(dead.begin(), dead.end(), t.ifname) != dead.end();
    });
  } else {
    s.path = path;
    s.target = cur->file;
    s.existed = cur->content.has_value();
    s.original = cur->content.value_or("");
    s.mode = cur->mode;
  }
  s.tunnels.insert(s.tunnels.begin(), tunnel);
  s.written = compose_resolv_conf(s.original, s.tunnels, file);

  // State first (fsync'd): from here on a crash leaves what restores.
  if (auto r = save_state(file, s); !r) return wire::Error::fatal(what + ": " + r.error().reason);
  if (auto r = replace_file(s.target, s.written, s.mode); !r) {
    // Nothing was written: take our entry back out again.
    s.tunnels.erase(s.tunnels.begin());
    if (s.tunnels.empty()) {
      (void)drop_state(file);
    } else {
      (void)save_state(file, s);
    }
    return wire::Error::fatal(what + ": " + r.error().reason);
  }
  std::string d = "nameserver " + join_servers(tunnel.servers) + " written to " + where(s);
  if (!tunnel.domains.empty()) d += ", search " + join(tunnel.domains, " ");
  if (s.tunnels.size() > 1) {
    std::vector<std::string> others = names_of(s.tunnels);
    others.erase(others.begin());
    d += ", beside those of " + join(others, ", ");
  }
  d += " (original kept in " + file + ")";
  for (const auto& n : notes) d += "; " + n;
  return d;
}

wire::Result<std::string> resolv_conf_remove(const std::string& state_dir, const std::string& ifname) {
  const std::string file = resolv_conf_state_path(state_dir);
  wire::Fd lock;
  auto loaded = locked_state(state_dir, file, lock);
  if (!loaded) return loaded.error();
  if (!*loaded) return "resolv.conf: nothing to restore for " + ifname + " (no state in " + state_dir + ")";
  State& s = **loaded;
  const bool listed = std::any_of(s.tunnels.begin(), s.tunnels.end(),
                                  [&](const ResolvConfTunnel& t) { return t.ifname == ifname; });
  auto gone = dead_tunnels(s, ifname);
  if (!listed && gone.empty()) return s.path + ": nothing to restore for " + ifname + " (already taken out)";
  if (listed) gone.insert(gone.begin(), ifname);
  return settle(file, s, gone);
}

wire::Result<std::vector<std::string>> resolv_conf_recover(const std::string& state_dir) {
  const std::string file = resolv_conf_state_path(state_dir);
  std::vector<std::string> lines;
  // Nothing was ever recorded: do not create the directory just to look.
  struct stat st{};
  if (::lstat(file.c_str(), &st) < 0 && errno == ENOENT) {
    if (::lstat(state_dir.c_str(), &st) < 0 && errno == ENOENT) return lines;
  }
  wire::Fd lock;
  auto loaded = locked_state(state_dir, file, lock);
  if (!loaded) return loaded.error();
  if (!*loaded) return lines;
  State& s = **loaded;
  const auto gone = dead_tunnels(s);
  if (gone.empty()) return lines;
  auto r = settle(file, s, gone);
  if (!r) return r.error();
  lines.push_back("the daemon of " + join(gone, ", ") + " is gone (crash or reboot): " + *r);
  return lines;
}

}  // namespace netlink
