#pragma once
// A tunnel's daemon idles for hours on a few pages of code (the poll loop,
// LCP echoes, the timers), yet setting the link up ran most of the binary:
// profile parsing, netlink, the whole negotiation. Fault-around maps 64 KiB
// around each page touched, so after the first link nearly all of the
// binary's text stayed mapped, and the heap kept what parsing had freed
// (issue 11: 2 MiB of the binary, 0.2 MiB of heap, measured with smaps).
namespace pptpctl {

// Once per process, before the first allocation that matters: one malloc
// arena. The resolver's lookup thread would otherwise get a second arena,
// whose pages stay after the thread has ended.
void limit_malloc_arenas();

// Gives back what the way up used and the running link does not: free heap
// pages (malloc_trim), and the clean pages of every loaded object's
// read-only segments (MADV_PAGEOUT, Linux 5.4+). The kernel skips pages any
// other process maps, so shared libraries stay shared; what we alone mapped
// is reclaimed, and faulted back in if it is run again (a reconnect, a
// status query), one page at a time (MADV_RANDOM) so that only what runs
// comes back. The program file's page cache is left alone: dropping it made
// every new pptpctl read the binary again, and under the lab's 9p root its
// SCCRQ came late enough for pptpd to drop the connection (fault-cycles).
// Never touches writable or anonymous
// memory. Best effort: an older kernel refuses the advice and nothing
// changes.
void shed_setup_memory();

// Before a reconnect: the read-only segments are read ahead again
// (MADV_NORMAL), as on the way up, instead of one page per fault.
void expect_setup_work();

}  // namespace pptpctl
