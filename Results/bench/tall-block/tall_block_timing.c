// The packed product's tall block, 8 rows (this commit, AVX-512) against 6 (before), on one core in one process:
// blocks of calls of each in turn, the zoo's per-thread shapes. Build and run from the repository's root:
//
//     clang -O2 -I Sources/CKernels Results/bench/tall-block/tall_block_timing.c -o /tmp/tall_block_timing -lm
//     taskset -c 1 /tmp/tall_block_timing
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "kernel_table.h"
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), apply_to = function)
#define LANES 16
#define TABLE harness_kernels_avx512
#include "kernels_body.h"

/// packed_multiply as it was before: blocks of 6 rows, then 4, then 1.
static void packed_multiply_six(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t start = 0; start < n; start += 2 * LANES) {
        const float *b0 = panels + (start / 16) * k * 16 + start % 16;
        ptrdiff_t next = start + LANES;
        const float *b1 = next < n ? panels + (next / 16) * k * 16 + next % 16 : b0;
        ptrdiff_t columns = n - start < 2 * LANES ? n - start : 2 * LANES, row = 0;
        for (; row + 6 <= m; row += 6) block6(a + row * k, k, b0, b1, c + row * ldc + start, ldc, columns, 0);
        for (; row + 4 <= m; row += 4) block4(a + row * k, k, b0, b1, c + row * ldc + start, ldc, columns, 0);
        for (; row < m; row++) block1(a + row * k, k, b0, b1, c + row * ldc + start, ldc, columns, 0);
    }
}
#pragma clang attribute pop

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int by_value(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return (a > b) - (a < b); }

int main(void) {
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq") || !__builtin_cpu_supports("avx512bw")) { fprintf(stderr, "this CPU has no AVX-512\n"); return 1; }
    // m x k x n per thread: the MLP's x W1^T (each thread 128 of 256 columns), LeNet's two (64 of 120, 48 of 84), seq2seq
    // with attention's 128 x 256 x 768 (384 each), the LSTM's, GRU's and RNN's step products (16 of 32 rows each).
    const int shapes[][3] = {{256, 784, 128}, {256, 400, 64}, {256, 120, 48}, {128, 256, 384}, {16, 256, 1024}, {16, 256, 768}, {16, 256, 256}};
    const char *names[] = {"MLP x W1^T", "LeNet 400 -> 120", "LeNet 120 -> 84", "seq2seq-attention", "LSTM step", "GRU step", "RNN step"};
    printf("%-18s %-15s %-26s %-26s %s\n", "product", "m x k x n", "6 rows: median ms (GF/s)", "8 rows: median ms (GF/s)", "8 / 6 time per round");
    for (int s = 0; s < 7; s++) {
        const int m = shapes[s][0], k = shapes[s][1], n = shapes[s][2];
        float *a = aligned_alloc(64, 4L * m * k), *b = aligned_alloc(64, 4L * n * k), *panels = aligned_alloc(64, 4L * k * ((n + 15) / 16) * 16);
        float *c6 = aligned_alloc(64, 4L * m * n), *c8 = aligned_alloc(64, 4L * m * n);
        for (long i = 0; i < (long)m * k; i++) a[i] = (float)(rand() % 1000) / 1000 - 0.5f;
        for (long i = 0; i < (long)n * k; i++) b[i] = (float)(rand() % 1000) / 1000 - 0.5f;
        for (int p = 0; p * 16 < n; p++) pack_transposed(b, k, p * 16, n - p * 16 < 16 ? n - p * 16 : 16, panels + p * k * 16);
        packed_multiply_six(a, m, k, n, panels, c6, n);
        packed_multiply(a, m, k, n, panels, c8, n, 0);
        for (long i = 0; i < (long)m * n; i++)
            if (c6[i] != c8[i]) { fprintf(stderr, "%s: the two differ at %ld\n", names[s], i); return 1; }
        const int calls = (int)(4e7 / (2.0 * m * k * n)) + 1, rounds = 15;
        double six[15], eight[15], ratio[15];
        for (int r = 0; r < rounds; r++) {
            double t = now();
            for (int i = 0; i < calls; i++) packed_multiply_six(a, m, k, n, panels, c6, n);
            six[r] = (now() - t) / calls;
            t = now();
            for (int i = 0; i < calls; i++) packed_multiply(a, m, k, n, panels, c8, n, 0);
            eight[r] = (now() - t) / calls;
            ratio[r] = eight[r] / six[r];
        }
        qsort(six, rounds, sizeof(double), by_value), qsort(eight, rounds, sizeof(double), by_value), qsort(ratio, rounds, sizeof(double), by_value);
        const double flops = 2.0 * m * k * n;
        char dims[32], left[40], right[40];
        snprintf(dims, sizeof dims, "%d x %d x %d", m, k, n);
        snprintf(left, sizeof left, "%.4f (%.0f)", six[7] * 1e3, flops / six[7] / 1e9);
        snprintf(right, sizeof right, "%.4f (%.0f)", eight[7] * 1e3, flops / eight[7] / 1e9);
        printf("%-18s %-15s %-26s %-26s median %.3f (%.3f..%.3f)\n", names[s], dims, left, right, ratio[7], ratio[0], ratio[14]);
        free(a), free(b), free(panels), free(c6), free(c8);
    }
    return 0;
}
