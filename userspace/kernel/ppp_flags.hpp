#pragma once
// Read-modify-write of the PPP unit's flags. PPPIOCGFLAGS reports the flags
// ORed with the (de)compressor state: SC_COMP_RUN, SC_DECOMP_RUN,
// SC_DC_ERROR, SC_DC_FERROR. Writing those back would be wrong, and
// SC_DC_ERROR is the same bit as SC_MUST_COMP, so a read cannot tell whether
// SC_MUST_COMP is on: the caller has to remember that itself.
#include <cstdint>

namespace kernel {

inline constexpr std::uint32_t kFlagCcpOpen = 0x40;        // SC_CCP_OPEN
inline constexpr std::uint32_t kFlagCcpUp = 0x80;          // SC_CCP_UP
inline constexpr std::uint32_t kFlagMustComp = 0x400000;   // SC_MUST_COMP (= SC_DC_ERROR on read)
inline constexpr std::uint32_t kFlagDecryptError = 0x400000;  // SC_DC_ERROR
inline constexpr std::uint32_t kFlagCompRun = 0x1000;      // SC_COMP_RUN: transmit MPPE started
inline constexpr std::uint32_t kFlagDecompRun = 0x2000;    // SC_DECOMP_RUN: receive MPPE started
inline constexpr std::uint32_t kFlagDecryptFatal = 0x800000;  // SC_DC_FERROR

// Bits PPPIOCSFLAGS keeps (the kernel's SC_FLAG_BITS) minus SC_MUST_COMP.
// (SC_NO_TCP_CCID, SC_CCP_OPEN, SC_CCP_UP, SC_LOOP_TRAFFIC, SC_MULTILINK,
// SC_MP_SHORTSEQ, SC_MP_XSHORTSEQ, SC_COMP_TCP, SC_REJ_COMP_TCP.)
inline constexpr std::uint32_t kFlagsKeptFromRead = 0x00004eec;

// The value for PPPIOCSFLAGS: the reported flags with state bits removed,
// `clear` cleared and `set` set. must_comp says whether SC_MUST_COMP is on
// (as we last set it); it stays on unless cleared.
std::uint32_t next_flags(std::uint32_t reported, std::uint32_t set, std::uint32_t clear, bool must_comp);

}  // namespace kernel
