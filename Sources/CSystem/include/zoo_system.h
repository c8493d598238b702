#ifndef ZOO_SYSTEM_H
#define ZOO_SYSTEM_H

/// What the engine asks of the C library and OpenBLAS that Swift cannot reach.

/// OpenBLAS's idle threads spin (sched_yield) for up to 2^28 cycles after each GEMM, taking the cores the
/// engine's own parallel kernels need next. Unless the user set OPENBLAS_THREAD_TIMEOUT, this has OpenBLAS take
/// 4 (2^4 cycles) and restarts its thread pool so that its threads use it (OpenBLAS reads its environment when
/// it loads, before any code of ours runs); the environment is left as it was. Call it at the start of main,
/// before any thread could be using OpenBLAS. Returns the timeout in force (as below).
int zoo_shorten_openblas_spin(void);

/// The timeout OpenBLAS's idle threads use, as the exponent OPENBLAS_THREAD_TIMEOUT gives (4-30, 28 by
/// default), or 0 where OpenBLAS has no pool of its own (a sequential or OpenMP build) or cannot say.
int zoo_openblas_thread_timeout(void);

/// Returns the C library's free memory to the system where it can (glibc's malloc_trim); else nothing.
void zoo_release_free_memory(void);

#endif
