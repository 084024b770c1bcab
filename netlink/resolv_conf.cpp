#include "netlink/resolv_conf.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "netlink/file_io.hpp"

namespace netlink {

namespace {

// JSON strings must be UTF-8 but resolv.conf is bytes. Each byte becomes the
// code point of the same value (Latin-1), which round-trips exactly and keeps
// ordinary ASCII readable in the backup.
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

struct Backup {
  bool existed = false;
  std::optional<std::string> symlink_target;
  mode_t mode = 0644;
  std::string original;
  std::string written;
};

nlohmann::json backup_to_json(const std::string& path, const Backup& b) {
  nlohmann::json j;
  j["version"] = 1;
  j["path"] = path;
  j["existed"] = b.existed;
  j["symlink"] = b.symlink_target ? nlohmann::json(*b.symlink_target) : nlohmann::json(nullptr);
  j["mode"] = static_cast<unsigned>(b.mode);
  j["original"] = bytes_to_utf8(b.original);
  j["written"] = bytes_to_utf8(b.written);
  return j;
}

wire::Result<std::optional<Backup>> load_backup(const std::string& backup_path) {
  auto text = read_whole_file(backup_path);
  if (!text) return text.error();
  if (!*text) return std::optional<Backup>{};
  const std::string bad = "cannot use the DNS backup " + backup_path + ": ";
  const auto j = nlohmann::json::parse(**text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return wire::Error::fatal(bad + "it is not JSON");
  try {
    if (j.at("version").get<int>() != 1) return wire::Error::fatal(bad + "unknown version");
    Backup b;
    b.existed = j.at("existed").get<bool>();
    if (!j.at("symlink").is_null()) b.symlink_target = j.at("symlink").get<std::string>();
    b.mode = static_cast<mode_t>(j.at("mode").get<unsigned>() & 07777);
    auto original = utf8_to_bytes(j.at("original").get<std::string>());
    auto written = utf8_to_bytes(j.at("written").get<std::string>());
    if (!original || !written) return wire::Error::fatal(bad + "its contents are not byte strings");
    b.original = std::move(*original);
    b.written = std::move(*written);
    return std::optional<Backup>{std::move(b)};
  } catch (const nlohmann::json::exception&) {
    return wire::Error::fatal(bad + "a field is missing or has the wrong type");
  }
}

std::string join_servers(const std::vector<wire::Ipv4>& servers) {
  std::string s;
  for (const wire::Ipv4& a : servers) s += (s.empty() ? "" : ", ") + to_string(a);
  return s;
}

bool is_nameserver_line(std::string_view line) {
  const auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return false;
  line.remove_prefix(start);
  return line.starts_with("nameserver") && line.size() > 10 && (line[10] == ' ' || line[10] == '\t');
}

// What is at path right now, without following a symlink.
struct Current {
  bool exists = false;
  bool is_symlink = false;
  std::string symlink_target;
  mode_t mode = 0644;
};

wire::Result<Current> inspect(const std::string& path) {
  Current c;
  struct stat st{};
  if (::lstat(path.c_str(), &st) < 0) {
    if (errno == ENOENT) return c;
    return wire::Error::fatal("cannot inspect " + path + ": " + std::strerror(errno));
  }
  c.exists = true;
  c.mode = st.st_mode & 07777;
  if (S_ISLNK(st.st_mode)) {
    c.is_symlink = true;
    std::error_code ec;
    c.symlink_target = std::filesystem::read_symlink(path, ec).string();
    if (ec) return wire::Error::fatal("cannot read the symlink " + path + ": " + ec.message());
  } else if (!S_ISREG(st.st_mode)) {
    return wire::Error::fatal(path + " is neither a regular file nor a symlink");
  }
  return c;
}

}  // namespace

std::string compose_resolv_conf(const std::string& original, const std::string& ifname,
                                const std::vector<wire::Ipv4>& servers, bool full_tunnel, const std::string& backup_path) {
  std::string out = "# Written by pptpctl for " + ifname + "; the previous file is saved in\n# " + backup_path +
                    " and comes back when the tunnel goes down.\n";
  for (const wire::Ipv4& a : servers) out += "nameserver " + to_string(a) + "\n";
  std::size_t pos = 0;
  while (pos < original.size()) {
    auto end = original.find('\n', pos);
    const std::size_t next = end == std::string::npos ? original.size() : end + 1;
    const std::string_view line(original.data() + pos, next - pos);
    if (!(full_tunnel && is_nameserver_line(line))) {
      out.append(line);
      if (end == std::string::npos) out.push_back('\n');
    }
    pos = next;
  }
  return out;
}

wire::Result<std::string> resolv_conf_apply(const std::string& path, const std::string& backup_path,
                                            const std::string& ifname, const std::vector<wire::Ipv4>& servers,
                                            bool full_tunnel) {
  const std::string what = "cannot set DNS servers in " + path;
  if (servers.empty()) return wire::Error::fatal(what + ": no servers to set");

  auto cur = inspect(path);
  if (!cur) return cur.error();
  auto content = read_whole_file(path);  // follows a symlink to what resolvers read
  if (!content) return content.error();

  Backup b;
  b.existed = cur->exists;
  if (cur->is_symlink) b.symlink_target = cur->symlink_target;
  b.mode = cur->is_symlink || !cur->exists ? mode_t{0644} : cur->mode;
  b.original = content->value_or("");

  // A backup left by a crashed run whose file is still in place holds the
  // real original; our own file must never become "the original".
  auto previous = load_backup(backup_path);
  if (!previous) return previous.error();
  if (*previous && cur->exists && !cur->is_symlink && content->has_value() && **content == (*previous)->written) {
    b = std::move(**previous);
  }

  b.written = compose_resolv_conf(b.original, ifname, servers, full_tunnel, backup_path);

  std::error_code ec;
  const auto dir = std::filesystem::path(backup_path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return wire::Error::fatal(what + ": cannot create " + dir.string() + ": " + ec.message());
  auto saved = replace_file(backup_path, backup_to_json(path, b).dump(2) + "\n", 0600);
  if (!saved) return wire::Error::fatal(what + ": cannot save the original: " + saved.error().reason);

  auto written = replace_file(path, b.written, b.mode);
  if (!written) {
    ::unlink(backup_path.c_str());
    return wire::Error::fatal(what + ": " + written.error().reason);
  }
  std::string d = "nameserver " + join_servers(servers) + " written to " + path;
  if (b.symlink_target) d += " (replacing the symlink to " + *b.symlink_target + ")";
  return d;
}

wire::Result<std::string> resolv_conf_restore(const std::string& path, const std::string& backup_path) {
  auto loaded = load_backup(backup_path);
  if (!loaded) return loaded.error();
  if (!*loaded) return path + ": nothing to restore (no backup at " + backup_path + ")";
  const Backup& b = **loaded;

  auto cur = inspect(path);
  if (!cur) return cur.error();
  std::optional<std::string> content;
  if (cur->exists && !cur->is_symlink) {
    auto r = read_whole_file(path);
    if (!r) return r.error();
    content = std::move(*r);
  }

  std::string d;
  if (!content || *content != b.written) {
    d = "left " + path + " alone: it changed since pptpctl wrote it";
  } else if (b.symlink_target) {
    auto r = replace_with_symlink(path, *b.symlink_target);
    if (!r) return wire::Error::fatal("cannot restore " + path + ": " + r.error().reason);
    d = "restored " + path + " (symlink to " + *b.symlink_target + ")";
  } else if (b.existed) {
    auto r = replace_file(path, b.original, b.mode);
    if (!r) return wire::Error::fatal("cannot restore " + path + ": " + r.error().reason);
    d = "restored " + path;
  } else {
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) {
      return wire::Error::fatal("cannot remove " + path + ", which pptpctl created: " + std::strerror(errno));
    }
    d = "removed " + path + " (there was none before)";
  }
  if (::unlink(backup_path.c_str()) < 0 && errno != ENOENT) {
    return wire::Error::fatal(d + ", but cannot remove the backup " + backup_path + ": " + std::strerror(errno));
  }
  return d;
}

}  // namespace netlink
