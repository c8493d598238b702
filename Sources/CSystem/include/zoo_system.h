#ifndef ZOO_SYSTEM_H
#define ZOO_SYSTEM_H

#include <stddef.h>

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

/// The core type OpenBLAS was moved off when the program started, or NULL if none. OpenBLAS 0.3.21 (Debian 12's)
/// falls back to its SSE3 "Prescott" kernels on CPUs newer than it knows (an Emerald Rapids Xeon: family 6, model
/// 207), a fifth to a sixth of their GEMM speed; unless the user set OPENBLAS_CORETYPE, a constructor of this library then
/// has OpenBLAS load the kernels of the widest instructions the CPU has, as OPENBLAS_CORETYPE would.
const char *zoo_openblas_replaced_core(void);

/// The core type to give OpenBLAS in place of `picked`, or NULL to leave it: "SkylakeX" for a CPU with AVX-512
/// (F, DQ, BW, VL), "Haswell" for one with AVX2 and FMA, where OpenBLAS fell back to "Prescott".
const char *zoo_openblas_core_replacing(const char *picked, int has_avx512, int has_avx2);

/// Returns the C library's free memory to the system where it can (glibc's malloc_trim); else nothing.
void zoo_release_free_memory(void);

/// Moves the pages mapped at [from, from + bytes) to [to, to + bytes), replacing what was mapped there, without
/// copying them or faulting them in again (Linux's mremap); `bytes` and both addresses page-aligned. Returns 0, or -1
/// where that is refused or unavailable (then nothing or only a leading part moved: see the caller).
int zoo_move_pages(void *from, size_t bytes, void *to);

/// The FLOP count of the calling thread (`FLOPCounter.count`): each thread has its own, zero when it starts.
long *zoo_thread_flop_count(void);

#endif
