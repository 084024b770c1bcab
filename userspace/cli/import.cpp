// `pptpctl import [--name NAME] [--secrets FILE] FILE`: an existing pppd,
// macOS or NetworkManager set-up becomes NAME.json (0644) and NAME.secret
// (0600) in the profile directory. The parsing and mapping are sans-IO
// (config/import_*); this file reads the inputs, writes the outputs without
// ever replacing a file, and loads the result with the daemon's own loader.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

#include "cli/commands.hpp"
#include "config/config_dir.hpp"
#include "config/import_chap_secrets.hpp"
#include "config/import_detect.hpp"
#include "config/import_map.hpp"
#include "config/profile.hpp"
#include "userspace/wire/fd.hpp"
#include "userspace/wire/text.hpp"

namespace pptpctl {

namespace {

constexpr const char* kDefaultChapSecrets = "/etc/ppp/chap-secrets";

std::string errno_text(int err) { return std::generic_category().message(err); }

// A regular file's text, at most `max` bytes. ENOENT is reported as such
// so the caller can tell "absent" from "unreadable".
wire::Result<std::string> read_regular(const std::string& path, std::size_t max, int* err_out = nullptr) {
  // O_NONBLOCK: a FIFO must not hang us before fstat says what it is.
  wire::Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    const int err = errno;
    if (err_out) *err_out = err;
    return wire::Error::fatal("cannot open " + wire::printable(path) + ": " + errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return wire::Error::fatal("cannot stat " + wire::printable(path) + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) return wire::Error::fatal(wire::printable(path) + " is not a regular file");
  if (st.st_size > static_cast<off_t>(max))
    return wire::Error::fatal(wire::printable(path) + " is larger than " + std::to_string(max / 1024) + " KiB");
  std::string text(max + 1, '\0');
  std::size_t len = 0;
  while (len < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + len, text.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return wire::Error::fatal("cannot read " + wire::printable(path) + ": " + errno_text(errno));
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  if (len > max) return wire::Error::fatal(wire::printable(path) + " is larger than " + std::to_string(max / 1024) + " KiB");
  text.resize(len);
  return text;
}

// Creates `path` with `mode`, never replacing anything (O_EXCL, and
// O_NOFOLLOW so a planted link is not followed). EEXIST in *err.
bool write_new(const std::string& path, std::string_view text, mode_t mode, int* err) {
  wire::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd) {
    *err = errno;
    return false;
  }
  // umask must not decide who may read a profile or a password.
  if (::fchmod(fd.get(), mode) != 0) {
    *err = errno;
    ::unlink(path.c_str());
    return false;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errno;
      ::unlink(path.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) {
    *err = errno;
    ::unlink(path.c_str());
    return false;
  }
  return true;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

void say(const std::string& line) { std::printf("%s\n", wire::one_line(line).c_str()); }
Exit fail(Exit rc, const std::string& why) {
  std::fprintf(stderr, "pptpctl: import: %s\n", wire::one_line(why).c_str());
  return rc;
}

}  // namespace

Exit cmd_import(const CommonOptions& common, const std::string& name_flag, const std::string& secrets_flag,
                const std::string& file) {
  namespace imp = config::importer;
  auto text = read_regular(file, imp::kMaxInputBytes);
  if (!text) return fail(Exit::BadProfile, text.error().reason);
  // The file may hold the password (macOS, NetworkManager): wiped on the way out.
  struct Wipe {
    std::string& s;
    ~Wipe() { config::wipe(s.data(), s.size()); }
  } wipe_text{*text};
  const imp::ReadFile read = [](const std::string& path) { return read_regular(path, imp::kMaxInputBytes); };
  auto setup = imp::parse_setup(*text, file, read);
  if (!setup) return fail(Exit::BadProfile, wire::printable(file) + ": " + setup.error().reason);

  const std::string name = name_flag.empty() ? setup->default_name : name_flag;
  if (auto ok = config::check_profile_name(name); !ok)
    return fail(Exit::BadProfile, ok.error().reason + (name_flag.empty() ? " (taken from the file; choose one with --name NAME)" : ""));

  const std::string dir = config::resolve_config_dir(common.config_dir);
  const std::string json_path = config::profile_file_path(dir, name);
  const std::string secret_path = dir + (dir.ends_with('/') ? "" : "/") + name + ".secret";
  if (exists(json_path))
    return fail(Exit::ProfileExists, "profile \"" + name + "\" exists (" + json_path +
                                         "); import never overwrites one: remove it or choose another --name");

  // chap-secrets: only pppd's forms keep the password there.
  imp::ChapSecrets secrets;
  imp::SecretsSource source{secrets_flag.empty() ? kDefaultChapSecrets : secrets_flag, nullptr};
  if (setup->form != imp::Form::NetworkManager) {
    int err = 0;
    auto s = read_regular(source.path, imp::kMaxInputBytes, &err);
    if (s) {
      secrets = imp::parse_chap_secrets(*s);
      config::wipe(s->data(), s->size());
      source.secrets = &secrets;
    } else if (!(err == ENOENT && secrets_flag.empty())) {
      return fail(Exit::BadProfile, s.error().reason);
    }
  }

  auto imported = imp::map_setup(*setup, source, name);
  if (!imported) return fail(Exit::BadProfile, wire::printable(file) + ": " + imported.error().reason);
  for (const std::string& line : imported->report) say(line);

  const bool have_password = !imported->password.empty();
  if (have_password && exists(secret_path))
    return fail(Exit::ProfileExists, secret_path + " exists; import never overwrites a password file: remove it or "
                                                   "choose another --name");

  const std::string json_text = imported->profile.dump(2) + "\n";
  // The daemon's own parser first, so nothing is written that would not load.
  if (auto parsed = config::parse_profile(json_text, json_path, name); !parsed)
    return fail(Exit::BadProfile, "the imported profile would not load (" + parsed.error().reason + "); nothing written");

  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return fail(Exit::Failure, "cannot create the profile directory " + dir + ": " + errno_text(errno));
  int err = 0;
  if (!write_new(json_path, json_text, 0644, &err))
    return fail(err == EEXIST ? Exit::ProfileExists : Exit::Failure, "cannot create " + json_path + ": " + errno_text(err));
  if (have_password) {
    std::string line(imported->password.reveal());
    // One trailing newline, which read_password_file drops: a password
    // that itself ends in "\n" survives.
    line += '\n';
    const bool written = write_new(secret_path, line, 0600, &err);
    config::wipe(line.data(), line.size());
    if (!written) {
      ::unlink(json_path.c_str());
      return fail(err == EEXIST ? Exit::ProfileExists : Exit::Failure,
                  "cannot create " + secret_path + ": " + errno_text(err) + "; nothing kept");
    }
    // What the daemon will do: the loader with its ownership and mode checks.
    if (auto loaded = config::load_profile(name, dir); !loaded) {
      ::unlink(json_path.c_str());
      ::unlink(secret_path.c_str());
      return fail(Exit::BadProfile, "the written profile does not load (" + loaded.error().reason + "); both files removed");
    }
    say("import: wrote " + json_path + " (0644) and " + secret_path + " (0600); connect with: pptpctl up " + name);
  } else {
    say("import: wrote " + json_path + " (0644) without a password; put it in " + secret_path +
        " (chmod 600), then: pptpctl up " + name);
  }
  return Exit::Ok;
}

}  // namespace pptpctl
