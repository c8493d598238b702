// The kernels for x86-64 CPUs with AVX2 and FMA (Haswell, 2013, and later; AMD Zen): eight floats wide.
#if defined(__x86_64__)
#include <immintrin.h>
#include "kernel_table.h"
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define LANES 8
#define TABLE zoo_kernels_avx2
#include "kernels_body.h"
#pragma clang attribute pop
#endif
