#include <stdlib.h>
#include "include/zoo_system.h"

// OpenBLAS's own functions for reading its environment and restarting its thread pool (what it does itself
// after a fork), and for saying how it runs. Weak, so that a BLAS without them is left as it is.
extern void openblas_read_env(void) __attribute__((weak));
extern int blas_thread_shutdown_(void) __attribute__((weak));
extern int blas_thread_init(void) __attribute__((weak));
extern int openblas_thread_timeout(void) __attribute__((weak));
extern int openblas_get_parallel(void) __attribute__((weak));
extern int blas_server_avail __attribute__((weak));

/// Whether OpenBLAS runs its own pthreads pool (openblas_get_parallel: 0 sequential, 1 pthreads, 2 OpenMP),
/// the only build whose idle threads the timeout governs.
static int runs_its_own_pool(void) {
    return openblas_get_parallel && openblas_get_parallel() == 1 && openblas_read_env && blas_thread_shutdown_
        && blas_thread_init && openblas_thread_timeout && &blas_server_avail;
}

int zoo_shorten_openblas_spin(void) {
    if (!runs_its_own_pool()) return 0;
    if (getenv("OPENBLAS_THREAD_TIMEOUT") || !blas_server_avail) return zoo_openblas_thread_timeout();
    // OpenBLAS reads its environment once, into its own variables: set the value, have it read, and take the
    // value back out of the environment, which stays as the user had it.
    setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1);
    openblas_read_env();
    unsetenv("OPENBLAS_THREAD_TIMEOUT");
    blas_thread_shutdown_();
    blas_thread_init();
    return zoo_openblas_thread_timeout();
}

int zoo_openblas_thread_timeout(void) {
    if (!runs_its_own_pool()) return 0;
    int value = openblas_thread_timeout();
    if (value <= 0) return 28;  // unset: OpenBLAS's compiled-in default (THREAD_TIMEOUT)
    return value < 4 ? 4 : value > 30 ? 30 : value;  // as blas_thread_init clamps it
}
