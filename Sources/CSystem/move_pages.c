#if defined(__linux__)
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#endif
#include "include/zoo_system.h"

int zoo_move_pages(void *from, size_t bytes, void *to) {
#if defined(__linux__)
    if (mremap(from, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, to) != MAP_FAILED) return 0;
    // A range that spans several mappings (a buffer assembled from pieces before) is refused as a whole: move its
    // halves, cut at whole huge pages from its start where it is longer than one (where the engine's buffer pool
    // joins its pieces), else at pages.
    const size_t huge = (size_t)2 << 20;
    if (errno != EFAULT || bytes <= 4096) return -1;
    size_t half = bytes > huge ? (bytes / 2 + huge - 1) / huge * huge : (bytes / 2 + 4095) & ~(size_t)4095;
    if (zoo_move_pages(from, half, to) != 0) return -1;
    return zoo_move_pages((char *)from + half, bytes - half, (char *)to + half);
#else
    (void)from; (void)bytes; (void)to;
    return -1;
#endif
}
