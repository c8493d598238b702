#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#include "include/zoo_system.h"

void zoo_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
