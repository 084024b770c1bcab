// RUN_DIR and the files in it (issue 9, item 7): the directory must be a
// real directory, root's, mode 0700; logs and records are never opened
// through a symlink. Real files in a temp dir (the tests run as root).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <string>

#include "config_test_util.hpp"
#include "daemon/run_dir.hpp"
#include "netlink/file_io.hpp"

using namespace pptpctl;
using config_test::TempDir;
using config_test::write_file;

namespace {

struct stat stat_of(mode_t mode, uid_t uid) {
  struct stat st {};
  st.st_mode = mode;
  st.st_uid = uid;
  return st;
}

std::string contents(const std::string& path) {
  auto r = netlink::read_whole_file(path, netlink::ReadFrom::OwnRegularFile);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  return **r;
}

}  // namespace

TEST_CASE("run dir: private_dir_problem, table") {
  const std::string p = "/run/pptpctl";
  struct Row {
    mode_t mode;
    uid_t uid;
    std::string want;  // empty: safe
  };
  const Row rows[] = {
      {S_IFDIR | 0700, 0, ""},
      {S_IFDIR | 0500, 0, ""},
      {S_IFLNK | 0777, 0,
       p + " is a symbolic link; refusing to use it (whoever made the link decides where root writes); "
           "remove it: rm " + p},
      {S_IFREG | 0600, 0, p + " is not a directory; refusing to use it; remove it: rm " + p},
      {S_IFDIR | 0700, 1000, p + " is owned by uid 1000, not root; refusing to use it; run: chown root " + p},
      {S_IFDIR | 0755, 0, p + " is open to users other than root (mode 0755); refusing to use it; run: chmod 700 " + p},
      {S_IFDIR | 0710, 0, p + " is open to users other than root (mode 0710); refusing to use it; run: chmod 700 " + p},
      {S_IFDIR | 0701, 0, p + " is open to users other than root (mode 0701); refusing to use it; run: chmod 700 " + p},
      {S_IFDIR | 01777, 0,
       p + " is open to users other than root (mode 1777); refusing to use it; run: chmod 700 " + p},
  };
  for (const Row& r : rows) {
    CAPTURE(r.mode);
    CAPTURE(r.uid);
    CHECK(netlink::private_dir_problem(stat_of(r.mode, r.uid), p, 0) == r.want);
  }
}

TEST_CASE("run dir: made 0700 when missing, refused when a symlink, foreign or open") {
  TempDir tmp;
  const std::string run = tmp / "run";
  REQUIRE(netlink::ensure_private_dir(run).ok());
  struct stat st {};
  REQUIRE(::lstat(run.c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(st.st_uid == 0);
  CHECK(netlink::ensure_private_dir(run).ok());  // existing and safe: fine
  CHECK(*netlink::check_private_dir(run));
  CHECK_FALSE(*netlink::check_private_dir(tmp / "absent"));

  // A symlink to a perfectly private directory is still refused.
  const std::string link = tmp / "link";
  REQUIRE(::symlink(run.c_str(), link.c_str()) == 0);
  auto linked = netlink::ensure_private_dir(link);
  REQUIRE_FALSE(linked.ok());
  CHECK(linked.error().reason.find(link + " is a symbolic link") == 0);
  CHECK_FALSE(netlink::check_private_dir(link).ok());

  REQUIRE(::chmod(run.c_str(), 0755) == 0);
  auto open = netlink::ensure_private_dir(run);
  REQUIRE_FALSE(open.ok());
  CHECK(open.error().reason == run + " is open to users other than root (mode 0755); refusing to use it; run: chmod 700 " + run);

  REQUIRE(::chmod(run.c_str(), 0700) == 0);
  REQUIRE(::chown(run.c_str(), 1000, 1000) == 0);
  auto foreign = netlink::check_private_dir(run);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().reason == run + " is owned by uid 1000, not root; refusing to use it; run: chown root " + run);
}

TEST_CASE("run dir: a log is never opened through a symlink") {
  TempDir tmp;
  const std::string victim = tmp / "victim";
  write_file(victim, "precious\n", 0644);
  const std::string log = tmp / "office.log";
  REQUIRE(::symlink(victim.c_str(), log.c_str()) == 0);
  auto r = open_log(log);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "log " + log + " is a symbolic link; refusing to write through it");
  CHECK(contents(victim) == "precious\n");

  REQUIRE(::unlink(log.c_str()) == 0);
  REQUIRE(::mkfifo(log.c_str(), 0600) == 0);  // must not hang, must not be used
  CHECK_FALSE(open_log(log).ok());  // ENXIO without a reader, else not a regular file

  REQUIRE(::unlink(log.c_str()) == 0);
  auto fresh = open_log(log);
  REQUIRE(fresh.ok());
  REQUIRE(::write(fresh->get(), "line\n", 5) == 5);
  CHECK(contents(log) == "line\n");
  struct stat st {};
  REQUIRE(::stat(log.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("run dir: change records are written and read without following symlinks") {
  TempDir tmp;
  const std::string victim = tmp / "victim";
  write_file(victim, "precious\n", 0644);
  const std::string record = tmp / "office.changes.json";

  // A symlink planted at the temporary name is removed, not written through.
  REQUIRE(::symlink(victim.c_str(), (record + ".tmp").c_str()) == 0);
  REQUIRE(write_state_file(record, "{\"steps\":[]}\n").ok());
  CHECK(contents(victim) == "precious\n");
  CHECK(contents(record) == "{\"steps\":[]}\n");
  struct stat st {};
  REQUIRE(::lstat(record.c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK((st.st_mode & 0777) == 0600);

  // A record that is a symlink is not read (a forged record would have root
  // undo routes of someone else's choosing).
  REQUIRE(::unlink(record.c_str()) == 0);
  REQUIRE(::symlink(victim.c_str(), record.c_str()) == 0);
  auto r = netlink::read_whole_file(record, netlink::ReadFrom::OwnRegularFile);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == record + " is a symbolic link; refusing to read it");

  auto none = netlink::read_whole_file(tmp / "absent.json", netlink::ReadFrom::OwnRegularFile);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}
