#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "../lab/gre_forge.hpp"
#include "netlink/changes.hpp"
#include "netlink/tunnel_table.hpp"
#include "netns_test_util.hpp"

using netns_test::Checks;

namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("inject guard: the table is named after the interface") {
  CHECK(netlink::tunnel_table_name("pptp-office") == "pptpctl-pptp-office");
  CHECK(netlink::tunnel_table_name("vpn0") == "pptpctl-vpn0");
}

TEST_CASE("inject guard: the ruleset matches the server and our call ID") {
  struct Row {
    wire::Ipv4 server;
    std::uint16_t call;
    const char* match;
  };
  const Row rows[] = {
      {{192, 0, 2, 1}, 0x1234,
       "ip saddr 192.0.2.1 ip protocol gre @th,16,16 0x880b @th,48,16 0x1234 jump call"},
      {{203, 0, 113, 7}, 0, "ip saddr 203.0.113.7 ip protocol gre @th,16,16 0x880b @th,48,16 0x0000 jump call"},
      {{198, 51, 100, 254}, 0xffff,
       "ip saddr 198.51.100.254 ip protocol gre @th,16,16 0x880b @th,48,16 0xffff jump call"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.match);
    const auto text = netlink::tunnel_table_ruleset({"pptp-x", row.server, row.call});
    CHECK(count(text, row.match) == 1);
    CHECK(count(text, "jump call") == 1);
    // Replaces a table of the same name in the same transaction.
    CHECK(text.rfind("table ip pptpctl-pptp-x\ndelete table ip pptpctl-pptp-x\ntable ip pptpctl-pptp-x {\n", 0) == 0);
    CHECK(count(text, "type filter hook input priority raw; policy accept;") == 1);
  }
}

TEST_CASE("inject guard: accept rules for each layout: with and without the ack field, with and without FF 03") {
  const auto text = netlink::tunnel_table_ruleset({"pptp-x", {192, 0, 2, 1}, 7});
  // bit offsets: A flag 8; payload at 96 (no ack) or 128 (ack); the PPP
  // protocol 16 bits later when FF 03 is there.
  struct Row {
    const char* layout;
    const char* pfc_fd;
    const char* control;
    const char* mppe;
  };
  const Row rows[] = {
      {"no ack, FF 03", "@th,8,1 0 @th,96,16 0xff03 @th,119,1 1 @th,112,8 0xfd accept",
       "@th,8,1 0 @th,96,16 0xff03 @th,119,1 0 @th,112,1 1 @th,112,16 != 0x80fd accept", "@th,8,1 0 @th,96,16 0xff03 @th,112,16 0x00fd accept"},
      {"no ack, no FF 03", "@th,8,1 0 @th,96,16 != 0xff03 @th,103,1 1 @th,96,8 0xfd accept",
       "@th,8,1 0 @th,96,16 != 0xff03 @th,103,1 0 @th,96,1 1 @th,96,16 != 0x80fd accept",
       "@th,8,1 0 @th,96,16 != 0xff03 @th,96,16 0x00fd accept"},
      {"ack, FF 03", "@th,8,1 1 @th,128,16 0xff03 @th,151,1 1 @th,144,8 0xfd accept",
       "@th,8,1 1 @th,128,16 0xff03 @th,151,1 0 @th,144,1 1 @th,144,16 != 0x80fd accept", "@th,8,1 1 @th,128,16 0xff03 @th,144,16 0x00fd accept"},
      {"ack, no FF 03", "@th,8,1 1 @th,128,16 != 0xff03 @th,135,1 1 @th,128,8 0xfd accept",
       "@th,8,1 1 @th,128,16 != 0xff03 @th,135,1 0 @th,128,1 1 @th,128,16 != 0x80fd accept",
       "@th,8,1 1 @th,128,16 != 0xff03 @th,128,16 0x00fd accept"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.layout);
    CHECK(count(text, row.pfc_fd) == 1);
    CHECK(count(text, row.control) == 1);
    CHECK(count(text, row.mppe) == 1);
  }
  // No sequence number: an ack only, which pptp.c never hands to PPP.
  const auto ack_only = text.find("    @th,3,1 0 accept\n");
  const auto drop = text.find("counter drop");
  CHECK(ack_only != std::string::npos);
  // CCP apart from the other control protocols: only codes outside 1-6.
  for (const char* ccp : {"@th,8,1 0 @th,96,16 0xff03 @th,112,16 0x80fd @th,128,8 != 1-6 accept",
                          "@th,8,1 0 @th,96,16 != 0xff03 @th,96,16 0x80fd @th,112,8 != 1-6 accept",
                          "@th,8,1 1 @th,128,16 0xff03 @th,144,16 0x80fd @th,160,8 != 1-6 accept",
                          "@th,8,1 1 @th,128,16 != 0xff03 @th,128,16 0x80fd @th,144,8 != 1-6 accept"}) {
    CAPTURE(ccp);
    CHECK(count(text, ccp) == 1);
  }
  // ... and all of CCP from the server while it is in @negotiating (empty
  // unless the table went in before MPPE was negotiated).
  CHECK(count(text, "ip saddr @negotiating @th,") == 4);
  CHECK(count(text, "set negotiating {\n    type ipv4_addr;\n  }\n") == 1);
  CHECK(count(text, " accept\n") == 21);
  // The drop comes last: everything not accepted above.
  CHECK(drop != std::string::npos);
  CHECK(drop > text.rfind(" accept\n"));
}

TEST_CASE("inject guard: a missing nft is one sentence") {
  auto r = netlink::run_nft("list ruleset\n", "/nonexistent/nft");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "cannot run /nonexistent/nft: No such file or directory");
  auto i = netlink::install_tunnel_table({"pptp-x", {192, 0, 2, 1}, 7}, "/nonexistent/nft");
  REQUIRE_FALSE(i.ok());
  CHECK(i.error().reason ==
        "cannot install the nftables table pptpctl-pptp-x: cannot run /nonexistent/nft: No such file or directory");
}

namespace {

// Sends one forged packet from 192.0.2.1 (or `src`) to 192.0.2.2, both on lo.
void send_gre(Checks& c, const gre_forge::Gre& g, gre_forge::Addr src = {192, 0, 2, 1}) {
  const int s = ::socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  c.expect(s >= 0, "raw socket");
  if (s < 0) return;
  const auto pkt = gre_forge::ipv4(src, {192, 0, 2, 2}, IPPROTO_GRE, gre_forge::gre(g));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(0xC0000202);
  c.expect(::sendto(s, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
               static_cast<ssize_t>(pkt.size()),
           "sendto");
  ::close(s);
}

// GRE that got past the guard, counted by a later input chain.
std::uint64_t passed() {
  const auto out = Checks::capture("nft list table ip seen");
  const auto at = out.find("counter packets ");
  return at == std::string::npos ? 0 : std::stoull(out.substr(at + 16));
}

}  // namespace

TEST_CASE("inject guard: in a namespace, clear-text network-layer frames from the server to our call are dropped, "
          "MPPE and control protocols pass") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link set lo up");
    c.sh("ip addr add 192.0.2.1/32 dev lo");
    c.sh("ip addr add 192.0.2.2/32 dev lo");
    c.sh("ip addr add 192.0.2.3/32 dev lo");
    const std::uint16_t call = 0x4d2;
    auto line = netlink::install_tunnel_table({"pptp-t", {192, 0, 2, 1}, call});
    c.expect(line.ok(), "install: " + (line ? std::string() : line.error().reason));
    c.expect(line && line->find("pptpctl-pptp-t") != std::string::npos, "the line names the table");
    // Installing again replaces it (a table a crash left behind).
    c.expect(netlink::install_tunnel_table({"pptp-t", {192, 0, 2, 1}, call}).ok(), "install twice");
    c.sh("nft 'table ip seen { chain input { type filter hook input priority 0; ip protocol gre counter; }; }'");

    const gre_forge::Bytes ip = gre_forge::ppp_ipv4(gre_forge::icmp_echo({198, 51, 100, 1}, {198, 51, 100, 10}, 1, 1));
    gre_forge::Bytes pfc_ip = ip;
    pfc_ip.erase(pfc_ip.begin());  // 0x21 alone (RFC 1661 §6.5)
    gre_forge::Bytes ipv6{0x00, 0x57, 0x60, 0, 0, 0};
    gre_forge::Bytes odd_first{0x81, 0x21, 1, 2, 3};  // pptp.c reads 0x0081, then data
    gre_forge::Bytes mppe{0x00, 0xFD, 0x90, 0x01, 0xAA, 0xBB};
    gre_forge::Bytes mppe_pfc{0xFD, 0x90, 0x01, 0xAA, 0xBB};
    gre_forge::Bytes lcp_echo{0xC0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4};
    gre_forge::Bytes ccp_reset{0x80, 0xFD, 0x0E, 0x01, 0x00, 0x04};
    gre_forge::Bytes ccp_reset_ack{0x80, 0xFD, 0x0F, 0x01, 0x00, 0x04};
    // ppp_ccp_peek() would stop MPPE on these (kernel-facts, security traps).
    gre_forge::Bytes ccp_conf_req{0x80, 0xFD, 0x01, 0x01, 0x00, 0x04};
    gre_forge::Bytes ccp_term_req{0x80, 0xFD, 0x05, 0x01, 0x00, 0x04};
    gre_forge::Bytes ccp_term_ack{0x80, 0xFD, 0x06, 0x01, 0x00, 0x04};
    gre_forge::Bytes ipcp{0x80, 0x21, 0x01, 0x01, 0x00, 0x04};
    struct Row {
      const char* what;
      gre_forge::Gre g;
      gre_forge::Addr src;
      bool dropped;
    };
    const gre_forge::Addr server{192, 0, 2, 1};
    const Row rows[] = {
        {"IPv4 0x0021 with FF 03, no ack", {call, 5, std::nullopt, true, ip}, server, true},
        {"IPv4 0x0021 with FF 03 and an ack", {call, 6, 9, true, ip}, server, true},
        {"IPv4 0x0021 without FF 03, no ack", {call, 7, std::nullopt, false, ip}, server, true},
        {"IPv4 0x0021 without FF 03, with an ack", {call, 8, 9, false, ip}, server, true},
        {"IPv4 compressed 0x21", {call, 9, std::nullopt, true, pfc_ip}, server, true},
        {"IPv4 compressed 0x21 with an ack, no FF 03", {call, 10, 1, false, pfc_ip}, server, true},
        {"IPv6 0x0057", {call, 11, std::nullopt, true, ipv6}, server, true},
        {"odd first byte 0x81 (pptp.c reads 0x0081)", {call, 12, std::nullopt, true, odd_first}, server, true},
        {"a sequence number and no payload", {call, 13, std::nullopt, true, {}}, server, true},
        {"MPPE 0x00FD with FF 03", {call, 14, std::nullopt, true, mppe}, server, false},
        {"MPPE 0x00FD with an ack, no FF 03", {call, 15, 2, false, mppe}, server, false},
        {"MPPE compressed 0xFD with an ack", {call, 16, 2, true, mppe_pfc}, server, false},
        {"MPPE compressed 0xFD, no FF 03", {call, 17, std::nullopt, false, mppe_pfc}, server, false},
        {"LCP echo 0xC021", {call, 18, std::nullopt, true, lcp_echo}, server, false},
        {"LCP echo 0xC021 with an ack, no FF 03", {call, 19, 3, false, lcp_echo}, server, false},
        {"CCP Reset-Request 0x80FD with an ack", {call, 20, 3, true, ccp_reset}, server, false},
        {"CCP Reset-Ack, no FF 03", {call, 24, std::nullopt, false, ccp_reset_ack}, server, false},
        {"CCP Configure-Request (would stop our MPPE)", {call, 25, std::nullopt, true, ccp_conf_req}, server, true},
        {"CCP Terminate-Request with an ack, no FF 03", {call, 26, 5, false, ccp_term_req}, server, true},
        {"CCP Terminate-Ack", {call, 27, std::nullopt, true, ccp_term_ack}, server, true},
        {"IPCP 0x8021", {call, 21, std::nullopt, true, ipcp}, server, false},
        {"an ack alone (no sequence number)", {call, std::nullopt, 4, true, {}}, server, false},
        {"IPv4 to another call", {static_cast<std::uint16_t>(call + 1), 22, std::nullopt, true, ip}, server, false},
        {"IPv4 from another address", {call, 23, std::nullopt, true, ip}, {192, 0, 2, 3}, false},
    };
    const std::string table = netlink::tunnel_table_name("pptp-t");
    for (const auto& row : rows) {
      auto before = netlink::inject_guard_dropped(table);
      c.expect(before.ok(), std::string(row.what) + ": read the counter");
      if (!before) return;
      const auto passed_before = passed();
      send_gre(c, row.g, row.src);
      // Each packet ends in one counter or the other.
      std::uint64_t dropped = *before, through = passed_before;
      for (int i = 0; i < 200 && dropped == *before && through == passed_before; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto d = netlink::inject_guard_dropped(table);
        if (d) dropped = *d;
        through = passed();
      }
      c.expect(dropped == *before + (row.dropped ? 1 : 0), std::string(row.what) + (row.dropped ? ": not dropped" : ": dropped"));
      c.expect(through == passed_before + (row.dropped ? 0 : 1), std::string(row.what) + ": not seen past the guard");
    }

    auto removed = netlink::remove_tunnel_table(table);
    c.expect(removed.ok() && *removed == netlink::Removed::Removed, "remove");
    auto again = netlink::remove_tunnel_table(table);
    c.expect(again.ok() && *again == netlink::Removed::AlreadyGone, "remove again: already gone");
    c.expect(Checks::capture("nft list tables").find("pptpctl") == std::string::npos, "no table left");
  });
}

TEST_CASE("inject guard: Changes records the table, and a crash record's undo removes it") {
  NETNS_RUN([](Checks& c) {
    netlink::Changes net;
    auto line = net.add_tunnel_table({"pptp-rec", {192, 0, 2, 1}, 0x0102});
    c.expect(line.ok(), "add: " + (line ? std::string() : line.error().reason));
    c.expect(net.size() == 1, "one step recorded");
    c.expect(net.inject_guard_table() == std::optional<std::string>("pptpctl-pptp-rec"), "the table is known");
    const auto j = net.to_json();
    c.expect(j["steps"][0]["kind"] == "nft_table" && j["steps"][0]["call_id"] == 0x0102 &&
                 j["steps"][0]["server"] == "192.0.2.1" && j["steps"][0]["ifname"] == "pptp-rec",
             "the record: " + j.dump());
    // A fresh process (pptpctl down after a crash) reads the record back.
    auto back = netlink::Changes::from_json(j);
    c.expect(back.ok(), "from_json");
    if (!back) return;
    c.expect(back->to_json() == j, "round trip");
    auto report = back->undo();
    c.expect(report.ok() && report.done.size() == 1 &&
                 report.done[0] == "removed nftables table ip pptpctl-pptp-rec (injection guard)",
             "undo from the record");
    c.expect(Checks::capture("nft list tables").find("pptpctl-pptp-rec") == std::string::npos, "table gone");
    // The original's own undo finds it gone.
    auto second = net.undo();
    c.expect(second.ok() && second.done.size() == 1 &&
                 second.done[0] == "nftables table ip pptpctl-pptp-rec (injection guard): already gone",
             "undo again: " + (second.done.empty() ? std::string("nothing") : second.done[0]));
  });
}

TEST_CASE("inject guard: a record whose interface name is not one is refused") {
  for (const char* name : {"", "pptp office", "x;flush ruleset", "a/b", "sixteen-chars-xx"}) {
    CAPTURE(name);
    nlohmann::json j{{"version", 1},
                     {"steps", {{{"kind", "inject_guard"}, {"ifname", name}, {"server", "192.0.2.1"}, {"call_id", 1}}}}};
    CHECK_FALSE(netlink::Changes::from_json(j).ok());
  }
}

TEST_CASE("tunnel table: the MSS clamp's chains, with and without the guard") {
  struct Row {
    bool guard;
    unsigned mss;
    int input_chains;  // the guard's hook
    int mss_rules;     // one per direction
  };
  const Row rows[] = {{true, 0, 1, 0}, {true, 1216, 1, 2}, {false, 1416, 0, 2}};
  for (const auto& row : rows) {
    CAPTURE(row.mss);
    const auto text = netlink::tunnel_table_ruleset({"pptp-x", {192, 0, 2, 1}, 7, row.guard, row.mss});
    CHECK(count(text, "type filter hook input priority raw") == row.input_chains);
    const std::string set = "tcp flags & (syn | rst) == syn tcp option maxseg size > " + std::to_string(row.mss) +
                            " tcp option maxseg size set " + std::to_string(row.mss);
    CHECK(count(text, set) == row.mss_rules);
    if (row.mss != 0) {
      CHECK(count(text, "iifname \"pptp-x\" " + set) == 1);
      CHECK(count(text, "oifname \"pptp-x\" " + set) == 1);
      CHECK(count(text, "type filter hook prerouting priority mangle") == 1);
      CHECK(count(text, "type filter hook postrouting priority mangle") == 1);
    }
  }
}

TEST_CASE("tunnel table: nft takes the clamp, and the table says so") {
  NETNS_RUN([](Checks& c) {
    auto line = netlink::install_tunnel_table({"pptp-m", {192, 0, 2, 1}, 9, false, 1216});
    c.expect(line.ok(), "install: " + (line ? std::string() : line.error().reason));
    c.expect(line && *line == "nftables table ip pptpctl-pptp-m (clamps TCP MSS to 1216 both ways)",
             "the line: " + (line ? *line : std::string()));
    const std::string listed = Checks::capture("nft list table ip pptpctl-pptp-m");
    c.expect(listed.find("tcp option maxseg size set 1216") != std::string::npos, "listed: " + listed);
    c.expect(listed.find("chain input") == std::string::npos, "no guard chain: " + listed);
    auto both = netlink::install_tunnel_table({"pptp-m", {192, 0, 2, 1}, 9, true, 1416});
    c.expect(both && both->find("; clamps TCP MSS to 1416 both ways)") != std::string::npos,
             "both: " + (both ? *both : both.error().reason));
    auto removed = netlink::remove_tunnel_table(netlink::tunnel_table_name("pptp-m"));
    c.expect(removed && *removed == netlink::Removed::Removed, "removed");
  });
}

TEST_CASE("inject guard: installed while PPP negotiates, CCP's negotiation passes until close_negotiation(), "
          "clear IP never") {
  NETNS_RUN([](Checks& c) {
    c.sh("ip link set lo up");
    c.sh("ip addr add 192.0.2.1/32 dev lo");
    c.sh("ip addr add 192.0.2.2/32 dev lo");
    const std::uint16_t call = 0x777;
    const netlink::TunnelTable t{"pptp-n", {192, 0, 2, 1}, call, true, 0, true};
    auto line = netlink::install_tunnel_table(t);
    c.expect(line.ok(), "install: " + (line ? std::string() : line.error().reason));
    c.sh("nft 'table ip seen { chain input { type filter hook input priority 0; ip protocol gre counter; }; }'");
    const std::string table = netlink::tunnel_table_name("pptp-n");
    const gre_forge::Bytes ccp_conf_req{0x80, 0xFD, 0x01, 0x01, 0x00, 0x04};
    const gre_forge::Bytes ccp_conf_ack{0x80, 0xFD, 0x02, 0x01, 0x00, 0x04};
    const gre_forge::Bytes ip = gre_forge::ppp_ipv4(gre_forge::icmp_echo({198, 51, 100, 1}, {198, 51, 100, 10}, 1, 1));
    struct Row {
      const char* what;
      bool close_first;  // close_negotiation() before this row
      gre_forge::Bytes payload;
      bool dropped;
    };
    const Row rows[] = {
        {"negotiating: CCP Configure-Request", false, ccp_conf_req, false},
        {"negotiating: CCP Configure-Ack", false, ccp_conf_ack, false},
        {"negotiating: clear IPv4", false, ip, true},
        {"closed: CCP Configure-Request", true, ccp_conf_req, true},
        {"closed: CCP Configure-Ack", false, ccp_conf_ack, true},
        {"closed: clear IPv4", false, ip, true},
    };
    std::uint32_t seq = 100;
    for (const auto& row : rows) {
      if (row.close_first) {
        auto closed = netlink::close_negotiation(t);
        c.expect(closed.ok(), "close: " + (closed ? std::string() : closed.error().reason));
        c.expect(netlink::close_negotiation(t).ok(), "closing twice is fine");
      }
      auto before = netlink::inject_guard_dropped(table);
      c.expect(before.ok(), std::string(row.what) + ": read the counter");
      if (!before) return;
      const auto passed_before = passed();
      send_gre(c, {call, seq++, std::nullopt, true, row.payload});
      std::uint64_t dropped = *before, through = passed_before;
      for (int i = 0; i < 200 && dropped == *before && through == passed_before; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (auto d = netlink::inject_guard_dropped(table)) dropped = *d;
        through = passed();
      }
      c.expect(dropped == *before + (row.dropped ? 1 : 0), std::string(row.what) + (row.dropped ? ": not dropped" : ": dropped"));
    }
    (void)netlink::remove_tunnel_table(table);
  });
}
