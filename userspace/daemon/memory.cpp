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

// dl_iterate_phdr's callback: pages out one object's read-only segments.
// Writable ones (data, and RELRO, which the linker puts there too) hold
// private copies: paging them out would only move them to swap.
int page_out_object(dl_phdr_info* info, std::size_t, void*) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0 || ph.p_memsz == 0) continue;
    const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    const std::uintptr_t from = start & ~(page - 1);
    const std::uintptr_t to = (start + ph.p_memsz + page - 1) & ~(page - 1);
    (void)::madvise(reinterpret_cast<void*>(from), to - from, MADV_PAGEOUT);
  }
  return 0;
}

}  // namespace

void shed_setup_memory() {
  ::malloc_trim(0);
  ::dl_iterate_phdr(page_out_object, nullptr);
}

}  // namespace pptpctl
