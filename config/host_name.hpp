#pragma once
// The host-name syntax profiles accept for "server" (addresses and networks
// are wire::parse_ipv4 and wire::parse_prefix).
#include <string_view>

namespace config {

// RFC 1123 host name: dot-separated labels of letters, digits, '-' (and '_',
// which resolvers accept in practice), no label starting or ending with '-',
// labels 1..63, 253 in all; one trailing dot allowed.
bool is_host_name(std::string_view text);

}  // namespace config
