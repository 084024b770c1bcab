#include "daemon/mtu_check.hpp"

#include <array>

#include "daemon/random.hpp"
#include "pptp/icmp_echo.hpp"

namespace pptpctl {

MtuCheck::MtuCheck(kernel::IcmpSocket socket, const wire::Ipv4& peer, unsigned mtu, Progress& progress, Done done)
    : socket_(std::move(socket)),
      peer_(peer),
      probe_(mtu),
      progress_(&progress),
      done_(std::move(done)),
      // Our echoes among whatever else pings the peer on this host.
      id_(random_value<std::uint16_t>()) {}

std::optional<MtuCheck> MtuCheck::start(const std::string& ifname, const wire::Ipv4& peer, unsigned mtu,
                                        Progress& progress, Done done, TimePoint now) {
  auto socket = kernel::IcmpSocket::open(ifname);
  if (!socket) {
    progress.info("no black-hole check of mtu " + std::to_string(mtu) + ": " + socket.error().reason);
    return std::nullopt;
  }
  std::optional<MtuCheck> check(MtuCheck(std::move(*socket), peer, mtu, progress, std::move(done)));
  progress.debug("black-hole check: is mtu " + std::to_string(mtu) + " carried to " + wire::to_string(peer) + "?");
  check->apply(check->probe_.start(now));
  return check;
}

void MtuCheck::apply(pptp::MtuProbe::Output out) {
  for (const auto& s : out.send) {
    const auto echo = pptp::echo_request(id_, s.seq, s.size);
    // A send that fails (a full queue) counts as a probe lost: the machine
    // retries, and only a size that never passes lowers the MTU.
    if (auto r = socket_.send(peer_, echo); !r) progress_->debug("black-hole check: " + r.error().reason);
    else progress_->debug("black-hole check: sent " + std::to_string(s.size) + " bytes, seq " + std::to_string(s.seq));
  }
  if (out.verdict && done_) {
    auto done = std::move(done_);
    done_ = nullptr;
    done(*out.verdict);
  }
}

void MtuCheck::read(TimePoint now) {
  std::array<std::uint8_t, 2048> buffer{};
  for (int i = 0; i < 64 && !probe_.done(); ++i) {
    auto r = socket_.receive(buffer);
    if (!r || !*r) return;
    if ((*r)->from != peer_) continue;
    if (auto seq = pptp::echo_reply_seq(wire::ByteView(buffer.data(), (*r)->size), id_)) {
      progress_->debug("black-hole check: answer to seq " + std::to_string(*seq));
      apply(probe_.answered(*seq, now));
    }
  }
}

void MtuCheck::watch(Poller& poller) {
  if (probe_.done()) return;
  poller.watch(socket_.fd(), POLLIN, [this](short) { read(Clock::now()); });
}

void MtuCheck::on_time(TimePoint now) {
  if (auto d = probe_.deadline(); d && *d <= now) apply(probe_.on_time(now));
}

}  // namespace pptpctl
