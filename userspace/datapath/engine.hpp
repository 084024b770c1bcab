#pragma once
// The userspace data path, sans-IO: what the kernel's pptp, ppp_generic and
// ppp_mppe modules do, for kernels that have none of them. Bytes and time
// in; GRE packets for the raw socket, PPP control frames for the session and
// IP packets for the TUN device out. The daemon's thin layer owns the
// sockets (userspace/kernel/tun.*, gre_socket.*) and calls this.
//
// Zero-copy where it counts:
// - Outbound, the caller reads an IP packet from TUN at offset kHeadroom of
//   its buffer; the engine encrypts it in place and writes GRE, PPP and MPPE
//   headers into the headroom, and returns the span of the finished GRE
//   packet (the kernel adds the outer IPv4 header: the socket is
//   SOCK_RAW/IPPROTO_GRE without IP_HDRINCL).
// - Inbound, the caller hands the datagram the raw socket returned (IPv4
//   header included); an in-order packet is decrypted in place and its IP
//   payload returned as a span into the same buffer. Only packets that come
//   early are copied, into the reorder window.
//
// Rules that carry the project's guarantees (see docs/security.md):
// - IP leaves only when ip_pass is on and, if MPPE is required, MPPE runs in
//   the transmit direction; otherwise it is dropped and counted.
// - Inbound IP is delivered only when ip_pass is on and, if MPPE is required
//   or runs in the receive direction, it arrived encrypted; clear network-layer frames are dropped and counted
//   (the kernel accepts them: kernel-facts "Security traps").
// - Frames the session writes: only protocols 0x0021-0x00FA are encrypted
//   once MPPE transmit runs (RFC 3078 §3, and ppp_mppe's own check); LCP,
//   authentication, CCP and NCPs such as IPCP keep their protocol, in clear.
//   Outbound CCP Reset-Ack is peeked (ppp_ccp_peek) and makes the next
//   packet FLUSHED, as ppp_mppe's comp_reset does.
// - A CCP Configure-Request, Terminate-Request or Terminate-Ack, in either
//   direction, while MPPE runs: the kernel would turn encryption off and carry
//   IP in clear (ppp_ccp_peek). We stop MPPE and all network traffic both
//   ways instead; the session decides, and only mppe_up() starts them again.
// - Inbound PPP may carry FF 03 and a one-byte protocol (ACFC/PFC); both are
//   accepted. We send FF 03 on every frame and never compress the protocol,
//   as pptp.c does when ACFC is not negotiated (we never ask for it); LCP
//   must carry FF 03 in any case (RFC 1661 §6.6).
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wire/bytes.hpp"

namespace datapath {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Key16 = std::array<std::uint8_t, 16>;
using MutableBytes = std::span<std::uint8_t>;

// GRE (16 with seq and ack, RFC 2637 §4.1) + address and control FF 03 (2)
// + PPP protocol 0x00FD (2) + MPPE header (2) + the encrypted protocol field
// (2): what the engine writes in front of an IP packet.
inline constexpr std::size_t kHeadroom = 24;
// Largest datagram the engine accepts or builds (outer IPv4 included).
inline constexpr std::size_t kMaxDatagram = 2048;
// Output spans into the engine's own storage stay valid for this many further
// calls on the engine, so a caller may gather a batch (recvmmsg, a session's
// frames) into one Output before writing it out.
inline constexpr std::size_t kOutputCalls = 32;

struct MppeSetup {
  unsigned key_bits = 128;  // 128, 56 or 40
  bool tx_stateless = true;  // RFC 3078 §7.3 H bit, as negotiated per direction
  bool rx_stateless = true;
  Key16 send_start{};       // RFC 3079 start keys, as ppp::auth::MppeKeys
  Key16 recv_start{};
  bool tx = true;           // which directions were negotiated
  bool rx = true;
};

struct Config {
  std::uint16_t peer_call_id = 0;  // goes in every GRE header we send
  std::uint16_t our_call_id = 0;   // packets for any other call are dropped
  bool mppe_required = true;       // profile mppe.required
  // Receive window (RFC 2637 §4.3 leaves reordering to the receiver): hold an
  // early packet at most this long, and at most this many.
  std::size_t reorder_packets = 64;
  Clock::duration reorder_wait = std::chrono::milliseconds(50);
  // A stand-alone acknowledgement when nothing carried one this long after
  // a packet arrived (RFC 2637 §4.4).
  Clock::duration ack_delay = std::chrono::milliseconds(100);
};

struct Counters {
  std::uint64_t tx_packets = 0, tx_bytes = 0;  // IP handed to GRE
  std::uint64_t rx_packets = 0, rx_bytes = 0;  // IP handed to TUN
  std::uint64_t rx_reordered = 0;   // arrived early, delivered in order later
  std::uint64_t rx_late = 0;        // arrived after its place was given up
  std::uint64_t rx_lost = 0;        // sequence numbers never seen (gaps skipped)
  std::uint64_t rx_duplicate = 0;
  std::uint64_t rx_bad = 0;         // malformed GRE, wrong call, undecryptable
  std::uint64_t rx_clear_dropped = 0;  // clear network-layer frames refused
  std::uint64_t rx_dropped = 0;     // encrypted IP refused: ip_pass off or MPPE stopped
  std::uint64_t tx_dropped = 0;     // IP refused before MPPE / ip_pass
  std::uint64_t acks_sent = 0;      // stand-alone ack packets
};

// What one call produced. Spans point into the caller's buffer or into the
// engine's own storage (valid for kOutputCalls further calls).
struct Output {
  std::vector<wire::ByteView> gre;      // packets for the raw socket, in order
  std::vector<wire::ByteView> ip;       // packets for TUN, in order
  std::vector<wire::Bytes> control;     // PPP frames for ppp::Session::receive
                                        // ([proto_hi][proto_lo][payload]; 0x00FD
                                        // means "could not decrypt", as the
                                        // kernel's unit fd reports it)
  std::vector<std::string> notes;       // for --debug
  void clear() { gre.clear(); ip.clear(); control.clear(); notes.clear(); }
};

class Engine {
 public:
  explicit Engine(Config config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Keys are installed when the network phase starts (as PPPIOCSCOMPRESS is);
  // encryption starts per direction when CCP reaches Opened: mppe_up(), which
  // (re)starts both negotiated directions from the start keys, as comp_init /
  // decomp_init do. set_mppe() stops whatever ran. Call mppe_up() before
  // sending the frames of the session output that reported MppeUp.
  void set_mppe(const MppeSetup& setup);
  void mppe_up();
  bool mppe_tx_running() const;
  bool mppe_rx_running() const;
  void set_ip_pass(bool pass);  // PPPIOCSNPMODE(PPP_IP) PASS/DROP

  // A frame from the session ([proto_hi][proto_lo][payload]).
  void send_control(wire::ByteView frame, TimePoint now, Output& out);
  // An IP packet at buffer[kHeadroom, kHeadroom + length).
  void send_ip(MutableBytes buffer, std::size_t length, TimePoint now, Output& out);
  // One datagram from the raw GRE socket (IPv4 header first), decrypted in
  // place when it is the next one in order.
  void receive(MutableBytes datagram, TimePoint now, Output& out);

  std::optional<TimePoint> deadline() const;
  void on_time(TimePoint now, Output& out);

  const Counters& counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace datapath
