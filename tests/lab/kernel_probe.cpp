// Drives the kernel hand-off without a PPTP server, for tests/lab/kernel-handoff.sh.
//
//   kernel_probe modules
//       "modules: ok", or one "missing: SENTENCE" line per piece the kernel
//       lacks, found by probing (probe_kernel_support).
//   kernel_probe handoff NAME LOCAL_IP SERVER_IP PEER_CALL_ID
//       Builds the whole link, prints "up ...", waits for a line (or EOF) on
//       stdin, tears down in order and prints "down". Any failure prints
//       "FAIL: SENTENCE" and exits 1.
//   kernel_probe bind LOCAL_IP CALL_ID...
//       Binds one PPTP socket to each call ID at once (so the kernel's table
//       is asked about every one), prints "free ID" or "busy ID: SENTENCE"
//       per ID, then closes them all. Exits 0 only if every ID was free: a
//       call ID the kernel never freed stays busy for good.
#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "kernel/ifname.hpp"
#include "kernel/link.hpp"
#include "kernel/modules.hpp"
#include "kernel/ppp_flags.hpp"
#include "kernel/sys_error.hpp"
#include "wire/hex.hpp"

namespace {

[[noreturn]] void fail(const std::string& sentence) {
  std::cout << "FAIL: " << sentence << std::endl;
  std::exit(1);
}

template <typename T>
T must(wire::Result<T> r) {
  if (!r) fail(r.error().reason);
  return std::move(*r);
}

in_addr parse_ip(const char* text) {
  in_addr a{};
  if (inet_pton(AF_INET, text, &a) != 1) fail(std::string("not an IPv4 address: ") + text);
  return a;
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

int modules() {
  auto gaps = kernel::probe_kernel_support();
  if (gaps.empty()) std::cout << "modules: ok" << std::endl;
  for (const auto& g : gaps) std::cout << "missing: " << g.sentence << std::endl;
  return gaps.empty() ? 0 : 1;
}

// A CCP Configure-Ack for 128-bit stateless MPPE, as we would send it to the
// peer: seeing it go out is what makes the kernel start our transmit side.
constexpr std::uint8_t kCcpConfAck[] = {0x80, 0xFD, 0x02, 0x01, 0x00, 0x0A, 0x12, 0x06, 0x01, 0x00, 0x00, 0x40};
constexpr std::uint32_t kCompRun = 0x1000;  // SC_COMP_RUN

int handoff(const std::string& name, in_addr local, in_addr server, std::uint16_t peer_call_id) {
  auto socket = must(kernel::PptpSocket::open());
  auto call_id = must(socket.bind(0, local));
  std::cout << "bound call_id=" << wire::hex16(call_id) << std::endl;

  // The same call ID again must be refused, in words.
  {
    auto second = must(kernel::PptpSocket::open());
    auto r = second.bind(call_id, local);
    if (r) fail("a second socket could bind call ID " + wire::hex16(call_id));
    std::cout << "busy: " << r.error().reason << std::endl;
  }

  kernel::LinkSettings settings;
  settings.interface_name = name;
  settings.mru = 1400;  // must come out as 1500: see PppUnit::set_mru
  auto link = must(kernel::KernelLink::establish(std::move(socket), peer_call_id, server, settings));
  int channel = must(link.socket().channel_index());

  // Same peer call at the same server, from another socket: EALREADY.
  {
    auto other = must(kernel::PptpSocket::open());
    must(other.bind(0, local));
    auto r = other.connect(peer_call_id, server);
    if (r) fail("a second socket could connect to the same peer call");
    std::cout << "already: " << r.error().reason << std::endl;
  }

  auto& unit = link.unit();
  must(unit.set_np_mode(kernel::kProtocolIp, kernel::NpMode::Drop));
  must(unit.open_ccp());
  kernel::MppeParams params;
  for (std::size_t i = 0; i < params.start_key.size(); ++i) params.start_key[i] = static_cast<std::uint8_t>(0xA0 + i);
  must(unit.install_mppe_key(kernel::Direction::Receive, params));
  for (auto& b : params.start_key) b = static_cast<std::uint8_t>(b ^ 0x5A);
  must(unit.install_mppe_key(kernel::Direction::Transmit, params));

  auto written = must(unit.write(kCcpConfAck));
  if (written != kernel::WriteStatus::Written) fail("the unit fd would not take a CCP Configure-Ack");
  auto flags = must(unit.flags());
  if (!(flags & kCompRun))
    fail("the kernel did not start MPPE transmit after our CCP Configure-Ack (flags " + hex(flags) + ")");
  must(unit.ccp_up());
  flags = must(unit.flags());
  if ((flags & (kernel::kFlagCcpOpen | kernel::kFlagCcpUp)) != (kernel::kFlagCcpOpen | kernel::kFlagCcpUp))
    fail("CCP_OPEN|CCP_UP did not stick (flags " + hex(flags) + ")");
  if (must(unit.decrypt_failed_fatally())) fail("the unit reports a fatal decrypt error");

  // Nothing has arrived, so a read says so instead of blocking.
  std::uint8_t buf[kernel::kFrameBufferSize];
  auto read = must(link.channel().read(buf));
  if (read.status != kernel::ReadStatus::WouldBlock) fail("the channel fd did not report an empty queue");

  std::cout << "up ifname=" << unit.interface_name() << " ifindex=" << unit.interface_index()
            << " unit=" << unit.unit() << " channel=" << channel << " flags=" << hex(flags) << std::endl;

  std::string line;
  std::getline(std::cin, line);
  link.close();
  std::cout << "down" << std::endl;
  return 0;
}

int bind_ids(in_addr local, char** ids, int count) {
  std::vector<kernel::PptpSocket> held;
  int busy = 0;
  for (int i = 0; i < count; ++i) {
    unsigned long id = std::strtoul(ids[i], nullptr, 0);
    if (id == 0 || id > 0xFFFF) fail(std::string("not a call ID: ") + ids[i]);
    auto socket = must(kernel::PptpSocket::open());
    auto r = socket.bind(static_cast<std::uint16_t>(id), local);
    if (r) {
      std::cout << "free " << wire::hex16(*r) << "\n";
      held.push_back(std::move(socket));
    } else {
      std::cout << "busy " << wire::hex16(static_cast<std::uint16_t>(id)) << ": " << r.error().reason << "\n";
      ++busy;
    }
  }
  std::cout.flush();
  return busy == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "modules" && argc == 2) return modules();
  if (cmd == "handoff" && argc == 6) {
    auto problem = kernel::interface_name_problem(argv[2]);
    if (!problem.empty()) fail(problem);
    unsigned long peer = std::strtoul(argv[5], nullptr, 0);
    if (peer > 0xFFFF) fail(std::string("not a call ID: ") + argv[5]);
    return handoff(argv[2], parse_ip(argv[3]), parse_ip(argv[4]), static_cast<std::uint16_t>(peer));
  }
  if (cmd == "bind" && argc >= 4) return bind_ids(parse_ip(argv[2]), argv + 3, argc - 3);
  std::cerr << "usage: kernel_probe modules | handoff NAME LOCAL_IP SERVER_IP PEER_CALL_ID | bind LOCAL_IP CALL_ID...\n";
  return 2;
}
