#pragma once
// A TUN device for the userspace data path: IP packets without any header
// (IFF_TUN | IFF_NO_PI), non-blocking. The device exists exactly as long as
// its fd (it is not made persistent), so closing it removes the interface.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "wire/bytes.hpp"
#include "wire/fd.hpp"
#include "wire/result.hpp"

namespace kernel {

class Tun {
 public:
  Tun() = default;  // holds nothing
  // Opens /dev/net/tun and creates the interface `name` (down).
  static wire::Result<Tun> open(std::string_view name);

  enum class IoStatus { Done, WouldBlock };
  struct Read {
    IoStatus status = IoStatus::WouldBlock;
    std::size_t size = 0;
  };
  // One IP packet into `buffer`; a longer one is cut (the MTU keeps them short).
  wire::Result<Read> read(std::span<std::uint8_t> buffer);
  // One IP packet, from one or more pieces (writev).
  wire::Result<IoStatus> write(wire::ByteView packet);
  wire::Result<IoStatus> write(std::span<const wire::ByteView> pieces);

  const std::string& name() const { return name_; }
  unsigned index() const { return index_; }
  int fd() const { return fd_.get(); }
  // Removes the interface.
  void close() { fd_.reset(); }

 private:
  explicit Tun(wire::Fd fd) : fd_(std::move(fd)) {}
  wire::Fd fd_;
  std::string name_;
  unsigned index_ = 0;
};

// Empty when /dev/net/tun opens, else why not ("/dev/net/tun: no such file
// or directory"): the probe for data_path "userspace".
std::string tun_problem();

}  // namespace kernel
