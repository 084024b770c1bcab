#pragma once
// The tunnel's own nftables table, "ip pptpctl-<ifname>": the injection
// guard and the TCP MSS clamp, each when the tunnel needs it.
//
// The guard drops clear-text network-layer frames the server's address sends
// to our call. Why: Linux's pptp.c hands any GRE packet with our call ID,
// the server's source address and a sequence number above the last one seen
// to ppp_input(), and ppp_generic delivers protocol 0x0021 (IPv4) to the
// stack even while MPPE runs (kernel-facts, security traps). Whoever is on
// the path and knows the call ID can inject IP into the tunnel. With MPPE
// up, every legitimate network-layer frame the server sends is 0x00FD;
// control protocols (>= 0x8000: LCP echo and Terminate, CCP Reset-Request,
// IPCP) must pass.
//
// The clamp lowers the MSS option of TCP SYNs entering or leaving through
// the tunnel to what its MTU carries (RFC 6691 §2: MTU - 40), so neither
// end sends segments that only fit with fragmentation of the outer GRE, and
// TCP never depends on ICMP "fragmentation needed" coming back through a
// tunnel or a firewall (RFC 2923 §2.1, the PMTUD black hole).
//
// How: `nft -f -` with the ruleset on stdin (as wg-quick does): nothing is
// linked into the daemon and nothing stays resident; nft runs twice per link
// (install, remove). The table is named after the interface, so one tunnel
// never touches another's.
//
//   TunnelTable t{"pptp-office", server, our_call_id, true, 1216};
//   auto r = install_tunnel_table(t);   // ... link up, IP passes ...
//   remove_tunnel_table(tunnel_table_name("pptp-office"));
#include <cstdint>
#include <string>
#include <string_view>

#include "netlink/applied.hpp"
#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct TunnelTable {
  std::string ifname;      // names the table
  wire::Ipv4 server{};     // the PPTP server's real address (GRE source)
  std::uint16_t call_id{};  // ours: the call ID the server's GRE carries
  bool guard = true;        // the injection guard's chains
  unsigned clamp_mss = 0;   // the MSS SYNs are clamped to; 0: no clamp
  // The guard lets CCP's negotiation from the server through: the table
  // goes in before MPPE is negotiated (while PPP negotiates), and
  // close_negotiation() shuts that the moment MPPE is up, without nft.
  bool negotiating = false;
  bool operator==(const TunnelTable&) const = default;
};

// "pptpctl-<ifname>", family ip.
std::string tunnel_table_name(std::string_view ifname);

// The nft script that creates the table afresh (an old one of the same name
// goes in the same transaction). Pure.
std::string tunnel_table_ruleset(const TunnelTable& g);

// Where nft is (find_program, program.hpp), or a sentence saying it is
// missing.
wire::Result<std::string> find_nft();

// Runs `nft -f -` with `script` on stdin; the first line nft wrote to stderr
// is the error. `nft` empty: find_nft().
wire::Result<wire::Unit> run_nft(const std::string& script, const std::string& nft = {});

// Installs the table (guard, clamp or both); returns a line for the log.
wire::Result<std::string> install_tunnel_table(const TunnelTable& g, const std::string& nft = {});

// Deletes table `table` (family ip); AlreadyGone when there is none.
wire::Result<Removed> remove_tunnel_table(const std::string& table, const std::string& nft = {});

// Ends what `negotiating` opened: from now on the guard drops CCP
// Configure and Terminate from the server (one netlink batch, no nft).
wire::Result<wire::Unit> close_negotiation(const TunnelTable& g);

// Packets the guard dropped so far (its drop rule's counter).
wire::Result<std::uint64_t> inject_guard_dropped(const std::string& table, const std::string& nft = {});

}  // namespace netlink
