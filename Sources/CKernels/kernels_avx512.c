// The kernels for x86-64 CPUs with AVX-512 (Skylake-SP, Ice Lake, Sapphire Rapids; AMD Zen 4 and 5):
// sixteen floats wide, with thirty-two vector registers.
#if defined(__x86_64__)
#include <immintrin.h>
#include "kernel_table.h"
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), apply_to = function)
#define LANES 16
#define TABLE zoo_kernels_avx512
#include "kernels_body.h"
#pragma clang attribute pop
#endif
