// load_profile and friends against real files in a temp dir: permissions,
// owners, symlinks, newline stripping, name traversal, listing.
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "config/config_dir.hpp"
#include "config/private_file.hpp"
#include "config/profile.hpp"
#include "config_test_util.hpp"

using namespace config;
using config_test::TempDir;
using config_test::write_file;

namespace {

constexpr std::string_view kFileProfile =
    R"({"server": "192.0.2.1", "username": "alice", "password_file": "office.secret"})";
constexpr std::string_view kInlineProfile =
    R"({"server": "192.0.2.1", "username": "alice", "password": "hunter2"})";

}  // namespace

TEST_CASE("config: load_profile reads the password file next to the profile") {
  TempDir dir;
  write_file(dir / "office.json", kFileProfile, 0644);
  write_file(dir / "office.secret", "hunter2\n", 0600);
  auto r = load_profile("office", dir.path());
  REQUIRE(r.ok());
  CHECK(r->name == "office");
  CHECK(r->path == dir / "office.json");
  CHECK(r->password_file == dir / "office.secret");
  CHECK(r->password.reveal() == "hunter2");
}

TEST_CASE("config: one trailing newline is stripped from the password file, no more") {
  TempDir dir;
  const std::string path = dir / "pw";
  const auto read = [&](std::string_view text) {
    write_file(path, text, 0600);
    return read_password_file(path, ::geteuid());
  };
  CHECK(read("hunter2")->reveal() == "hunter2");
  CHECK(read("hunter2\n")->reveal() == "hunter2");
  CHECK(read("hunter2\r\n")->reveal() == "hunter2");
  CHECK(read("hunter2\n\n")->reveal() == "hunter2\n");
  CHECK(read(" pass word ")->reveal() == " pass word ");
  CHECK(read(std::string(1024, 'x'))->size() == 1024);
  CHECK(read(std::string(1023, 'x') + "\n")->size() == 1023);
}

TEST_CASE("config: empty and oversized password files are refused") {
  TempDir dir;
  const std::string path = dir / "pw";
  write_file(path, "\n", 0600);
  CHECK(read_password_file(path, ::geteuid()).error().reason == "password file " + path + " is empty");
  write_file(path, "", 0600);
  CHECK(read_password_file(path, ::geteuid()).error().reason == "password file " + path + " is empty");
  write_file(path, std::string(1025, 'x'), 0600);
  CHECK(read_password_file(path, ::geteuid()).error().reason ==
        "password file " + path + " is larger than 1 KiB; it should hold only the password");
}

TEST_CASE("config: a password file readable or writable by others is refused with the fix") {
  TempDir dir;
  write_file(dir / "office.json", kFileProfile, 0644);
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0666}) {
    CAPTURE(mode);
    write_file(dir / "office.secret", "hunter2\n", mode);
    auto r = load_profile("office", dir.path());
    REQUIRE_FALSE(r.ok());
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    CHECK(r.error().reason == dir / "office.secret" +
                                  " holds a password but can be read or written by users other "
                                  "than its owner (mode " + octal + "); run: chmod 600 " +
                                  dir / "office.secret");
    CHECK(r.error().reason.find("hunter2") == std::string::npos);
  }
  for (mode_t mode : {0600, 0400, 0700}) {
    write_file(dir / "office.secret", "hunter2\n", mode);
    CHECK(load_profile("office", dir.path()).ok());
  }
}

TEST_CASE("config: a password file owned by someone else is refused") {
  TempDir dir;
  const std::string path = dir / "pw";
  write_file(path, "hunter2", 0600);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  // Pretend pptpctl runs as a user who neither owns the file nor is root.
  const uid_t someone_else = st.st_uid + 4242;
  if (st.st_uid == 0) {
    // Root-owned files are always acceptable.
    CHECK(read_password_file(path, someone_else).ok());
  } else {
    CHECK(read_password_file(path, someone_else).error().reason ==
          path + " holds a password but is owned by uid " + std::to_string(st.st_uid) +
              ", not by root or uid " + std::to_string(someone_else) +
              " (who runs pptpctl); run: chown " + std::to_string(someone_else) + " " + path);
  }
  if (::geteuid() == 0) {
    REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
    CHECK(read_password_file(path, 0).error().reason ==
          path + " holds a password but is owned by uid 65534, not by root; run: chown root " + path);
  }
  struct stat fake = st;
  fake.st_uid = 1000;
  fake.st_mode = S_IFREG | 0600;
  CHECK(private_file_problem(fake, "/etc/pptpctl/o.secret", 0) ==
        "/etc/pptpctl/o.secret holds a password but is owned by uid 1000, not by root; run: "
        "chown root /etc/pptpctl/o.secret");
  CHECK(private_file_problem(fake, "/etc/pptpctl/o.secret", 1000).empty());
  CHECK(private_file_problem(fake, "/etc/pptpctl/o.secret", 1001) ==
        "/etc/pptpctl/o.secret holds a password but is owned by uid 1000, not by root or uid 1001 "
        "(who runs pptpctl); run: chown 1001 /etc/pptpctl/o.secret");
  fake.st_uid = 0;
  CHECK(private_file_problem(fake, "/etc/pptpctl/o.secret", 1000).empty());
}

TEST_CASE("config: a profile naming a password_file must not be writable by others (issue 9)") {
  // The profile decides where the password goes: writable by group or
  // others, anyone could point server and auth at a box of theirs.
  TempDir dir;
  write_file(dir / "office.secret", "hunter2\n", 0600);
  const std::string profile = dir / "office.json";
  const std::string why = " names a password_file, and whoever can change it can send the password elsewhere";
  struct Row {
    mode_t mode;
    bool ok;
  };
  for (Row r : {Row{0600, true}, Row{0644, true}, Row{0640, true}, Row{0604, true}, Row{0444, true},
                Row{0400, true}, Row{0664, false}, Row{0646, false}, Row{0666, false}, Row{0620, false},
                Row{0602, false}, Row{0660, false}, Row{0622, false}, Row{0777, false}}) {
    CAPTURE(r.mode);
    write_file(profile, kFileProfile, r.mode);
    auto loaded = load_profile("office", dir.path());
    CHECK(loaded.ok() == r.ok);
    if (r.ok) continue;
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(r.mode));
    CHECK(loaded.error().reason == profile + why + ", but it can be written by users other than its owner (mode " +
                                       octal + "); run: chmod go-w " + profile);
  }

  // An inline-password profile has its own, stricter rule (0600): unchanged.
  write_file(dir / "inline.json", kInlineProfile, 0600);
  CHECK(load_profile("inline", dir.path()).ok());

  if (::geteuid() == 0) {
    write_file(profile, kFileProfile, 0644);
    REQUIRE(::chown(profile.c_str(), 65534, 65534) == 0);
    auto loaded = load_profile("office", dir.path());
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().reason == profile + why + ", but it is owned by uid 65534, not by root; run: chown root " +
                                       profile);
  }

  struct stat fake {};
  fake.st_mode = S_IFREG | 0664;
  fake.st_uid = 1000;
  CHECK(password_profile_problem(fake, "/etc/pptpctl/my vpn.json", 1000) ==
        "/etc/pptpctl/my vpn.json" + why + ", but it can be written by users other than its owner (mode 0664); "
        "run: chmod go-w '/etc/pptpctl/my vpn.json'");
  CHECK(password_profile_problem(fake, "/etc/pptpctl/o.json", 1001) ==
        "/etc/pptpctl/o.json" + why + ", but it is owned by uid 1000, not by root or uid 1001 (who runs "
        "pptpctl); run: chown 1001 /etc/pptpctl/o.json");
  fake.st_mode = S_IFREG | 0644;
  CHECK(password_profile_problem(fake, "/etc/pptpctl/o.json", 1000).empty());
  fake.st_uid = 0;
  CHECK(password_profile_problem(fake, "/etc/pptpctl/o.json", 1000).empty());
}

TEST_CASE("config: a symlinked password file is refused") {
  TempDir dir;
  write_file(dir / "office.json", kFileProfile, 0644);
  write_file(dir / "real.secret", "hunter2", 0600);
  REQUIRE(::symlink((dir / "real.secret").c_str(), (dir / "office.secret").c_str()) == 0);
  auto r = load_profile("office", dir.path());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "password file " + dir / "office.secret" +
                                " is a symbolic link; it must be a regular file (links are not "
                                "followed, so nobody can point it at another file)");
}

TEST_CASE("config: a missing or non-regular password file") {
  TempDir dir;
  write_file(dir / "office.json", kFileProfile, 0644);
  CHECK(load_profile("office", dir.path()).error().reason ==
        "password file " + dir / "office.secret" + " does not exist");
  REQUIRE(::mkfifo((dir / "office.secret").c_str(), 0600) == 0);
  CHECK(load_profile("office", dir.path()).error().reason ==
        "password file " + dir / "office.secret" + " is not a regular file");
}

TEST_CASE("config: a profile with an inline password must be private") {
  TempDir dir;
  write_file(dir / "home.json", kInlineProfile, 0644);
  auto r = load_profile("home", dir.path());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == dir / "home.json" +
                                " holds a password but can be read or written by users other "
                                "than its owner (mode 0644); run: chmod 600 " + dir / "home.json");
  write_file(dir / "home.json", kInlineProfile, 0600);
  auto ok = load_profile("home", dir.path());
  REQUIRE(ok.ok());
  CHECK(ok->password.reveal() == "hunter2");
}

TEST_CASE("config: profile names cannot leave the config dir") {
  TempDir dir;
  write_file(dir / "office.json", kFileProfile, 0644);
  for (std::string_view bad : {"../../etc/x", "..", ".hidden", "a/b", "", "a b", "é",
                               "/etc/passwd", "x\n"}) {
    CAPTURE(bad);
    auto r = load_profile(bad, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason.find("is not allowed") != std::string::npos);
  }
  CHECK(check_profile_name(std::string(64, 'a')).ok());
  CHECK_FALSE(check_profile_name(std::string(65, 'a')).ok());
  CHECK(check_profile_name("Office_2.eu-west").ok());
  CHECK(check_profile_name("a/b").error().reason ==
        R"(profile name "a/b" is not allowed: use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.')");
}

TEST_CASE("config: a missing profile and a broken one name the file") {
  TempDir dir;
  CHECK(load_profile("office", dir.path()).error().reason ==
        "no profile \"office\": " + dir / "office.json" + " does not exist");
  write_file(dir / "office.json", "{\n\"server\": \"192.0.2.1\",\n\"mtus\": 1\n}", 0644);
  CHECK(load_profile("office", dir.path()).error().reason ==
        dir / "office.json" + ": unknown key \"mtus\" (did you mean \"mtu\"?)");
}

TEST_CASE("config: list_profiles lists valid *.json names, sorted") {
  TempDir dir;
  write_file(dir / "zeta.json", "{}");
  write_file(dir / "alpha.json", "{}");
  write_file(dir / "office.secret", "x");
  write_file(dir / ".hidden.json", "{}");
  write_file(dir / "with space.json", "{}");
  REQUIRE(::mkdir((dir / "dir.json").c_str(), 0700) == 0);
  REQUIRE(::symlink("alpha.json", (dir / "linked.json").c_str()) == 0);
  REQUIRE(::symlink("nowhere.json", (dir / "dangling.json").c_str()) == 0);
  auto names = list_profiles(dir.path());
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"alpha", "linked", "zeta"});
  CHECK(list_profiles(dir / "missing").error().reason.rfind("cannot list profiles in " + dir / "missing", 0) == 0);
}

TEST_CASE("config: config dir comes from the flag, then the environment, then /etc/pptpctl") {
  const char* saved = std::getenv("PPTPCTL_CONFIG_DIR");
  const std::string restore = saved ? saved : "";
  ::unsetenv("PPTPCTL_CONFIG_DIR");
  CHECK(resolve_config_dir("") == "/etc/pptpctl");
  CHECK(resolve_config_dir("/tmp/flag") == "/tmp/flag");
  ::setenv("PPTPCTL_CONFIG_DIR", "/tmp/env", 1);
  CHECK(resolve_config_dir("") == "/tmp/env");
  CHECK(resolve_config_dir("/tmp/flag") == "/tmp/flag");
  ::setenv("PPTPCTL_CONFIG_DIR", "", 1);
  CHECK(resolve_config_dir("") == "/etc/pptpctl");
  if (saved)
    ::setenv("PPTPCTL_CONFIG_DIR", restore.c_str(), 1);
  else
    ::unsetenv("PPTPCTL_CONFIG_DIR");
  CHECK(profile_file_path("/etc/pptpctl/", "office") == "/etc/pptpctl/office.json");
  CHECK(profile_file_path("/etc/pptpctl", "office") == "/etc/pptpctl/office.json");
}

TEST_CASE("config: shell quoting in suggested commands") {
  CHECK(shell_quote("/etc/pptpctl/office.secret") == "/etc/pptpctl/office.secret");
  CHECK(shell_quote("/tmp/my vpn/pw") == "'/tmp/my vpn/pw'");
  CHECK(shell_quote("/tmp/it's") == "'/tmp/it'\\''s'");
}
