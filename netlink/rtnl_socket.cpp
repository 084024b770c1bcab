#include "netlink/rtnl_socket.hpp"

#include <libmnl/libmnl.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace netlink {

namespace {

// Big enough for any single dump datagram the kernel builds (it caps them at
// 32 KiB); a smaller buffer would truncate a route dump.
constexpr std::size_t kBufferSize = 64 * 1024;

struct RunContext {
  const RtnlSocket::OnMessage* on_message;
  bool rejected = false;
};

int data_cb(const nlmsghdr* nlh, void* data) {
  auto* ctx = static_cast<RunContext*>(data);
  if (*ctx->on_message && !(*ctx->on_message)(nlh)) {
    ctx->rejected = true;
    return MNL_CB_ERROR;
  }
  return MNL_CB_OK;
}

int attr_cb(const nlattr* attr, void* data) {
  const auto* fn = static_cast<const std::function<bool(const nlattr*)>*>(data);
  return (*fn)(attr) ? MNL_CB_OK : MNL_CB_ERROR;
}

}  // namespace

bool for_each_attr(const nlmsghdr* nlh, std::size_t offset, const std::function<bool(const nlattr*)>& fn) {
  if (mnl_nlmsg_get_payload_len(nlh) < offset) return false;
  return mnl_attr_parse(nlh, static_cast<unsigned>(offset), attr_cb, const_cast<void*>(static_cast<const void*>(&fn))) ==
         MNL_CB_OK;
}

void RtnlSocket::Closer::operator()(mnl_socket* s) const { mnl_socket_close(s); }

std::string errno_text(int err) { return std::strerror(err); }

wire::Result<RtnlSocket> RtnlSocket::open() {
  RtnlSocket s;
  s.sock_.reset(mnl_socket_open(NETLINK_ROUTE));
  if (!s.sock_) {
    return wire::Error::fatal("cannot open a routing netlink socket: " + errno_text(errno));
  }
  if (mnl_socket_bind(s.sock_.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return wire::Error::fatal("cannot bind a routing netlink socket: " + errno_text(errno));
  }
  s.portid_ = mnl_socket_get_portid(s.sock_.get());
  s.seq_ = static_cast<std::uint32_t>(std::time(nullptr));
  s.buf_.resize(kBufferSize);
  return s;
}

nlmsghdr* RtnlSocket::start(std::uint16_t type, std::uint16_t flags, std::size_t extra) {
  std::memset(buf_.data(), 0, buf_.size());
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf_.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  nlh->nlmsg_seq = ++seq_;
  mnl_nlmsg_put_extra_header(nlh, extra);
  return nlh;
}

int RtnlSocket::transact(const OnMessage& on_message) {
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(buf_.data());
  const std::uint32_t seq = nlh->nlmsg_seq;
  if (mnl_socket_sendto(sock_.get(), buf_.data(), nlh->nlmsg_len) < 0) return errno;

  RunContext ctx{&on_message};
  for (;;) {
    const ssize_t n = mnl_socket_recvfrom(sock_.get(), buf_.data(), buf_.size());
    if (n < 0) return errno;
    const int ret = mnl_cb_run(buf_.data(), static_cast<std::size_t>(n), seq, portid_, data_cb, &ctx);
    if (ctx.rejected) return EBADMSG;
    if (ret == MNL_CB_ERROR) return errno != 0 ? errno : EPROTO;
    if (ret == MNL_CB_STOP) return 0;
  }
}

}  // namespace netlink
