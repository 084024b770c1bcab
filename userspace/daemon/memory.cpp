#include "daemon/memory.hpp"

#include <link.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21  // Linux 5.4, include/uapi/asm-generic/mman-common.h
#endif

namespace pptpctl {

void limit_malloc_arenas() { ::mallopt(M_ARENA_MAX, 1); }

namespace {

// dl_iterate_phdr's callback: gives ADVICE (a list ending in -1) for one
// object's read-only segments, in order. Writable ones (data, and RELRO,
// which the linker puts there too) hold private copies: paging them out
// would only move them to swap.
int advise_object(dl_phdr_info* info, std::size_t, void* advice) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0 || ph.p_memsz == 0) continue;
    const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    const std::uintptr_t from = start & ~(page - 1);
    const std::uintptr_t to = (start + ph.p_memsz + page - 1) & ~(page - 1);
    for (const int* a = static_cast<const int*>(advice); *a >= 0; ++a)
      (void)::madvise(reinterpret_cast<void*>(from), to - from, *a);
  }
  return 0;
}

}  // namespace

void shed_setup_memory() {
  ::malloc_trim(0);
  // Paged out alone, the code came back within seconds: each page the idle
  // link touches was read with 128 KiB of read-around, and fault-around then
  // mapped 64 KiB of that around it (lab, issue 11: 0.85 MiB of text back
  // from 8 touches). MADV_RANDOM reads just the page that faults, so what
  // comes back is what the idle link runs.
  static constexpr int kAdvice[] = {MADV_PAGEOUT, MADV_RANDOM, -1};
  ::dl_iterate_phdr(advise_object, const_cast<int*>(kAdvice));
}

void expect_setup_work() {
  // A reconnect runs most of the binary again: read it in large pieces.
  static constexpr int kAdvice[] = {MADV_NORMAL, -1};
  ::dl_iterate_phdr(advise_object, const_cast<int*>(kAdvice));
}

}  // namespace pptpctl
