#ifndef ZOO_SYSTEM_H
#define ZOO_SYSTEM_H

/// What the engine asks of the C library and OpenBLAS that Swift cannot reach.

/// OpenBLAS's idle threads spin (sched_yield) for up to 2^28 cycles after each GEMM, taking the cores the
/// engine's own parallel kernels need next. When the program starts, unless the user set
/// OPENBLAS_THREAD_TIMEOUT, the engine sets it to 4 (2^4 cycles) and restarts OpenBLAS's threads so that
/// they read it (OpenBLAS reads the setting when it loads, before any code of ours runs).

/// The OPENBLAS_THREAD_TIMEOUT OpenBLAS has read (the user's, or the engine's 4), or 0 where OpenBLAS cannot
/// say (its threads then spin as long as it chose).
int zoo_openblas_thread_timeout(void);

/// Returns the C library's free memory to the system where it can (glibc's malloc_trim); else nothing.
void zoo_release_free_memory(void);

#endif
