#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "include/zoo_system.h"
#include "zoo_kernels.h"

// OpenBLAS's own functions for choosing its kernels (a DYNAMIC_ARCH build, as Debian's): which set it uses, and
// the pair it runs when it loads to choose one (from OPENBLAS_CORETYPE, else from the CPU's model number). Weak,
// so that a BLAS without them is left as it is.
extern char *gotoblas_corename(void) __attribute__((weak));
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

static const char *replaced = NULL;

const char *zoo_openblas_core_replacing(const char *picked, int has_avx512, int has_avx2) {
    if (!picked || strcmp(picked, "Prescott") != 0) return NULL;
    if (has_avx512) return "SkylakeX";
    if (has_avx2) return "Haswell";
    return NULL;
}

/// Runs before main (after OpenBLAS has loaded and chosen, before any code of ours could call it): where OpenBLAS
/// fell back to its Prescott kernels because it does not know the CPU's model number, though the CPU has AVX2 or
/// AVX-512, it is given the kernels of those instructions the way a user would give them, through
/// OPENBLAS_CORETYPE, which is then taken out of the environment again. A core the user chose is left alone.
__attribute__((constructor)) static void replace_fallback_core(void) {
    if (getenv("OPENBLAS_CORETYPE") || !gotoblas_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
    // The CPU's instructions as the engine's own kernels test them (whatever ZOO_KERNELS asks of those).
    const char *better = zoo_openblas_core_replacing(gotoblas_corename(), zoo_kernels_for("avx512") != NULL,
                                                     zoo_kernels_for("avx2") != NULL);
    if (!better) return;
    setenv("OPENBLAS_CORETYPE", better, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    // Said only if OpenBLAS took it (a build without AVX-512 kernels could alias or refuse the name).
    if (strcasecmp(gotoblas_corename(), better) == 0) replaced = "Prescott";
}

const char *zoo_openblas_replaced_core(void) { return replaced; }
