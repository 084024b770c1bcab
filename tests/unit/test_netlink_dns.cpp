// DNS backends: systemd-resolved's routing domains, resolvconf through a fake
// program, and the resolv.conf file backend with its shared persistent state
// (two tunnels in either order, symlinks, someone else's edits, crash
// recovery). Every path is a temporary directory: nothing touches the host.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

#include "netlink/changes.hpp"
#include "netlink/dns.hpp"
#include "netlink/resolv_conf.hpp"
#include "netlink/resolvconf_cmd.hpp"
#include "netlink/resolved.hpp"
#include "userspace/wire/fd.hpp"

namespace fs = std::filesystem;

namespace {

// A throwaway /etc, /var/lib/pptpctl and /run for one test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "pptpctl-dns-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A daemon's lock: held while the object lives, as lock_profile() holds it.
struct HeldLock {
  wire::Fd fd;
  explicit HeldLock(const fs::path& p) : fd(::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    REQUIRE(fd.get() >= 0);
    REQUIRE(::flock(fd.get(), LOCK_EX | LOCK_NB) == 0);
  }
};

// No systemd and no resolvconf here, and tests must not talk to a real one
// anyway: a bus address that cannot exist and an empty search path make
// detection fail, which must fall back to the file.
netlink::DnsOptions options(const TempDir& d, const std::string& owner = "a") {
  netlink::DnsOptions o;
  o.resolv_conf = (d.path / "resolv.conf").string();
  o.state_dir = (d.path / "state").string();
  o.owner_lock = (d.path / (owner + ".lock")).string();
  o.search_path = "";
  o.bus_address = "unix:path=" + (d.path / "no-bus").string();
  return o;
}

const std::vector<wire::Ipv4> kServers{{10, 0, 0, 53}, {10, 0, 0, 54}};
const std::vector<wire::Ipv4> kOther{{10, 9, 0, 53}};

}  // namespace

TEST_CASE("netlink: resolved detection fails cleanly without a bus") {
  TempDir d;
  CHECK_FALSE(netlink::resolved_running("unix:path=" + (d.path / "no-bus").string()));
  auto r = netlink::resolved_apply("unix:path=" + (d.path / "no-bus").string(), 1, "tun0", kServers, true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason.starts_with("cannot set DNS servers on tun0 through systemd-resolved: cannot reach the bus"));
}

// Issue 11: libsystemd (and its chain) is mapped only while resolved is
// talked to, never linked: after the calls, nothing of it stays.
TEST_CASE("netlink: resolved loads libsystemd only for the call, and unloads it") {
  auto mapped = [] {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
      if (line.find("libsystemd.so") != std::string::npos || line.find("libgcrypt") != std::string::npos) return true;
    return false;
  };
  REQUIRE_FALSE(mapped());
  TempDir d;
  CHECK_FALSE(netlink::resolved_running("unix:path=" + (d.path / "no-bus").string()));
  CHECK_FALSE(netlink::resolved_revert("unix:path=" + (d.path / "no-bus").string(), 1, "tun0").ok());
  CHECK_FALSE(mapped());
}

TEST_CASE("netlink: resolved routing domains: ~. only for a full tunnel, dns.domains as ~name") {
  using Pairs = std::vector<std::pair<std::string, bool>>;
  struct Row {
    bool full;
    std::vector<std::string> domains;
    Pairs want;
  };
  const Row rows[] = {
      {false, {}, {}},
      {true, {}, {{".", true}}},
      {false, {"corp.example"}, {{"corp.example", true}}},
      {false, {"corp.example", "lab"}, {{"corp.example", true}, {"lab", true}}},
      {true, {"corp.example"}, {{".", true}, {"corp.example", true}}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.full);
    CHECK(netlink::resolved_domains(row.full, row.domains) == row.want);
  }
}

TEST_CASE("netlink: resolv.conf content for one or more tunnels") {
  const std::string original = "# from dhcp\nsearch example.org\nnameserver 192.0.2.53\noptions edns0";
  const std::string head = "# Written by pptpctl for ";
  const std::string tail = "; the previous file is kept in\n# /s.json and comes back when the last tunnel goes down.\n";
  struct Row {
    const char* what;
    std::vector<netlink::ResolvConfTunnel> tunnels;
    std::string want;
  };
  const Row rows[] = {
      {"full tunnel: the old servers go",
       {{"tun0", kServers, {}, true, ""}},
       head + "tun0" + tail +
           "nameserver 10.0.0.53\nnameserver 10.0.0.54\n# from dhcp\nsearch example.org\noptions edns0\n"},
      {"split tunnel: the old servers stay as fallbacks",
       {{"tun0", kServers, {}, false, ""}},
       head + "tun0" + tail +
           "nameserver 10.0.0.53\nnameserver 10.0.0.54\n# from dhcp\nsearch example.org\nnameserver "
           "192.0.2.53\noptions edns0\n"},
      {"search domains come first, the original's follow on one line",
       {{"tun0", kServers, {"corp.example"}, false, ""}},
       head + "tun0" + tail +
           "nameserver 10.0.0.53\nnameserver 10.0.0.54\nsearch corp.example example.org\n# from dhcp\nnameserver "
           "192.0.2.53\noptions edns0\n"},
      {"two tunnels: newest first, shared servers once, one full tunnel drops the old servers",
       {{"tun1", kOther, {"b.example"}, false, ""}, {"tun0", {{10, 0, 0, 53}, {10, 9, 0, 53}}, {"a.example"}, true, ""}},
       head + "tun1, tun0" + tail +
           "nameserver 10.9.0.53\nnameserver 10.0.0.53\nsearch b.example a.example example.org\n# from "
           "dhcp\noptions edns0\n"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.what);
    CHECK(netlink::compose_resolv_conf(original, row.tunnels, "/s.json") == row.want);
  }
  // CRLF lines keep their endings; no original at all is fine.
  CHECK(netlink::compose_resolv_conf("options x\r\n", {{"t", kOther, {}, true, ""}}, "/s").ends_with(
      "nameserver 10.9.0.53\noptions x\r\n"));
  CHECK(netlink::compose_resolv_conf("", {{"t", kOther, {}, true, ""}}, "/s").ends_with("nameserver 10.9.0.53\n"));
}

TEST_CASE("netlink: resolv.conf backend writes the file and restores it byte for byte") {
  TempDir d;
  const auto o = options(d);
  // Odd bytes on purpose: Latin-1, CRLF, no final newline.
  const std::string original = "search example.org\r\nnameserver 192.0.2.53\n# caf\xe9\xff\nnameserver 192.0.2.54";
  spit(o.resolv_conf, original);
  ::chmod(o.resolv_conf.c_str(), 0640);
  HeldLock alive(o.owner_lock);

  auto applied = netlink::dns_apply("tun0", 7, kServers, true, {}, o);
  REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? std::string() : applied.error().reason));
  CHECK(applied->record.backend == netlink::DnsBackend::ResolvConf);
  CHECK(applied->description == "dns nameserver 10.0.0.53, 10.0.0.54 written to " + o.resolv_conf +
                                    " (original kept in " + o.state_dir + "/resolv.conf.json)");
  const std::string now = slurp(o.resolv_conf);
  CHECK(now.find("nameserver 10.0.0.53\nnameserver 10.0.0.54\n") != std::string::npos);
  CHECK(now.find("192.0.2.53") == std::string::npos);  // full tunnel: no leak to the old servers
  CHECK(now.find("search example.org\r\n") != std::string::npos);
  // Persistent state, private: the directory 0700, the file 0600.
  CHECK((fs::status(o.state_dir).permissions() & fs::perms::mask) == fs::perms::owner_all);
  CHECK((fs::status(o.state_dir + "/resolv.conf.json").permissions() & fs::perms::mask) ==
        (fs::perms::owner_read | fs::perms::owner_write));

  // The same tunnel again (a redial) replaces its servers; our own file never
  // becomes "the original".
  auto again = netlink::dns_apply("tun0", 7, {{10, 0, 0, 99}}, true, {}, o);
  REQUIRE(again.ok());
  CHECK(slurp(o.resolv_conf).find("nameserver 10.0.0.99\n") != std::string::npos);
  CHECK(slurp(o.resolv_conf).find("10.0.0.53") == std::string::npos);

  // Undo from the record alone, as `pptpctl down` would in a fresh process.
  auto record = netlink::dns_record_from_json(nlohmann::json::parse(netlink::to_json(again->record).dump()));
  REQUIRE(record.ok());
  CHECK(*record == again->record);
  auto undone = netlink::dns_undo(*record);
  REQUIRE_MESSAGE(undone.ok(), (undone.ok() ? std::string() : undone.error().reason));
  CHECK(*undone == "restored " + o.resolv_conf + " byte-exact");
  CHECK(slurp(o.resolv_conf) == original);
  CHECK((fs::status(o.resolv_conf).permissions() & fs::perms::mask) == static_cast<fs::perms>(0640));
  CHECK_FALSE(fs::exists(o.state_dir + "/resolv.conf.json"));

  auto twice = netlink::dns_undo(*record);
  REQUIRE(twice.ok());
  CHECK(twice->find("nothing to restore") != std::string::npos);
  CHECK(slurp(o.resolv_conf) == original);
}

TEST_CASE("netlink: a symlinked resolv.conf stays a symlink: its target is edited and restored") {
  TempDir d;
  const auto o = options(d);
  // A chain of two relative links, as /etc/resolv.conf -> ../run/... often is.
  fs::create_directories(d.path / "run" / "resolvconf");
  const fs::path managed = d.path / "run" / "resolvconf" / "resolv.conf";
  const std::string managed_bytes = "nameserver 192.0.2.53\nsearch lan\n";
  spit(managed, managed_bytes);
  fs::create_symlink("run/resolvconf/resolv.conf", d.path / "middle");
  fs::create_symlink("middle", o.resolv_conf);
  HeldLock alive(o.owner_lock);

  auto applied = netlink::dns_apply("tun0", 7, kServers, false, {"corp.example"}, o);
  REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? std::string() : applied.error().reason));
  CHECK(applied->description.find("written to " + o.resolv_conf + " (through its symlink, into " + managed.string() +
                                  "; the link stays), search corp.example") != std::string::npos);
  CHECK(fs::is_symlink(o.resolv_conf));
  CHECK(fs::read_symlink(o.resolv_conf) == "middle");
  CHECK(slurp(o.resolv_conf).find("nameserver 10.0.0.53\nnameserver 10.0.0.54\nsearch corp.example lan\n") !=
        std::string::npos);
  CHECK(slurp(managed) == slurp(o.resolv_conf));

  auto undone = netlink::dns_undo(applied->record);
  REQUIRE_MESSAGE(undone.ok(), (undone.ok() ? std::string() : undone.error().reason));
  CHECK(undone->starts_with("restored " + o.resolv_conf + " (through its symlink"));
  CHECK(fs::is_symlink(o.resolv_conf));
  CHECK(fs::read_symlink(o.resolv_conf) == "middle");
  CHECK(slurp(managed) == managed_bytes);
}

TEST_CASE("netlink: two tunnels on resolv.conf restore correctly whichever goes down first") {
  for (const bool first_goes_first : {true, false}) {
    CAPTURE(first_goes_first);
    TempDir d;
    const auto oa = options(d, "a");
    const auto ob = options(d, "b");
    const std::string original = "nameserver 192.0.2.53\noptions rotate\n";
    spit(oa.resolv_conf, original);
    HeldLock la(oa.owner_lock), lb(ob.owner_lock);

    auto a = netlink::dns_apply("pptp-a", 7, kServers, false, {}, oa);
    REQUIRE_MESSAGE(a.ok(), (a.ok() ? std::string() : a.error().reason));
    auto b = netlink::dns_apply("pptp-b", 8, kOther, false, {"b.example"}, ob);
    REQUIRE_MESSAGE(b.ok(), (b.ok() ? std::string() : b.error().reason));
    CHECK(b->description.find("beside those of pptp-a") != std::string::npos);
    const std::string both = slurp(oa.resolv_conf);
    CHECK(both.find("nameserver 10.9.0.53\nnameserver 10.0.0.53\nnameserver 10.0.0.54\nsearch b.example\n") !=
          std::string::npos);

    const auto& first = first_goes_first ? a->record : b->record;
    const auto& second = first_goes_first ? b->record : a->record;
    auto u1 = netlink::dns_undo(first);
    REQUIRE_MESSAGE(u1.ok(), (u1.ok() ? std::string() : u1.error().reason));
    CHECK(*u1 == "took the nameservers of " + first.ifname + " out of " + oa.resolv_conf + "; those of " +
                     second.ifname + " stay");
    const std::string left = slurp(oa.resolv_conf);
    const bool a_left = !first_goes_first;
    CHECK((left.find("10.0.0.53") != std::string::npos) == a_left);
    CHECK((left.find("10.9.0.53") != std::string::npos) == !a_left);
    CHECK((left.find("search b.example") != std::string::npos) == !a_left);
    CHECK(left.find("nameserver 192.0.2.53\noptions rotate\n") != std::string::npos);

    auto u2 = netlink::dns_undo(second);
    REQUIRE_MESSAGE(u2.ok(), (u2.ok() ? std::string() : u2.error().reason));
    CHECK(*u2 == "restored " + oa.resolv_conf + " byte-exact");
    CHECK(slurp(oa.resolv_conf) == original);
    CHECK_FALSE(fs::exists(oa.state_dir + "/resolv.conf.json"));
  }
}

TEST_CASE("netlink: resolv.conf changed by someone else is never clobbered") {
  TempDir d;
  const auto oa = options(d, "a");
  const auto ob = options(d, "b");
  spit(oa.resolv_conf, "nameserver 192.0.2.53\n");
  HeldLock la(oa.owner_lock), lb(ob.owner_lock);
  SUBCASE("one tunnel: undo leaves their file") {
    auto applied = netlink::dns_apply("tun0", 7, kServers, true, {}, oa);
    REQUIRE(applied.ok());
    const std::string theirs = "nameserver 198.51.100.53\n";
    spit(oa.resolv_conf, theirs);  // a DHCP client renewed meanwhile
    auto undone = netlink::dns_undo(applied->record);
    REQUIRE(undone.ok());
    CHECK(undone->starts_with("left " + oa.resolv_conf + " alone: it changed since pptpctl wrote it"));
    CHECK(slurp(oa.resolv_conf) == theirs);
    CHECK_FALSE(fs::exists(oa.state_dir + "/resolv.conf.json"));
  }
  SUBCASE("a second tunnel adopts their file as the one to restore") {
    auto a = netlink::dns_apply("pptp-a", 7, kServers, true, {}, oa);
    REQUIRE(a.ok());
    const std::string theirs = "nameserver 198.51.100.53\n";
    spit(oa.resolv_conf, theirs);
    auto b = netlink::dns_apply("pptp-b", 8, kOther, false, {}, ob);
    REQUIRE(b.ok());
    CHECK(b->description.find("changed since pptpctl wrote it; that version is what comes back") != std::string::npos);
    REQUIRE(netlink::dns_undo(a->record).ok());
    REQUIRE(netlink::dns_undo(b->record).ok());
    CHECK(slurp(oa.resolv_conf) == theirs);
  }
}

TEST_CASE("netlink: resolv.conf that did not exist is removed again") {
  TempDir d;
  const auto o = options(d);
  HeldLock alive(o.owner_lock);
  auto applied = netlink::dns_apply("tun0", 7, kServers, true, {}, o);
  REQUIRE(applied.ok());
  CHECK(fs::exists(o.resolv_conf));
  auto undone = netlink::dns_undo(applied->record);
  REQUIRE(undone.ok());
  CHECK_FALSE(fs::exists(o.resolv_conf));
}

TEST_CASE("netlink: crash recovery takes out the servers of tunnels whose daemon is gone") {
  TempDir d;
  const auto oa = options(d, "a");
  const auto ob = options(d, "b");
  const std::string original = "nameserver 192.0.2.53\n";
  spit(oa.resolv_conf, original);
  auto la = std::make_unique<HeldLock>(oa.owner_lock);
  auto lb = std::make_unique<HeldLock>(ob.owner_lock);
  REQUIRE(netlink::dns_apply("pptp-a", 7, kServers, true, {}, oa).ok());
  REQUIRE(netlink::dns_apply("pptp-b", 8, kOther, true, {}, ob).ok());

  // Both alive: nothing to do.
  auto none = netlink::dns_recover(oa.state_dir);
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK(netlink::owner_alive(oa.owner_lock));

  // a's daemon is SIGKILLed: its lock is released, the file stays.
  la.reset();
  CHECK_FALSE(netlink::owner_alive(oa.owner_lock));
  auto one = netlink::dns_recover(oa.state_dir);
  REQUIRE_MESSAGE(one.ok(), (one.ok() ? std::string() : one.error().reason));
  REQUIRE(one->size() == 1);
  CHECK((*one)[0] == "the daemon of pptp-a is gone (crash or reboot): took the nameservers of pptp-a out of " +
                         oa.resolv_conf + "; those of pptp-b stay");
  CHECK(slurp(oa.resolv_conf).find("10.0.0.53") == std::string::npos);
  CHECK(slurp(oa.resolv_conf).find("nameserver 10.9.0.53\n") != std::string::npos);

  // A reboot: /run is wiped, so b's lock file is gone altogether.
  lb.reset();
  fs::remove(ob.owner_lock);
  CHECK_FALSE(netlink::owner_alive(ob.owner_lock));
  auto two = netlink::dns_recover(oa.state_dir);
  REQUIRE_MESSAGE(two.ok(), (two.ok() ? std::string() : two.error().reason));
  REQUIRE(two->size() == 1);
  CHECK((*two)[0] == "the daemon of pptp-b is gone (crash or reboot): restored " + oa.resolv_conf + " byte-exact");
  CHECK(slurp(oa.resolv_conf) == original);

  // The record left in /run (if any) then finds nothing to do.
  netlink::DnsRecord rec{netlink::DnsBackend::ResolvConf, "pptp-a", 7, oa.state_dir, "", ""};
  auto late = netlink::dns_undo(rec);
  REQUIRE(late.ok());
  CHECK(late->find("nothing to restore for pptp-a") != std::string::npos);
  CHECK(slurp(oa.resolv_conf) == original);

  // No state directory at all: nothing, and nothing created.
  auto empty = netlink::dns_recover((d.path / "never").string());
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK_FALSE(fs::exists(d.path / "never"));
}

TEST_CASE("netlink: the state directory must be root's own") {
  TempDir d;
  auto o = options(d);
  spit(o.resolv_conf, "nameserver 192.0.2.53\n");
  struct Row {
    const char* what;
    std::function<void(const fs::path&)> make;
    std::string error_tail;
  };
  const Row rows[] = {
      {"a symlink", [&](const fs::path& p) { fs::create_directory(d.path / "elsewhere"); fs::create_directory_symlink(d.path / "elsewhere", p); },
       " is a symbolic link; refusing to use it"},
      {"open to others", [](const fs::path& p) { fs::create_directory(p); ::chmod(p.c_str(), 0755); },
       " is open to users other than root (mode 0755); refusing to use it; run: chmod 700 "},
      {"a file", [](const fs::path& p) { spit(p, "x"); }, " is not a directory; refusing to use it"},
  };
  int i = 0;
  for (const Row& row : rows) {
    CAPTURE(row.what);
    o.state_dir = (d.path / ("state" + std::to_string(i++))).string();
    row.make(o.state_dir);
    auto r = netlink::dns_apply("tun0", 7, kServers, true, {}, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason.find(o.state_dir + row.error_tail) != std::string::npos);
    CHECK(slurp(o.resolv_conf) == "nameserver 192.0.2.53\n");  // untouched
  }
}

TEST_CASE("netlink: resolvconf on the search path takes the servers as an interface record") {
  TempDir d;
  auto o = options(d);
  spit(o.resolv_conf, "nameserver 192.0.2.53\n");
  const fs::path bin = d.path / "bin";
  fs::create_directories(bin);
  const fs::path log = d.path / "calls";
  // A stand-in for resolvconf: logs its arguments and stdin; fails when asked.
  spit(bin / "resolvconf", "#!/bin/sh\necho \"$*\" >>" + log.string() + "\ncat >>" + log.string() +
                               "\n[ -e " + (d.path / "fail").string() + " ] && { echo 'resolvconf: Error: no "
                               "way'; exit 3; }\nexit 0\n");
  ::chmod((bin / "resolvconf").c_str(), 0755);

  SUBCASE("found only on an absolute search path") {
    CHECK(netlink::find_resolvconf(std::string("relative/bin:") + bin.string()) == (bin / "resolvconf").string());
    CHECK_FALSE(netlink::find_resolvconf(std::string("")).has_value());
    CHECK_FALSE(netlink::find_resolvconf((d.path / "nothing").string()).has_value());
  }
  SUBCASE("add and delete, wg-quick style") {
    o.search_path = bin.string();
    auto applied = netlink::dns_apply("pptp-office", 7, kServers, true, {"corp.example", "lab"}, o);
    REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? std::string() : applied.error().reason));
    CHECK(applied->record.backend == netlink::DnsBackend::Resolvconf);
    CHECK(applied->description == "dns 10.0.0.53 10.0.0.54 for pptp-office via " + (bin / "resolvconf").string() +
                                      " -a tun.pptp-office (search corp.example lab)");
    CHECK(slurp(log) == "-a tun.pptp-office\nnameserver 10.0.0.53\nnameserver 10.0.0.54\nsearch corp.example lab\n");
    CHECK(slurp(o.resolv_conf) == "nameserver 192.0.2.53\n");  // the file is resolvconf's business

    auto record = netlink::dns_record_from_json(nlohmann::json::parse(netlink::to_json(applied->record).dump()));
    REQUIRE(record.ok());
    CHECK(*record == applied->record);
    auto undone = netlink::dns_undo(*record);
    REQUIRE_MESSAGE(undone.ok(), (undone.ok() ? std::string() : undone.error().reason));
    CHECK(*undone == "dns record tun.pptp-office removed with " + (bin / "resolvconf").string() + " -d tun.pptp-office");
    CHECK(slurp(log).ends_with("-d tun.pptp-office\n"));
    CHECK_FALSE(fs::exists(o.state_dir + "/resolvconf.pptp-office.json"));
  }
  SUBCASE("a dead daemon's record is removed by the next command's recovery") {
    o.search_path = bin.string();
    auto held = std::make_unique<HeldLock>(o.owner_lock);
    auto applied = netlink::dns_apply("pptp-office", 7, kServers, true, {}, o);
    REQUIRE(applied.ok());
    CHECK(fs::exists(o.state_dir + "/resolvconf.pptp-office.json"));
    auto alive = netlink::dns_recover(o.state_dir);
    REQUIRE(alive.ok());
    CHECK(alive->empty());
    held.reset();  // SIGKILL: the lock goes with the process
    auto rec = netlink::dns_recover(o.state_dir);
    REQUIRE_MESSAGE(rec.ok(), (rec.ok() ? std::string() : rec.error().reason));
    REQUIRE(rec->size() == 1);
    CHECK((*rec)[0] == "the daemon of pptp-office is gone (crash or reboot): dns record tun.pptp-office removed with " +
                           (bin / "resolvconf").string() + " -d tun.pptp-office");
    CHECK(slurp(log).ends_with("-d tun.pptp-office\n"));
    CHECK_FALSE(fs::exists(o.state_dir + "/resolvconf.pptp-office.json"));
    auto again = netlink::dns_recover(o.state_dir);
    REQUIRE(again.ok());
    CHECK(again->empty());
    // Then `down` undoes the same step from the crash record: no second -d
    // (openresolv fails one for a record it no longer has).
    const auto deletes_before = slurp(log);
    spit(d.path / "fail", "");
    auto undone = netlink::dns_undo(applied->record);
    REQUIRE_MESSAGE(undone.ok(), (undone.ok() ? std::string() : undone.error().reason));
    CHECK(*undone == "dns record tun.pptp-office already removed");
    CHECK(slurp(log) == deletes_before);
  }
  SUBCASE("a failure is one sentence with what resolvconf said") {
    o.search_path = bin.string();
    spit(d.path / "fail", "");
    auto applied = netlink::dns_apply("pptp-office", 7, kServers, true, {}, o);
    REQUIRE_FALSE(applied.ok());
    CHECK(applied.error().reason ==
          "cannot set DNS servers for pptp-office: resolvconf -a tun.pptp-office failed (exit status 3): resolvconf: "
          "Error: no way");
  }
  SUBCASE("a record naming another program is refused") {
    auto bad = netlink::dns_record_from_json(
        nlohmann::json{{"backend", "resolvconf"}, {"ifname", "x"}, {"ifindex", 1}, {"program", "/bin/rm"}});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().reason == "cannot read the DNS record: \"/bin/rm\" is not a resolvconf program");
  }
}

TEST_CASE("netlink: DNS step in Changes is recorded, survives JSON, and is undone") {
  TempDir d;
  const auto o = options(d);
  const std::string original = "nameserver 192.0.2.53\n";
  spit(o.resolv_conf, original);
  HeldLock alive(o.owner_lock);
  nlohmann::json saved;
  {
    netlink::Changes net;
    // "lo" exists in every namespace; the DNS step only needs an index.
    auto applied = net.apply_dns("lo", kServers, true, {}, o);
    REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? std::string() : applied.error().reason));
    CHECK(applied->description.starts_with("dns nameserver 10.0.0.53, 10.0.0.54 written to "));
    CHECK(applied->record.backend == netlink::DnsBackend::ResolvConf);
    saved = net.to_json();
  }
  CHECK(saved["steps"][0]["kind"] == "dns");
  CHECK(saved["steps"][0]["backend"] == "resolv.conf");
  CHECK(saved["steps"][0]["state_dir"] == o.state_dir);
  auto fresh = netlink::Changes::from_json(saved);
  REQUIRE(fresh.ok());
  auto report = fresh->undo();
  CHECK(report.ok());
  REQUIRE(report.done.size() == 1);
  CHECK(report.done[0] == "restored " + o.resolv_conf + " byte-exact");
  CHECK(slurp(o.resolv_conf) == original);
}

TEST_CASE("netlink: DNS applied again for the same interface (a redial) replaces its step, and one undo restores") {
  TempDir d;
  const auto o = options(d);
  const std::string original = "nameserver 192.0.2.53\n";
  spit(o.resolv_conf, original);
  HeldLock alive(o.owner_lock);
  netlink::Changes net;
  REQUIRE(net.apply_dns("lo", kServers, true, {}, o).ok());
  const std::vector<wire::Ipv4> other = {{10, 0, 0, 99}};
  auto again = net.apply_dns("lo", other, true, {}, o);
  REQUIRE_MESSAGE(again.ok(), (again.ok() ? std::string() : again.error().reason));
  CHECK(slurp(o.resolv_conf).find("nameserver 10.0.0.99") != std::string::npos);
  CHECK(slurp(o.resolv_conf).find("nameserver 10.0.0.53") == std::string::npos);
  const auto j = net.to_json();
  REQUIRE(j["steps"].size() == 1);
  auto report = net.undo();
  CHECK(report.ok());
  CHECK(report.done.size() == 1);
  CHECK(slurp(o.resolv_conf) == original);
}
