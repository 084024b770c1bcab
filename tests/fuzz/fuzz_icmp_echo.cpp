// The echo-reply decoder of the black-hole check: whatever arrives on the
// raw ICMP socket. A sequence number comes back only for a well-formed
// reply whose checksum holds.
#include <cstdint>
#include <cstdlib>

#include "pptp/icmp_echo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const wire::ByteView in(data, size);
  const std::uint16_t id = size >= 2 ? static_cast<std::uint16_t>(data[0] << 8 | data[1]) : 0;
  if (auto seq = pptp::echo_reply_seq(in, id)) {
    if (size < 28) std::abort();
  }
  (void)pptp::internet_checksum(in);
  return 0;
}
