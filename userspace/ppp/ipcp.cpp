#include "ppp/ipcp.hpp"

#include <algorithm>

namespace ppp {

namespace {

constexpr wire::Ipv4 kZero{};

std::optional<wire::Ipv4> read_address(const Option& o) {
  if (o.value.size() != 4) return std::nullopt;
  return wire::Ipv4{o.value[0], o.value[1], o.value[2], o.value[3]};
}

std::string option_name(std::uint8_t type) {
  switch (type) {
    case ipcp_option::PrimaryDns: return "primary DNS server";
    case ipcp_option::SecondaryDns: return "secondary DNS server";
    case ipcp_option::PrimaryNbns: return "primary WINS server";
    case ipcp_option::SecondaryNbns: return "secondary WINS server";
    default: return "option " + std::to_string(type);  // a wire byte, not our enum
  }
}

bool in(const wire::Ipv4& a, const wire::Ipv4Prefix& p) { return wire::covers(p, a); }

}  // namespace

std::optional<std::string> unusable_address(const wire::Ipv4& a, const std::optional<wire::Ipv4>& server) {
  // RFC 1122 §3.2.1.3: 0/8 ("this network") and 127/8 (loopback) are never
  // a host's address on the wire, nor the limited broadcast; RFC 5771:
  // 224/4 is multicast; RFC 1112 §4: 240/4 is reserved (class E).
  if (a == wire::Ipv4{255, 255, 255, 255}) return "the limited broadcast address (255.255.255.255)";
  if (in(a, {{0, 0, 0, 0}, 8})) return "an address of \"this network\" (0.0.0.0/8)";
  if (in(a, {{127, 0, 0, 0}, 8})) return "a loopback address (127.0.0.0/8)";
  if (in(a, {{224, 0, 0, 0}, 4})) return "a multicast address (224.0.0.0/4)";
  if (in(a, {{240, 0, 0, 0}, 4})) return "a reserved address (240.0.0.0/4)";
  // Ours or a DNS server's equal to the server's: its traffic would follow
  // the tunnel into itself, or the pin would take it out of the tunnel.
  if (server && a == *server) return "the PPTP server's own address";
  return std::nullopt;
}

Ipcp::Ipcp(IpcpConfig config) : config_(config), fsm_(proto::IPCP, "IPCP", *this, config_.limits) { reset(); }

Ipcp::Wish* Ipcp::wish(std::uint8_t type) {
  for (auto& w : wishes_)
    if (w.type == type) return &w;
  return nullptr;
}

void Ipcp::reset() {
  wishes_ = {{
      {ipcp_option::IpAddress, true, {}},
      {ipcp_option::PrimaryDns, config_.want_dns, {}},
      {ipcp_option::PrimaryNbns, config_.want_wins, {}},
      {ipcp_option::SecondaryDns, config_.want_dns, {}},
      {ipcp_option::SecondaryNbns, config_.want_wins, {}},
  }};
  // A server option once refused stays refused: its value will not improve.
  for (std::uint8_t type : refused_options_)
    if (auto* w = wish(type)) w->ask = false;
}

void Ipcp::write_request(wire::Writer& w) {
  for (const auto& wish : wishes_)
    if (wish.ask) write_option(w, wish.type, wish.value);
}

wire::Result<wire::Unit> Ipcp::review(std::span<const Option> options, bool, Review& review) {
  peer_address_ = {};
  for (const auto& o : options) {
    if (o.type != ipcp_option::IpAddress) {
      // VJ compression, the old IP-Addresses, and DNS/WINS (we serve none).
      review.reject(o);
      continue;
    }
    auto address = read_address(o);
    if (!address || *address == kZero) {
      // Malformed, or the server wants us to choose its address: we cannot.
      review.reject(o);
      continue;
    }
    // Only the route's peer: being the server is fine (the pin handles it),
    // an address no host can have is not, and there is nothing to Nak with.
    if (auto why = unusable_address(*address, std::nullopt)) {
      return wire::Error::fatal("IPCP: the server gave its own address as " + wire::to_string(*address) + ", " +
                                *why + ", which cannot be a tunnel's peer");
    }
    peer_address_ = *address;
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Ipcp::apply_nak(std::span<const Option> options) {
  for (const auto& o : options) {
    auto* w = wish(o.type);
    auto address = read_address(o);
    // Suggestions for what we did not ask, or of 0.0.0.0, teach us nothing.
    if (w == nullptr || !w->ask || !address || *address == kZero) continue;
    if (auto why = unusable_address(*address, config_.server)) {
      if (o.type == ipcp_option::IpAddress) {
        // Ask again with 0.0.0.0: a server with a sane pool may yet offer one.
        w->value = kZero;
        if (++bad_address_naks_ >= kMaxBadAddressNaks) {
          return wire::Error::fatal("IPCP: the server assigned us " + wire::to_string(*address) + ", " + *why +
                                    ", and offered nothing else after " + std::to_string(bad_address_naks_) +
                                    " requests");
        }
        continue;
      }
      // RFC 1877 §1: as if Rejected; the link works without it.
      w->ask = false;
      refused_options_.push_back(o.type);
      refused_.push_back("IPCP: not using " + wire::to_string(*address) + " as " + option_name(o.type) + ": it is " +
                         *why);
      continue;
    }
    w->value = *address;
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Ipcp::apply_reject(std::span<const Option> options) {
  for (const auto& o : options) {
    if (o.type == ipcp_option::IpAddress)
      return wire::Error::fatal("IPCP: the server refused to assign us an IP address");
    if (auto* w = wish(o.type)) w->ask = false;
  }
  return wire::Unit{};
}

wire::Result<wire::Unit> Ipcp::check_opened() {
  const auto& address = wishes_[0];
  if (address.value == kZero)
    return wire::Error::fatal("IPCP: the server acknowledged 0.0.0.0 and never assigned us an address");
  outcome_ = {};
  outcome_.local = address.value;
  outcome_.peer = peer_address_;
  auto take = [](const Wish& w) -> std::optional<wire::Ipv4> {
    if (!w.ask || w.value == kZero) return std::nullopt;
    return w.value;
  };
  outcome_.dns1 = take(wishes_[1]);
  outcome_.wins1 = take(wishes_[2]);
  outcome_.dns2 = take(wishes_[3]);
  outcome_.wins2 = take(wishes_[4]);
  outcome_.refused = refused_;
  return wire::Unit{};
}

}  // namespace ppp
