#include "kernel/link.hpp"

namespace kernel {

wire::Result<KernelLink> KernelLink::establish(PptpSocket socket, std::uint16_t peer_call_id, in_addr server,
                                               const LinkSettings& settings) {
  KernelLink link;  // its destructor undoes a half-built link in the right order
  link.socket_ = std::move(socket);
  if (auto r = link.socket_.connect(peer_call_id, server); !r) return r.error();
  auto index = link.socket_.channel_index();
  if (!index) return index.error();
  auto channel = PppChannel::attach(*index);
  if (!channel) return channel.error();
  link.channel_ = std::move(*channel);
  auto unit = PppUnit::create();
  if (!unit) return unit.error();
  link.unit_ = std::move(*unit);
  if (auto r = link.channel_.connect_to(link.unit_); !r) return r.error();
  if (!settings.interface_name.empty()) {
    if (auto r = link.unit_.rename(settings.interface_name); !r) return r.error();
  }
  if (auto r = link.unit_.set_mru(settings.mru); !r) return r.error();
  if (auto r = link.unit_.set_np_mode(kProtocolIp, NpMode::Drop); !r) return r.error();
  return link;
}

}  // namespace kernel
