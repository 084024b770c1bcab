#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netlink/changes.hpp"
#include "netlink/dns.hpp"
#include "netlink/resolv_conf.hpp"
#include "netlink/resolved.hpp"

namespace fs = std::filesystem;

namespace {

// A throwaway /etc and /run for one test.
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

// No systemd here, and tests must not talk to a real one anyway: a bus
// address that cannot exist makes detection fail, which must fall back.
netlink::DnsOptions options(const TempDir& d) {
  netlink::DnsOptions o;
  o.resolv_conf = (d.path / "resolv.conf").string();
  o.run_dir = (d.path / "run").string();
  o.bus_address = "unix:path=" + (d.path / "no-bus").string();
  return o;
}

const std::vector<wire::Ipv4> kServers{{10, 0, 0, 53}, {10, 0, 0, 54}};

}  // namespace

TEST_CASE("netlink: resolved detection fails cleanly without a bus") {
  TempDir d;
  CHECK_FALSE(netlink::resolved_running("unix:path=" + (d.path / "no-bus").string()));
  auto r = netlink::resolved_apply("unix:path=" + (d.path / "no-bus").string(), 1, "tun0", kServers, true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason.starts_with("cannot set DNS servers on tun0 through systemd-resolved: cannot reach the bus"));
}

TEST_CASE("netlink: resolv.conf content puts our servers first and keeps the rest") {
  const std::string original = "# from dhcp\nsearch example.org\nnameserver 192.0.2.53\noptions edns0";
  const auto full = netlink::compose_resolv_conf(original, "tun0", kServers, true, "/run/b.json");
  CHECK(full ==
        "# Written by pptpctl for tun0; the previous file is saved in\n# /run/b.json and comes back when the tunnel "
        "goes down.\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n# from dhcp\nsearch example.org\noptions edns0\n");
  const auto split = netlink::compose_resolv_conf(original, "tun0", kServers, false, "/run/b.json");
  CHECK(split.find("nameserver 10.0.0.54\n# from dhcp\nsearch example.org\nnameserver 192.0.2.53\n") !=
        std::string::npos);
}

TEST_CASE("netlink: resolv.conf backend replaces the file and restores it byte for byte") {
  TempDir d;
  const auto o = options(d);
  // Odd bytes on purpose: Latin-1, CRLF, no final newline.
  const std::string original = "search example.org\r\nnameserver 192.0.2.53\n# caf\xe9\xff\nnameserver 192.0.2.54";
  spit(o.resolv_conf, original);
  ::chmod(o.resolv_conf.c_str(), 0640);

  auto applied = netlink::dns_apply("tun0", 7, kServers, true, o);
  REQUIRE_MESSAGE(applied.ok(), applied.error().reason);
  CHECK(applied->record.backend == netlink::DnsBackend::ResolvConf);
  CHECK(applied->description == "dns nameserver 10.0.0.53, 10.0.0.54 written to " + o.resolv_conf);
  const std::string now = slurp(o.resolv_conf);
  CHECK(now.find("nameserver 10.0.0.53\nnameserver 10.0.0.54\n") != std::string::npos);
  CHECK(now.find("192.0.2.53") == std::string::npos);  // full tunnel: no leak to the old servers
  CHECK(now.find("search example.org\r\n") != std::string::npos);
  CHECK(fs::exists(applied->record.backup));
  CHECK(applied->record.backup == o.run_dir + "/resolv.conf.tun0.json");
  CHECK((fs::status(applied->record.backup).permissions() & fs::perms::others_read) == fs::perms::none);

  // A crash and a second connection must not mistake our file for the original.
  auto again = netlink::dns_apply("tun0", 7, {{10, 0, 0, 99}}, true, o);
  REQUIRE(again.ok());
  CHECK(slurp(o.resolv_conf).find("nameserver 10.0.0.99\n") != std::string::npos);

  // Undo from the record alone, as `pptpctl down` would in a fresh process.
  auto record = netlink::dns_record_from_json(nlohmann::json::parse(netlink::to_json(again->record).dump()));
  REQUIRE(record.ok());
  CHECK(*record == again->record);
  auto undone = netlink::dns_undo(*record);
  REQUIRE_MESSAGE(undone.ok(), undone.error().reason);
  CHECK(*undone == "restored " + o.resolv_conf);
  CHECK(slurp(o.resolv_conf) == original);
  CHECK((fs::status(o.resolv_conf).permissions() & fs::perms::mask) == static_cast<fs::perms>(0640));
  CHECK_FALSE(fs::exists(record->backup));

  auto twice = netlink::dns_undo(*record);
  REQUIRE(twice.ok());
  CHECK(twice->find("nothing to restore") != std::string::npos);
  CHECK(slurp(o.resolv_conf) == original);
}

TEST_CASE("netlink: resolv.conf backend replaces a symlink with a file and puts the symlink back") {
  TempDir d;
  const auto o = options(d);
  const fs::path managed = d.path / "resolvconf-managed";
  const std::string managed_bytes = "nameserver 192.0.2.53\n";
  spit(managed, managed_bytes);
  fs::create_symlink("resolvconf-managed", o.resolv_conf);

  auto applied = netlink::dns_apply("tun0", 7, kServers, false, o);
  REQUIRE_MESSAGE(applied.ok(), applied.error().reason);
  CHECK(applied->description.ends_with("(replacing the symlink to resolvconf-managed)"));
  CHECK_FALSE(fs::is_symlink(o.resolv_conf));
  CHECK(slurp(o.resolv_conf).find("nameserver 10.0.0.53\nnameserver 10.0.0.54\nnameserver 192.0.2.53\n") !=
        std::string::npos);  // split tunnel: the old server stays as a fallback
  CHECK(slurp(managed) == managed_bytes);  // the target is never written

  auto undone = netlink::dns_undo(applied->record);
  REQUIRE_MESSAGE(undone.ok(), undone.error().reason);
  CHECK(fs::is_symlink(o.resolv_conf));
  CHECK(fs::read_symlink(o.resolv_conf) == "resolvconf-managed");
  CHECK(slurp(o.resolv_conf) == managed_bytes);
}

TEST_CASE("netlink: resolv.conf changed by someone else is left alone on undo") {
  TempDir d;
  const auto o = options(d);
  spit(o.resolv_conf, "nameserver 192.0.2.53\n");
  auto applied = netlink::dns_apply("tun0", 7, kServers, true, o);
  REQUIRE(applied.ok());
  const std::string theirs = "nameserver 198.51.100.53\n";
  spit(o.resolv_conf, theirs);  // a DHCP client renewed meanwhile
  auto undone = netlink::dns_undo(applied->record);
  REQUIRE(undone.ok());
  CHECK(*undone == "left " + o.resolv_conf + " alone: it changed since pptpctl wrote it");
  CHECK(slurp(o.resolv_conf) == theirs);
  CHECK_FALSE(fs::exists(applied->record.backup));
}

TEST_CASE("netlink: resolv.conf that did not exist is removed again") {
  TempDir d;
  const auto o = options(d);
  auto applied = netlink::dns_apply("tun0", 7, kServers, true, o);
  REQUIRE(applied.ok());
  CHECK(fs::exists(o.resolv_conf));
  auto undone = netlink::dns_undo(applied->record);
  REQUIRE(undone.ok());
  CHECK_FALSE(fs::exists(o.resolv_conf));
}

TEST_CASE("netlink: DNS step in Changes is recorded, survives JSON, and is undone") {
  TempDir d;
  const auto o = options(d);
  const std::string original = "nameserver 192.0.2.53\n";
  spit(o.resolv_conf, original);
  nlohmann::json saved;
  {
    netlink::Changes net;
    // "lo" exists in every namespace; the DNS step only needs an index.
    auto applied = net.apply_dns("lo", kServers, true, o);
    REQUIRE_MESSAGE(applied.ok(), applied.error().reason);
    CHECK(applied->description.starts_with("dns nameserver 10.0.0.53, 10.0.0.54 written to "));
    CHECK(applied->record.backend == netlink::DnsBackend::ResolvConf);
    saved = net.to_json();
  }
  CHECK(saved["steps"][0]["kind"] == "dns");
  CHECK(saved["steps"][0]["backend"] == "resolv.conf");
  auto fresh = netlink::Changes::from_json(saved);
  REQUIRE(fresh.ok());
  auto report = fresh->undo();
  CHECK(report.ok());
  REQUIRE(report.done.size() == 1);
  CHECK(report.done[0] == "restored " + o.resolv_conf);
  CHECK(slurp(o.resolv_conf) == original);
}
