#pragma once
// /dev/ppp, twice: a channel fd attached to the PPTP socket's channel (LCP and
// authentication flow there), and a unit fd that owns the network interface
// (NCPs, CCP, and every knob of the data path). The unit lives exactly as
// long as its fd.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kernel/frame_io.hpp"
#include "kernel/mppe_option.hpp"
#include "wire/fd.hpp"
#include "wire/result.hpp"

namespace kernel {

class PppUnit;

class PppChannel {
 public:
  PppChannel() = default;  // holds nothing
  // Opens /dev/ppp (non-blocking) and attaches it to channel `index`
  // (PptpSocket::channel_index()).
  static wire::Result<PppChannel> attach(int index);

  // PPPIOCCONNECT: frames below 0xC000 now flow through the unit.
  wire::Result<wire::Unit> connect_to(const PppUnit& unit);

  wire::Result<FrameRead> read(std::span<std::uint8_t> buffer) { return read_frame(fd_.get(), buffer); }
  wire::Result<WriteStatus> write(wire::ByteView frame) { return write_frame(fd_.get(), frame); }

  int fd() const { return fd_.get(); }
  void close() { fd_.reset(); }

 private:
  explicit PppChannel(wire::Fd fd) : fd_(std::move(fd)) {}
  wire::Fd fd_;
};

// What the unit does with one network protocol's packets.
enum class NpMode { Pass, Drop, Error, Queue };

inline constexpr int kMinUnitMru = 1500;
inline constexpr std::uint16_t kProtocolIp = 0x0021;

class PppUnit {
 public:
  PppUnit() = default;  // holds nothing
  // Opens /dev/ppp (non-blocking) and creates a new unit (PPPIOCNEWUNIT -1).
  // Its interface "pppN" exists from here on, down. Every network protocol
  // starts at PASS: the caller drops IP and IPv6 itself.
  static wire::Result<PppUnit> create();

  int unit() const { return unit_; }
  const std::string& interface_name() const { return name_; }
  unsigned interface_index() const { return index_; }

  // Renames the interface while it is still down (SIOCSIFNAME).
  wire::Result<wire::Unit> rename(std::string_view name);

  // The MRU is raised to kMinUnitMru if lower: the kernel's MPPE decrypt
  // buffer is MRU + 5, and a short one drops full-sized packets. What the
  // peer may send is LCP's business, not this buffer's.
  wire::Result<wire::Unit> set_mru(int mru);

  // Keep IP at Drop until MPPE is up in both directions: the kernel would
  // otherwise send and accept IP in the clear.
  wire::Result<wire::Unit> set_np_mode(std::uint16_t protocol, NpMode mode);

  // PPPIOCGFLAGS as reported (flags | compressor state).
  wire::Result<std::uint32_t> flags() const;
  // Read-modify-write; see ppp_flags.hpp for the masking.
  wire::Result<wire::Unit> update_flags(std::uint32_t set, std::uint32_t clear);
  // SC_CCP_OPEN before the keys and the CCP exchange; SC_CCP_UP after it.
  // Closing CCP frees both MPPE states.
  wire::Result<wire::Unit> open_ccp();
  wire::Result<wire::Unit> ccp_up();
  wire::Result<wire::Unit> close_ccp();
  // SC_DC_FERROR: the decompressor has given up until CCP restarts.
  wire::Result<bool> decrypt_failed_fatally() const;

  // Time since the last data frame either way (PPPIOCGIDLE: the smaller of
  // the transmit and receive idle times, whole seconds). The kernel counts
  // only network-protocol frames there (protocol < 0x8000, before MPPE), so
  // LCP echoes and CCP resets do not keep an idle link alive: this is "no
  // user traffic" for idle_timeout_s.
  wire::Result<std::chrono::seconds> idle() const;

  // PPPIOCSCOMPRESS for one direction: Receive with our receive start key,
  // Transmit with our send start key. The kernel starts using it when it sees
  // the CCP ConfAck go by on this fd.
  wire::Result<wire::Unit> install_mppe_key(Direction direction, const MppeParams& params);

  wire::Result<FrameRead> read(std::span<std::uint8_t> buffer) { return read_frame(fd_.get(), buffer); }
  wire::Result<WriteStatus> write(wire::ByteView frame) { return write_frame(fd_.get(), frame); }

  int fd() const { return fd_.get(); }
  // Removes the interface.
  void close() { fd_.reset(); }

 private:
  explicit PppUnit(wire::Fd fd) : fd_(std::move(fd)) {}
  wire::Fd fd_;
  int unit_ = -1;
  unsigned index_ = 0;
  std::string name_;
  bool must_comp_ = false;
};

}  // namespace kernel
