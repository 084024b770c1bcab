#include "kernel/ppp_flags.hpp"

#include <sys/ioctl.h>
#include <linux/ppp-ioctl.h>

namespace kernel {

static_assert(kFlagCcpOpen == SC_CCP_OPEN && kFlagCcpUp == SC_CCP_UP);
static_assert(kFlagMustComp == SC_MUST_COMP && kFlagDecryptError == SC_DC_ERROR);
static_assert(kFlagDecryptFatal == SC_DC_FERROR);
static_assert(kFlagsKeptFromRead == (SC_NO_TCP_CCID | SC_CCP_OPEN | SC_CCP_UP | SC_LOOP_TRAFFIC | SC_MULTILINK |
                                     SC_MP_SHORTSEQ | SC_MP_XSHORTSEQ | SC_COMP_TCP | SC_REJ_COMP_TCP));

std::uint32_t next_flags(std::uint32_t reported, std::uint32_t set, std::uint32_t clear, bool must_comp) {
  std::uint32_t v = reported & kFlagsKeptFromRead;
  if (must_comp) v |= kFlagMustComp;
  return (v & ~clear) | set;
}

}  // namespace kernel
