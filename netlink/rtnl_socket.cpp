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
  std::string ext_ack;
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

int noop_cb(const nlmsghdr*, void*) { return MNL_CB_OK; }

// NLMSG_ERROR: an ACK (error 0) ends the exchange; an error ends it with
// errno set, after picking up the kernel's message from the extended ACK.
int error_cb(const nlmsghdr* nlh, void* data) {
  auto* ctx = static_cast<RunContext*>(data);
  if (mnl_nlmsg_get_payload_len(nlh) < sizeof(nlmsgerr)) {
    errno = EBADMSG;
    return MNL_CB_ERROR;
  }
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  if (err->error == 0) return MNL_CB_STOP;
  if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) != 0) {
    std::size_t offset = sizeof(nlmsgerr);
    // Uncapped, the whole request is echoed before the TLVs.
    if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0 && err->msg.nlmsg_len > sizeof(nlmsghdr)) {
      offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
    }
    for_each_attr(nlh, offset, [&](const nlattr* a) {
      if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0) {
        ctx->ext_ack = mnl_attr_get_str(a);
      }
      return true;
    });
  }
  errno = err->error < 0 ? -err->error : EPROTO;
  return MNL_CB_ERROR;
}

// NLMSG_DONE ends a dump; it carries a negative errno if the dump failed.
int done_cb(const nlmsghdr* nlh, void*) {
  if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
    int v = 0;
    std::memcpy(&v, mnl_nlmsg_get_payload(nlh), sizeof v);
    if (v < 0) {
      errno = -v;
      return MNL_CB_ERROR;
    }
  }
  return MNL_CB_STOP;
}

int overrun_cb(const nlmsghdr*, void*) {
  errno = ENOSPC;
  return MNL_CB_ERROR;
}

}  // namespace

bool for_each_attr(const nlmsghdr* nlh, std::size_t offset, const std::function<bool(const nlattr*)>& fn) {
  if (mnl_nlmsg_get_payload_len(nlh) < offset) return false;
  return mnl_attr_parse(nlh, static_cast<unsigned>(offset), attr_cb, const_cast<void*>(static_cast<const void*>(&fn))) ==
         MNL_CB_OK;
}

void RtnlSocket::Closer::operator()(mnl_socket* s) const { mnl_socket_close(s); }

std::string errno_text(int err) { return std::strerror(err); }

std::string RtnlSocket::reason(int err) const {
  std::string s = errno_text(err);
  if (!ext_ack_.empty()) s += " (" + ext_ack_ + ")";
  return s;
}

wire::Result<RtnlSocket> RtnlSocket::open() {
  RtnlSocket s;
  s.sock_.reset(mnl_socket_open(NETLINK_ROUTE));
  if (!s.sock_) {
    return wire::Error::fatal("cannot open a routing netlink socket: " + errno_text(errno));
  }
  if (mnl_socket_bind(s.sock_.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return wire::Error::fatal("cannot bind a routing netlink socket: " + errno_text(errno));
  }
  // Best effort: kernels without extended ACKs still give the errno.
  int on = 1;
  mnl_socket_setsockopt(s.sock_.get(), NETLINK_EXT_ACK, &on, sizeof on);
  mnl_socket_setsockopt(s.sock_.get(), NETLINK_CAP_ACK, &on, sizeof on);
  s.portid_ = mnl_socket_get_portid(s.sock_.get());
  s.seq_ = static_cast<std::uint32_t>(std::time(nullptr));
  s.buf_.reset(new char[kBufferSize]);
  return s;
}

nlmsghdr* RtnlSocket::start(std::uint16_t type, std::uint16_t flags, std::size_t extra) {
  // Requests are built within libmnl's message size; zeroing only that
  // much keeps the rest of the buffer untouched until a reply needs it.
  std::memset(buf_.get(), 0, MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf_.get());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  nlh->nlmsg_seq = ++seq_;
  mnl_nlmsg_put_extra_header(nlh, extra);
  return nlh;
}

int RtnlSocket::transact(const OnMessage& on_message) {
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(buf_.get());
  const std::uint32_t seq = nlh->nlmsg_seq;
  if (mnl_socket_sendto(sock_.get(), buf_.get(), nlh->nlmsg_len) < 0) return errno;

  ext_ack_.clear();
  mnl_cb_t ctl[NLMSG_MIN_TYPE] = {};
  ctl[NLMSG_NOOP] = noop_cb;
  ctl[NLMSG_ERROR] = error_cb;
  ctl[NLMSG_DONE] = done_cb;
  ctl[NLMSG_OVERRUN] = overrun_cb;
  RunContext ctx{&on_message, false, {}};
  for (;;) {
    const ssize_t n = mnl_socket_recvfrom(sock_.get(), buf_.get(), kBufferSize);
    if (n < 0) return errno;
    errno = 0;
    const int ret =
        mnl_cb_run2(buf_.get(), static_cast<std::size_t>(n), seq, portid_, data_cb, &ctx, ctl, NLMSG_MIN_TYPE);
    if (ctx.rejected) return EBADMSG;
    if (ret == MNL_CB_ERROR) {
      ext_ack_ = std::move(ctx.ext_ack);
      return errno != 0 ? errno : EPROTO;
    }
    if (ret == MNL_CB_STOP) return 0;
  }
}

}  // namespace netlink
