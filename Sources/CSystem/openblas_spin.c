#include <stdlib.h>
#include "include/zoo_system.h"

// OpenBLAS's own functions for re-reading its environment and restarting its thread pool (what it does
// itself after fork). Weak, so that an OpenBLAS without them (another threading build) leaves the
// pool as it is instead of failing to load.
extern void openblas_read_env(void) __attribute__((weak));
extern int blas_thread_shutdown_(void) __attribute__((weak));
extern int blas_thread_init(void) __attribute__((weak));
extern int openblas_thread_timeout(void) __attribute__((weak));

/// Runs before main, after OpenBLAS has loaded (a library's constructors run before those of the program
/// that links it) and before any thread of ours exists.
__attribute__((constructor)) static void shorten_spin(void) {
    if (getenv("OPENBLAS_THREAD_TIMEOUT")) return;
    if (!openblas_read_env || !blas_thread_shutdown_ || !blas_thread_init) return;
    setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1);  // also what a process we start inherits
    openblas_read_env();
    blas_thread_shutdown_();
    blas_thread_init();
}

int zoo_openblas_thread_timeout(void) { return openblas_thread_timeout ? openblas_thread_timeout() : 0; }
