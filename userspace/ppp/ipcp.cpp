#include "ppp/ipcp.hpp"

#include <algorithm>

namespace ppp {

namespace {

constexpr wire::Ipv4 kZero{};

std::optional<wire::Ipv4> read_address(const Option& o) {
  if (o.value.size() != 4) return std::nullopt;
  return wire::Ipv4{o.value[0], o.value[1], o.value[2], o.value[3]};
}

}  // namespace

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
  return wire::Unit{};
}

}  // namespace ppp
