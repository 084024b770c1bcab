#include "netlink/nft_element.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

namespace netlink {

namespace {

struct SocketCloser {
  void operator()(mnl_socket* s) const { mnl_socket_close(s); }
};

// The nfgenmsg every nfnetlink message starts with (RFC-less: the kernel's
// include/uapi/linux/netfilter/nfnetlink.h).
void put_nfgen(nlmsghdr* nlh, std::uint8_t family, std::uint16_t res_id) {
  auto* g = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
  g->nfgen_family = family;
  g->version = NFNETLINK_V0;
  g->res_id = htons(res_id);
}

}  // namespace

wire::Result<wire::Unit> nft_delete_ipv4_element(const std::string& table, const std::string& set,
                                                 const wire::Ipv4& addr) {
  const std::string what = "cannot take " + wire::to_string(addr) + " out of nftables set " + set + " of " + table;
  std::unique_ptr<mnl_socket, SocketCloser> sock(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC));
  if (!sock) return wire::Error::fatal(what + ": " + std::strerror(errno));
  if (mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) return wire::Error::fatal(what + ": " + std::strerror(errno));
  const unsigned portid = mnl_socket_get_portid(sock.get());

  // nf_tables changes travel in a batch: begin, the change, end.
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  auto seq = static_cast<std::uint32_t>(std::time(nullptr));
  mnl_nlmsg_batch* batch = mnl_nlmsg_batch_start(buf.data(), buf.size());
  const std::uint32_t change_seq = seq + 1;

  nlmsghdr* nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(batch));
  nlh->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = seq;
  put_nfgen(nlh, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
  mnl_nlmsg_batch_next(batch);

  nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(batch));
  nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_DELSETELEM;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = change_seq;
  put_nfgen(nlh, NFPROTO_IPV4, 0);
  mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table.c_str());
  mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set.c_str());
  nlattr* elements = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
  nlattr* element = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
  nlattr* key = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
  mnl_attr_put(nlh, NFTA_DATA_VALUE, 4, addr.data());  // network order, as ip saddr
  mnl_attr_nest_end(nlh, key);
  mnl_attr_nest_end(nlh, element);
  mnl_attr_nest_end(nlh, elements);
  mnl_nlmsg_batch_next(batch);

  nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(batch));
  nlh->nlmsg_type = NFNL_MSG_BATCH_END;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = seq + 2;
  put_nfgen(nlh, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
  mnl_nlmsg_batch_next(batch);

  const auto size = mnl_nlmsg_batch_size(batch);
  const bool sent = mnl_socket_sendto(sock.get(), mnl_nlmsg_batch_head(batch), size) >= 0;
  mnl_nlmsg_batch_stop(batch);
  if (!sent) return wire::Error::fatal(what + ": " + std::strerror(errno));

  // The one ACK (or error) for the change.
  std::vector<char> reply(MNL_SOCKET_BUFFER_SIZE);
  const ssize_t n = mnl_socket_recvfrom(sock.get(), reply.data(), reply.size());
  if (n < 0) return wire::Error::fatal(what + ": " + std::strerror(errno));
  const int rc = mnl_cb_run(reply.data(), static_cast<size_t>(n), change_seq, portid, nullptr, nullptr);
  if (rc < 0 && errno != ENOENT) return wire::Error::fatal(what + ": " + std::strerror(errno));
  return wire::Unit{};
}

}  // namespace netlink
