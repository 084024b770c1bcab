#pragma once
// ICMP echo (RFC 792) for the black-hole check after up: the request as a
// raw IPPROTO_ICMP socket sends it (the kernel adds the IP header), and the
// reply as the socket receives it (IP header included). Pure and
// bounds-checked: replies come from the network.
#include <cstdint>
#include <optional>

#include "wire/bytes.hpp"

namespace pptp {

inline constexpr unsigned kIpv4HeaderMin = 20;  // RFC 791 §3.1, no options
inline constexpr unsigned kIcmpEchoHeader = 8;  // type, code, checksum, id, seq (RFC 792)

// An echo request of `ip_size` bytes in all once the kernel has put a
// 20-byte IP header in front (at least 28). The data is a fixed pattern.
wire::Bytes echo_request(std::uint16_t id, std::uint16_t seq, unsigned ip_size);

// The sequence number of an echo reply (type 0, code 0) to `id`, from an
// IPv4 packet as a raw socket hands it over; nullopt for anything else,
// including truncated or inconsistent headers and a bad ICMP checksum.
std::optional<std::uint16_t> echo_reply_seq(wire::ByteView packet, std::uint16_t id);

// The Internet checksum (RFC 1071) of `data`.
std::uint16_t internet_checksum(wire::ByteView data);

}  // namespace pptp
