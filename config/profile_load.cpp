// load_profile: the file-reading half. parse_profile does the validating;
// this adds what only the file system can tell (modes, owners, links).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>

#include "config/config_dir.hpp"
#include "config/private_file.hpp"
#include "config/profile.hpp"
#include "userspace/wire/fd.hpp"

namespace config {

namespace {

// The profile's bytes, wiped when done: the text may hold an inline password.
class WipedText {
 public:
  WipedText() = default;
  WipedText(const WipedText&) = delete;
  WipedText& operator=(const WipedText&) = delete;
  ~WipedText() { wipe(text.data(), text.size()); }
  std::string text;
};

}  // namespace

wire::Result<Profile> load_profile(std::string_view name, std::string_view config_dir) {
  if (auto named = check_profile_name(name); !named) return named.error();
  const std::string path = profile_file_path(config_dir, name);
  const auto errno_text = [](int err) { return std::generic_category().message(err); };

  // Symlinks are followed: linking a profile in from elsewhere is fine, and
  // the checks below apply to whatever file is actually read.
  wire::Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    const int err = errno;
    if (err == ENOENT)
      return wire::Error::fatal("no profile \"" + std::string(name) + "\": " + path +
                                " does not exist");
    return wire::Error::fatal("cannot open " + path + ": " + errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return wire::Error::fatal("cannot stat " + path + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) return wire::Error::fatal(path + " is not a regular file");
  const std::string too_big = path + ": a profile may be at most " +
                              std::to_string(kMaxProfileBytes / 1024) + " KiB";
  if (st.st_size > static_cast<off_t>(kMaxProfileBytes)) return wire::Error::fatal(too_big);

  WipedText contents;
  // Reserved once so the string never reallocates and leaves copies behind.
  contents.text.resize(kMaxProfileBytes + 1);
  std::size_t len = 0;
  while (len < contents.text.size()) {
    const ssize_t n = ::read(fd.get(), contents.text.data() + len, contents.text.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return wire::Error::fatal("cannot read " + path + ": " + errno_text(errno));
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  if (len > kMaxProfileBytes) return wire::Error::fatal(too_big);

  auto profile = parse_profile(std::string_view(contents.text.data(), len), path, name);
  if (!profile) return profile;
  const uid_t euid = ::geteuid();
  if (profile->password_file.empty()) {
    if (std::string problem = private_file_problem(st, path, euid); !problem.empty())
      return wire::Error::fatal(problem);
    return profile;
  }
  if (std::string problem = password_profile_problem(st, path, euid); !problem.empty())
    return wire::Error::fatal(problem);
  auto secret = read_password_file(profile->password_file, euid);
  if (!secret) return secret.error();
  // Secret copies its fixed buffer and each copy wipes itself when it dies.
  profile->password = *secret;
  return profile;
}

}  // namespace config
