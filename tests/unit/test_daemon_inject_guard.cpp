// NetworkSetup decides whether the link gets the injection guard, installs
// it before anything else, keeps it in the crash record, and takes it back
// with the link.
#include <doctest/doctest.h>
#include <net/if.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/network.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The link both tests bring up: tun0 (a veth made in the test's namespace),
// 198.51.100.10 peer .1, server 192.0.2.1, our call ID 0x42.
pptpctl::TunnelAddresses tun0_link() {
  pptpctl::TunnelAddresses t;
  t.ifname = "tun0";
  t.ifindex = static_cast<int>(if_nametoindex("tun0"));
  t.local = {198, 51, 100, 10};
  t.peer = {198, 51, 100, 1};
  t.server = {192, 0, 2, 1};
  t.call_id = 0x42;
  return t;
}

bool has_table(const std::string& name) { return Checks::capture("nft list tables").find(name) != std::string::npos; }

}  // namespace

TEST_CASE("daemon: the injection guard goes in first when MPPE runs inbound, stays in the record, goes with the link") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link add tun0 type veth peer name tun0p");
    c.sh("ip link set tun0p up");
    config::Profile profile;
    profile.dns.use_peer = false;
    struct Row {
      const char* what;
      bool guard_key;
      bool rx_encrypted;
      bool clamp_key;
      const char* first_line;  // the start of the first thing said
      bool table;
      bool guard;
    };
    const Row rows[] = {
        {"MPPE inbound, default profile", true, true, true,
         "nftables table ip pptpctl-tun0 (drops clear-text frames from 192.0.2.1 to call 0x0042", true, true},
        {"the profile opts out of the guard", false, true, true,
         "no injection guard: the profile sets inject_guard to false", true, false},
        {"nothing encrypted inbound", true, false, true, "no injection guard: what the server sends is not encrypted",
         true, false},
        {"the profile opts out of both", false, true, false,
         "no injection guard: the profile sets inject_guard to false", false, false},
        {"MPPE inbound, no clamp", true, true, false, "no TCP MSS clamping: the profile sets clamp_mss to false", true,
         true},
    };
    for (const auto& row : rows) {
      const std::string record = "/tmp/pptpctl-test-guard-" + std::to_string(::getpid()) + ".json";
      pptpctl::NetworkSetup net;
      net.set_record_path(record);
      profile.inject_guard = row.guard_key;
      profile.clamp_mss = row.clamp_key;
      pptpctl::TunnelAddresses t = tun0_link();
      t.rx_encrypted = row.rx_encrypted;
      std::vector<std::string> said;
      auto r = net.apply(profile, t, [&](const std::string& s) { said.push_back(s); });
      c.expect(r.ok(), std::string(row.what) + ": apply: " + (r ? std::string() : r.error().reason));
      c.expect(!said.empty() && said.front().rfind(row.first_line, 0) == 0,
               std::string(row.what) + ": first said: " + (said.empty() ? std::string("nothing") : said.front()));
      c.expect(has_table("pptpctl-tun0") == row.table, std::string(row.what) + ": table present?");
      c.expect(net.inject_guard_table().has_value() == row.guard, std::string(row.what) + ": inject_guard_table()");
      // t.mtu 1400: MSS 1360 (RFC 6691 §2).
      c.expect(net.clamped_mss() == (row.clamp_key ? std::optional<unsigned>(1360) : std::nullopt),
               std::string(row.what) + ": clamped_mss()");
      // The crash record written while up holds the guard beside the address.
      const auto j = nlohmann::json::parse(read_file(record), nullptr, false);
      bool guard_step = false, address_step = false;
      if (!j.is_discarded() && j.contains("steps"))
        for (const auto& s : j["steps"]) {
          guard_step |= s.value("kind", "") == "nft_table" && s.value("guard", false) == row.guard &&
                        s.value("clamp_mss", 0u) == (row.clamp_key ? 1360u : 0u);
          address_step |= s.value("kind", "") == "address";
        }
      c.expect(guard_step == row.table, std::string(row.what) + ": record: " + j.dump());
      c.expect(address_step, std::string(row.what) + ": the record lists the link's address: " + j.dump());
      net.undo([](const std::string&) {});
      c.expect(!has_table("pptpctl-tun0"), std::string(row.what) + ": table gone after undo");
      c.expect(::access(record.c_str(), F_OK) != 0, std::string(row.what) + ": record gone after undo");
    }
  });
}

TEST_CASE("daemon: the table prepared while PPP negotiates is the one apply() keeps, or is replaced, or goes") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link add tun0 type veth peer name tun0p");
    c.sh("ip link set tun0p up");
    struct Row {
      const char* what;
      bool mppe_required;  // prepare_table() only runs then
      bool rx_encrypted;   // what MPPE came up as
      bool clamp;
      unsigned prepared_mtu, final_mtu;
      bool table_after;    // a table once apply() is done
      const char* want;    // in the table after apply(); "" for none
    };
    const Row rows[] = {
        {"as prepared", true, true, true, 1456, 1456, true, "maxseg size set 1416"},
        {"the MTU came out smaller", true, true, true, 1456, 1396, true, "maxseg size set 1356"},
        {"nothing encrypted inbound after all, clamp only", true, false, true, 1456, 1456, true,
         "maxseg size set 1416"},
        {"neither guard nor clamp wanted in the end", true, false, false, 1456, 1456, false, ""},
        {"MPPE not required: nothing prepared, apply() installs", false, true, true, 1456, 1456, true,
         "maxseg size set 1416"},
    };
    for (const auto& row : rows) {
      config::Profile profile;
      profile.dns.use_peer = false;
      profile.mppe.required = row.mppe_required;
      profile.clamp_mss = row.clamp;
      pptpctl::NetworkSetup net;
      const std::string record = "/tmp/pptpctl-test-prepare-" + std::to_string(::getpid()) + ".json";
      net.set_record_path(record);
      pptpctl::TunnelAddresses t = tun0_link();
      t.rx_encrypted = true;
      t.mtu = row.prepared_mtu;
      net.prepare_table(profile, t);
      // The table is in the record before it exists.
      const auto j = nlohmann::json::parse(read_file(record), nullptr, false);
      const bool recorded = !j.is_discarded() && j.contains("steps") && !j["steps"].empty() &&
                            j["steps"][0].value("kind", "") == "nft_table";
      c.expect(recorded == row.mppe_required, std::string(row.what) + ": recorded first: " + j.dump());
      t.rx_encrypted = row.rx_encrypted;
      t.mtu = row.final_mtu;
      std::vector<std::string> said;
      auto r = net.apply(profile, t, [&](const std::string& s) { said.push_back(s); });
      c.expect(r.ok(), std::string(row.what) + ": apply: " + (r ? std::string() : r.error().reason));
      c.expect(has_table("pptpctl-tun0") == row.table_after, std::string(row.what) + ": table present?");
      if (row.table_after) {
        const auto listed = Checks::capture("nft list table ip pptpctl-tun0");
        c.expect(listed.find(row.want) != std::string::npos, std::string(row.what) + ": listed: " + listed);
        c.expect((listed.find("chain call") != std::string::npos) == row.rx_encrypted,
                 std::string(row.what) + ": guard chain as MPPE came up: " + listed);
      }
      net.undo([](const std::string&) {});
      c.expect(!has_table("pptpctl-tun0"), std::string(row.what) + ": table gone after undo");
    }
  });
}

TEST_CASE("daemon: a failed attempt's undo waits for the table still being installed, then removes it") {
  NETNS_RUN([](Checks& c) {
    config::Profile profile;
    pptpctl::NetworkSetup net;
    pptpctl::TunnelAddresses t;
    t.ifname = "tun9";
    t.server = {192, 0, 2, 1};
    t.call_id = 7;
    t.rx_encrypted = true;
    t.mtu = 1456;
    net.prepare_table(profile, t);
    net.undo_link([](const std::string&) {});  // at once: nft may still be running
    c.expect(!has_table("pptpctl-tun9"), "no table left behind");
  });
}
