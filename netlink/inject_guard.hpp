#pragma once
// The injection guard: an nftables table of the tunnel's own that drops
// clear-text network-layer frames the server's address sends to our call.
//
// Why: Linux's pptp.c hands any GRE packet with our call ID, the server's
// source address and a sequence number above the last one seen to
// ppp_input(), and ppp_generic delivers protocol 0x0021 (IPv4) to the stack
// even while MPPE runs (kernel-facts, security traps). Whoever is on the path
// and knows the call ID can inject IP into the tunnel. With MPPE up, every
// legitimate network-layer frame the server sends is 0x00FD; control
// protocols (>= 0x8000: LCP echo and Terminate, CCP Reset-Request, IPCP)
// must pass.
//
// How: `nft -f -` with the ruleset on stdin (as wg-quick does): nothing is
// linked into the daemon and nothing stays resident; nft runs twice per link
// (install, remove). The table is named after the interface, so one tunnel
// never touches another's.
//
//   InjectGuard g{"pptp-office", server, our_call_id};
//   auto r = install_inject_guard(g);   // ... link up, IP passes ...
//   remove_inject_guard(inject_guard_table("pptp-office"));
#include <cstdint>
#include <string>
#include <string_view>

#include "netlink/applied.hpp"
#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace netlink {

struct InjectGuard {
  std::string ifname;      // names the table
  wire::Ipv4 server{};     // the PPTP server's real address (GRE source)
  std::uint16_t call_id{};  // ours: the call ID the server's GRE carries
  bool operator==(const InjectGuard&) const = default;
};

// "pptpctl-<ifname>", family ip.
std::string inject_guard_table(std::string_view ifname);

// The nft script that creates the table afresh (an old one of the same name
// goes in the same transaction). Pure.
std::string inject_guard_ruleset(const InjectGuard& g);

// Where nft is (find_program, program.hpp), or a sentence saying it is
// missing.
wire::Result<std::string> find_nft();

// Runs `nft -f -` with `script` on stdin; the first line nft wrote to stderr
// is the error. `nft` empty: find_nft().
wire::Result<wire::Unit> run_nft(const std::string& script, const std::string& nft = {});

// Installs the table; returns a line for the log.
wire::Result<std::string> install_inject_guard(const InjectGuard& g, const std::string& nft = {});

// Deletes table `table` (family ip); AlreadyGone when there is none.
wire::Result<Removed> remove_inject_guard(const std::string& table, const std::string& nft = {});

// Packets the guard dropped so far (its drop rule's counter).
wire::Result<std::uint64_t> inject_guard_dropped(const std::string& table, const std::string& nft = {});

}  // namespace netlink
