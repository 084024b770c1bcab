#pragma once
// The daemon's control socket: RUN_DIR/NAME.sock, a root-only unix stream
// socket. One request line per connection ("status" or "down"), one JSON
// line back. RUN_DIR is /run/pptpctl unless PPTPCTL_RUN_DIR says otherwise.
#include <chrono>
#include <string>
#include <vector>

#include "wire/fd.hpp"
#include "wire/result.hpp"

namespace pptpctl {

std::string run_dir();
std::string socket_path(const std::string& profile);
std::string log_path(const std::string& profile);
// What the daemon added to the network, kept while it stands (crash recovery).
std::string changes_path(const std::string& profile);

// One daemon per profile: an exclusive lock on RUN_DIR/NAME.lock, held for
// the daemon's whole life (the returned fd), taken before anything else.
wire::Result<wire::Fd> lock_profile(const std::string& profile);

// Listens on the profile's socket (0600). Call with
// the profile's lock held: a socket file left by a dead daemon is replaced.
wire::Result<wire::Fd> listen_control(const std::string& profile);

// Is a daemon answering on this profile's socket?
bool daemon_alive(const std::string& profile);

// Profiles with a socket in RUN_DIR, sorted.
std::vector<std::string> running_profiles();

// Sends one request and reads the one-line answer.
wire::Result<std::string> request(const std::string& profile, const std::string& line,
                                  std::chrono::milliseconds timeout);

// Server side: reads the request line from an accepted client (non-blocking:
// empty while incomplete), and checks the peer is root.
bool peer_is_root(int fd);

}  // namespace pptpctl
