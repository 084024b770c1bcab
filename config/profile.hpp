#pragma once
// A connection profile: /etc/pptpctl/NAME.json (the directory can be moved
// with --config-dir DIR or PPTPCTL_CONFIG_DIR, see config_dir.hpp).
//
// Keys, with their defaults (the struct below carries the same defaults, so
// this list and the code cannot disagree silently: tests pin both):
//
//   "server":            required. IPv4 literal or host name, kept as text;
//                        resolving it is the daemon's job.
//   "username":          required. 1..255 bytes, no control characters;
//                        may be DOMAIN\\user.
//   "password_file":     path to a file holding the password, relative to
//                        the profile's directory or absolute. Mode 0600 (or
//                        stricter), owned by root or the invoking user, not
//                        a symlink, at most 1 KiB; one trailing newline is
//                        dropped. Preferred over "password".
//   "password":          the password inline, instead of "password_file";
//                        then the profile itself must be mode 0600. Exactly
//                        one of the two is required.
//   "auth":              ["mschap-v2"]. Non-empty, no duplicates, in order of
//                        preference; any of "mschap-v2", "mschap",
//                        "chap-md5", "pap".
//   "mppe":              {"required": true, "bits": [128], "stateful": false}.
//                        bits: non-empty subset of 40, 128 (56 is refused:
//                        Linux cannot run it). required
//                        false lets the link come up unencrypted. stateful
//                        true asks for stateful MPPE for what the server
//                        sends us, and accepts it if the server insists.
//   "routes":            []. IPv4 networks "a.b.c.d/len", len 0..32, host
//                        bits zero, sent through the tunnel.
//   "default_route":     false. Send all traffic through the tunnel.
//   "dns":               {"use_peer": true, "domains": []}. use_peer: use the
//                        DNS servers IPCP offers. domains: up to 16 DNS
//                        names (host-name syntax, one trailing dot allowed
//                        and dropped, stored lower-case, no duplicates)
//                        whose queries go to those servers: routing domains
//                        "~corp.example" under systemd-resolved, search
//                        domains under resolvconf and in /etc/resolv.conf.
//   "mtu":               "auto", or a number 576..1500. auto: the MTU of
//                        the path to the server (its device, its route,
//                        the path MTU the kernel learned) minus PPTP's 44
//                        bytes (pptp/tunnel_mtu.hpp), at most what the
//                        server's MRU takes.
//   "mru":               1500, 576..1500.
//   "interface":         "pptp-" + profile name, cut to 15 characters (the
//                        kernel's limit). 1..15 of [A-Za-z0-9_.-], not "."
//                        or "..".
//   "lcp_echo":          {"interval_s": 10, "failures": 3}. interval_s
//                        0..3600 (0: no keepalive), failures 1..100.
//   "connect_timeout_s": 30, 5..300.
//   "reconnect":         {"enabled": true, "delay_s": 1, "max_delay_s": 60,
//                        "max_attempts": 0}. Redial after a transient
//                        failure (pppd's persist/holdoff/maxfail). Failure n
//                        in a row waits delay_s * 2^(n-1), jittered, at most
//                        max_delay_s. delay_s 1..3600; max_delay_s 1..86400
//                        and at least delay_s (when absent: 60, or delay_s
//                        if that is larger); max_attempts 0..1000000 failed
//                        attempts in a row, 0 = forever.
//   "block_while_down":  the value of "default_route". While redialling,
//                        every route the tunnel carries is an unreachable
//                        route, so nothing meant for it leaves in clear.
//   "ipv6":              "block" with "default_route", else "allow". PPTP
//                        carries IPv4 only: "block" makes every off-link
//                        IPv6 destination unreachable while the tunnel is
//                        up or redialling (the local IPv6 LAN stays
//                        reachable); "allow" leaves IPv6 alone.
//   "idle_timeout_s":    0, 0..604800. Hang up (exit 0, no redial) after
//                        this long without user traffic; 0 = never.
//   "debug":             false. Log every packet (passwords hidden).
//   "inject_guard":      true. Once MPPE runs, an nftables table drops
//                        clear-text network-layer frames from the server's
//                        address to our call (the kernel would accept them:
//                        netlink/tunnel_table.hpp). Needs nft; false goes
//                        without it.
//   "data_path":         "auto". Who carries the tunnel's packets: "kernel"
//                        (pptp, ppp_generic and ppp_mppe, as pppd does),
//                        "userspace" (a TUN device and a raw GRE socket;
//                        the daemon does GRE and MPPE itself), or "auto":
//                        the kernel when it has PPTP and /dev/ppp, else
//                        userspace.
//   "clamp_mss":         true. TCP SYNs through the tunnel, both ways, get
//                        their MSS lowered to what the tunnel's MTU carries
//                        (an nftables rule in the tunnel's own table), so
//                        TCP never depends on ICMP coming back. Needs nft;
//                        without it the tunnel comes up unclamped, with a
//                        warning.
//
// Any other key is an error, as is a key given twice.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "config/secret.hpp"
#include "userspace/wire/ipv4.hpp"
#include "userspace/wire/result.hpp"

namespace config {

// Same members, same order as ppp::AuthProtocol; the config library does not
// link the protocol core, so the daemon maps one onto the other.
enum class AuthMethod : std::uint8_t { MsChapV2, MsChapV1, ChapMd5, Pap };
std::string_view to_string(AuthMethod m);  // the profile's spelling: "mschap-v2", ...

struct MppeBits {
  bool b40 = false;
  bool b56 = false;
  bool b128 = true;
  bool operator==(const MppeBits&) const = default;
};

enum class Ipv6Mode : std::uint8_t { Block, Allow };
std::string_view to_string(Ipv6Mode m);  // the profile's spelling: "block", "allow"

enum class DataPath : std::uint8_t { Auto, Kernel, Userspace };
std::string_view to_string(DataPath d);  // "auto", "kernel", "userspace"

struct Mppe {
  bool required = true;
  MppeBits bits{};
  bool stateful = false;
  bool operator==(const Mppe&) const = default;
};

inline constexpr std::size_t kMaxDnsDomains = 16;

struct Dns {
  bool use_peer = true;
  std::vector<std::string> domains{};  // lower-case, no trailing dot
  bool operator==(const Dns&) const = default;
};

struct LcpEcho {
  std::uint16_t interval_s = 10;  // 0: no keepalive
  std::uint8_t failures = 3;
  bool operator==(const LcpEcho&) const = default;
};

struct Reconnect {
  bool enabled = true;
  std::uint16_t delay_s = 1;       // 1..3600
  std::uint32_t max_delay_s = 60;  // 1..86400, >= delay_s
  std::uint32_t max_attempts = 0;  // 0: forever
  bool operator==(const Reconnect&) const = default;
};

inline constexpr std::uint16_t kMaxReconnectDelaySeconds = 3600;
inline constexpr std::uint32_t kMaxReconnectMaxDelaySeconds = 86400;
inline constexpr std::uint32_t kMaxReconnectAttempts = 1000000;
inline constexpr std::uint32_t kMaxIdleTimeoutSeconds = 604800;  // a week

inline constexpr std::size_t kMaxProfileBytes = 64 * 1024;
inline constexpr std::size_t kMaxPasswordBytes = Secret::kCapacity;
inline constexpr std::size_t kMaxUsernameBytes = 255;
inline constexpr std::size_t kMaxInterfaceChars = 15;  // IFNAMSIZ - 1

struct Profile {
  std::string name;  // the profile's name, "office" for office.json
  std::string path;  // the file it came from, for messages

  std::string server;
  std::string username;
  // Where the password came from: a file (this path, resolved against the
  // profile's directory) or, when empty, the profile itself.
  std::string password_file;
  // Filled by parse_profile for an inline password, by load_profile from
  // password_file.
  Secret password;

  std::vector<AuthMethod> auth{AuthMethod::MsChapV2};
  Mppe mppe{};
  std::vector<wire::Ipv4Prefix> routes{};  // host bits zero
  bool default_route = false;
  Dns dns{};
  // nullopt: "auto", sized to the path to the server (pptp/tunnel_mtu.hpp).
  std::optional<std::uint16_t> mtu;
  std::uint16_t mru = 1500;
  std::string interface;  // never empty after parsing: defaulted from name
  LcpEcho lcp_echo{};
  std::uint16_t connect_timeout_s = 30;
  Reconnect reconnect{};
  // The effective value: parse_profile fills in default_route when the key
  // is absent, so the daemon reads this one bool.
  bool block_while_down = false;
  // The effective value, like block_while_down: Block when absent and
  // default_route is on.
  Ipv6Mode ipv6 = Ipv6Mode::Allow;
  std::uint32_t idle_timeout_s = 0;  // 0: never
  bool debug = false;
  bool inject_guard = true;
  DataPath data_path = DataPath::Auto;
  bool clamp_mss = true;
};

// Parses and validates a profile's text. Pure: reads no files, so the
// password of a password_file profile is still empty afterwards.
// `profile_path` names the file in messages and anchors a relative
// password_file. `profile_name` gives the default interface name.
// Never throws for any input.
wire::Result<Profile> parse_profile(std::string_view json_text, std::string_view profile_path,
                                    std::string_view profile_name);

// Reads CONFIG_DIR/NAME.json and the password file it names, with the
// permission checks described above. Only the daemon calls it: `pptpctl up`
// never reads the profile nor the password (issue 9).
wire::Result<Profile> load_profile(std::string_view name, std::string_view config_dir);

// The profile with every default filled in, for `status --json` and
// debugging. The password is never included, only password_file if set.
nlohmann::json to_json(const Profile& p);

}  // namespace config
