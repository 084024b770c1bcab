#include "netlink/tunnel_table.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "netlink/nft_element.hpp"
#include "netlink/program.hpp"
#include "userspace/wire/hex.hpp"

namespace netlink {

namespace {

// The enhanced GRE header (RFC 2637 §4.1), offsets in bits from its start
// (nft's @th, which the kernel sets past the IP header for any protocol):
//   byte 0: C R K S s Recur      -> S (sequence number present) is bit 3
//   byte 1: A Flags Ver           -> A (acknowledgment present) is bit 8
//   bytes 2-3 protocol 0x880B, 4-5 payload length, 6-7 call ID,
//   then the sequence number (if S), then the ack number (if A).
constexpr int kSeqBit = 3;
constexpr int kAckBit = 8;
constexpr int kProtocolType = 16;
constexpr int kCallId = 48;
constexpr int kPayloadNoAck = 96;   // 8 fixed bytes + sequence number
constexpr int kPayloadAck = 128;    // ... + acknowledgment number

std::string bits(int offset, int length) {
  return "@th," + std::to_string(offset) + "," + std::to_string(length);
}

// The accept rules for one layout: the payload at bit `payload`, with or
// without the HDLC address and control bytes FF 03 in front of the PPP
// protocol (RFC 1662 §3.1; pptp.c strips them when the first two bytes are
// FF 03, exactly as matched here). Then the protocol as pptp.c reads it: a
// first byte with its low bit set is a compressed one-byte protocol
// (RFC 1661 §6.5), else two bytes.
void accept_rules(std::string& out, bool ack, bool address_control) {
  const int payload = ack ? kPayloadAck : kPayloadNoAck;
  const int proto = address_control ? payload + 16 : payload;
  std::string when = bits(kAckBit, 1) + (ack ? " 1 " : " 0 ") + bits(payload, 16) +
                     (address_control ? " 0xff03 " : " != 0xff03 ");
  const std::string odd = bits(proto + 7, 1);
  // 0xFD compressed: MPPE (RFC 3078 §3).
  out += "    " + when + odd + " 1 " + bits(proto, 8) + " 0xfd accept\n";
  // 0x8000 and up: LCP, IPCP and the other control protocols (RFC 1661
  // §2); LCP echo and Terminate must pass. CCP (0x80FD) apart, below.
  out += "    " + when + odd + " 0 " + bits(proto, 1) + " 1 " + bits(proto, 16) + " != 0x80fd accept\n";
  // CCP only for Reset-Request/Ack (codes 14, 15, RFC 1962 §2.1) and the
  // like: a forged Configure-Request, -Ack or Terminate (codes 1-6) makes
  // ppp_generic's ppp_ccp_peek() stop our MPPE before the daemon can see
  // it, and IP would leave in clear. A real renegotiation ends the link
  // anyway (the session refuses it).
  out += "    " + when + bits(proto, 16) + " 0x80fd " + bits(proto + 16, 8) + " != 1-6 accept\n";
  // ... and all of CCP while the server is in @negotiating: MPPE is not up
  // yet, so there is nothing a forged one could stop (close_negotiation()).
  out += "    ip saddr @negotiating " + when + bits(proto, 16) + " 0x80fd accept\n";
  // 0x00FD: MPPE, uncompressed.
  out += "    " + when + bits(proto, 16) + " 0x00fd accept\n";
}

// nft with `args`, `input` on stdin (program.hpp). nft answers at once
// when it has a CPU; the limit is only there so that nothing can hang the
// daemon. 30 s, not less: twenty tunnels started together on one emulated
// vCPU queue twenty nft start-ups (about 1.3 s of CPU each), and the last
// of them once took over 10 s (scripts/bench, 19 of 20 up).
wire::Result<ProgramRun> spawn_nft(const std::string& nft_path, const std::vector<std::string>& args,
                                   const std::string& input) {
  std::string nft = nft_path;
  if (nft.empty()) {
    auto found = find_nft();
    if (!found) return found.error();
    nft = *found;
  }
  return run_program(nft, args, input, std::chrono::seconds(30));
}

std::string failure(const ProgramRun& r) {
  const std::string line = program_said(r);
  if (!line.empty()) return "nft: " + line;
  return r.signal != 0 ? "nft was killed by signal " + std::to_string(r.signal)
                       : "nft exited with status " + std::to_string(r.status);
}

}  // namespace

std::string tunnel_table_name(std::string_view ifname) { return "pptpctl-" + std::string(ifname); }

std::string tunnel_table_ruleset(const TunnelTable& g) {
  const std::string table = "ip " + tunnel_table_name(g.ifname);
  std::string out;
  // Declaring the table first makes the delete succeed when there is none:
  // a table left by a crash is replaced, all in one transaction.
  out += "table " + table + "\n";
  out += "delete table " + table + "\n";
  out += "table " + table + " {\n";
  if (g.guard) {
    out += "  set negotiating {\n    type ipv4_addr;\n";
    if (g.negotiating) out += "    elements = { " + wire::to_string(g.server) + " }\n";
    out += "  }\n";
    // Input, not prerouting: ip_local_deliver() reassembles fragments before
    // the input hook, so a frame split to hide its PPP protocol in a later
    // fragment is matched whole. Priority raw (-300): before other filters.
    out += "  chain input {\n";
    out += "    type filter hook input priority raw; policy accept;\n";
    out += "    ip saddr " + wire::to_string(g.server) + " ip protocol gre " + bits(kProtocolType, 16) + " 0x880b " +
           bits(kCallId, 16) + " " + wire::hex16(g.call_id) + " jump call\n";
    out += "  }\n";
    out += "  chain call {\n";
    // Without a sequence number pptp.c passes nothing to PPP (an ack only).
    out += "    " + bits(kSeqBit, 1) + " 0 accept\n";
    for (bool ack : {false, true})
      for (bool address_control : {true, false}) accept_rules(out, ack, address_control);
    // Everything else: a clear-text network-layer frame (IPv4 0x0021 and the
    // like), or too short to hold a PPP protocol.
    out += "    counter drop comment \"clear-text frame injected into the tunnel\"\n";
    out += "  }\n";
  }
  if (g.clamp_mss != 0) {
    // SYN and SYN-ACK (SYN set, RST clear), whichever way they cross the
    // tunnel: prerouting sees what arrives (for us or for a LAN we route),
    // postrouting what leaves (ours or routed). Only ever lowered: an MSS
    // already small enough is left as the sender chose it.
    const std::string mss = std::to_string(g.clamp_mss);
    const std::string syn = "tcp flags & (syn | rst) == syn tcp option maxseg size > " + mss +
                            " tcp option maxseg size set " + mss;
    const std::string dev = "\"" + g.ifname + "\"";
    out += "  chain mss_in {\n";
    out += "    type filter hook prerouting priority mangle; policy accept;\n";
    out += "    iifname " + dev + " " + syn + " comment \"TCP MSS clamped to the tunnel's MTU\"\n";
    out += "  }\n";
    out += "  chain mss_out {\n";
    out += "    type filter hook postrouting priority mangle; policy accept;\n";
    out += "    oifname " + dev + " " + syn + " comment \"TCP MSS clamped to the tunnel's MTU\"\n";
    out += "  }\n";
  }
  out += "}\n";
  return out;
}

wire::Result<wire::Unit> close_negotiation(const TunnelTable& g) {
  if (!g.guard || !g.negotiating) return wire::Unit{};
  return nft_delete_ipv4_element(tunnel_table_name(g.ifname), "negotiating", g.server);
}

wire::Result<std::string> find_nft() {
  if (auto nft = find_program("nft")) return *nft;
  return wire::Error::fatal("nft (nftables) is not installed (looked in $PATH, /usr/sbin and /sbin)");
}

wire::Result<wire::Unit> run_nft(const std::string& script, const std::string& nft) {
  auto r = spawn_nft(nft, {"-f", "-"}, script);
  if (!r) return r.error();
  if (r->status != 0) return wire::Error::fatal(failure(*r));
  return wire::Unit{};
}

wire::Result<std::string> install_tunnel_table(const TunnelTable& g, const std::string& nft) {
  const std::string table = tunnel_table_name(g.ifname);
  auto r = run_nft(tunnel_table_ruleset(g), nft);
  if (!r) return wire::Error::fatal("cannot install the nftables table " + table + ": " + r.error().reason);
  std::string line = "nftables table ip " + table + " (";
  if (g.guard) {
    line += "drops clear-text frames from " + wire::to_string(g.server) + " to call " + wire::hex16(g.call_id) +
            ": nothing can be injected past MPPE";
  }
  if (g.clamp_mss != 0) {
    if (g.guard) line += "; ";
    line += "clamps TCP MSS to " + std::to_string(g.clamp_mss) + " both ways";
  }
  return line + ")";
}

wire::Result<Removed> remove_tunnel_table(const std::string& table, const std::string& nft) {
  auto r = spawn_nft(nft, {"delete", "table", "ip", table}, {});
  if (!r) return r.error();
  if (r->status == 0) return Removed::Removed;
  // Not there any more (someone deleted it, or a reboot did), or a real
  // failure: ask whether it exists rather than read the message.
  auto listed = spawn_nft(nft, {"list", "table", "ip", table}, {});
  if (listed && listed->status != 0) return Removed::AlreadyGone;
  return wire::Error::fatal("cannot remove the nftables table " + table + ": " + failure(*r));
}

wire::Result<std::uint64_t> inject_guard_dropped(const std::string& table, const std::string& nft) {
  auto r = spawn_nft(nft, {"list", "table", "ip", table}, {});
  if (!r) return r.error();
  if (r->status != 0) return wire::Error::fatal("cannot read the nftables table " + table + ": " + failure(*r));
  const std::string key = "counter packets ";
  const auto at = r->out.find(key);
  if (at == std::string::npos) return wire::Error::fatal("the nftables table " + table + " has no counter");
  return std::strtoull(r->out.c_str() + at + key.size(), nullptr, 10);
}

}  // namespace netlink
