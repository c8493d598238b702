// The shared loop of the packed-product harnesses (tall-block/, wide-block/): two ways to compute C = A B from B's panels,
// on the zoo's per-thread shapes, 15 rounds of a block of calls of each in turn on one core; first checks that both give
// the same C bit for bit. Include after the kernels (kernels_body.h) and outside their target pragma.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/// C [m x n] = A [m x k] B [k x n], B as `packed_multiply`'s panels.
typedef void (*packed_product)(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c);

typedef struct {
    const char *name;
    int m, k, n;
} product_shape;

static double seconds(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int by_value(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return (a > b) - (a < b); }

/// Prints, per shape, each way's median ms and GFLOP/s and the median (range) of the rounds' time ratios, after over before.
/// Returns 1 (after a message) if the two differ or this CPU has no AVX-512, else 0.
static int compare_packed_products(const char *before_name, packed_product before, const char *after_name, packed_product after,
                                   const product_shape *shapes, int count) {
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq") || !__builtin_cpu_supports("avx512bw")) {
        fprintf(stderr, "this CPU has no AVX-512\n");
        return 1;
    }
    char left_title[48], right_title[48];
    snprintf(left_title, sizeof left_title, "%s: median ms (GF/s)", before_name);
    snprintf(right_title, sizeof right_title, "%s: median ms (GF/s)", after_name);
    printf("%-18s %-15s %-28s %-28s %s / %s time per round\n", "product", "m x k x n", left_title, right_title, after_name, before_name);
    for (int s = 0; s < count; s++) {
        const int m = shapes[s].m, k = shapes[s].k, n = shapes[s].n;
        float *a = aligned_alloc(64, 4L * m * k), *b = aligned_alloc(64, 4L * n * k), *panels = aligned_alloc(64, 4L * k * ((n + 15) / 16) * 16);
        float *c0 = aligned_alloc(64, 4L * m * n), *c1 = aligned_alloc(64, 4L * m * n);
        for (long i = 0; i < (long)m * k; i++) a[i] = (float)(rand() % 1000) / 1000 - 0.5f;
        for (long i = 0; i < (long)n * k; i++) b[i] = (float)(rand() % 1000) / 1000 - 0.5f;
        for (int p = 0; p * 16 < n; p++) pack_transposed(b, k, p * 16, n - p * 16 < 16 ? n - p * 16 : 16, panels + p * k * 16);
        before(a, m, k, n, panels, c0);
        after(a, m, k, n, panels, c1);
        for (long i = 0; i < (long)m * n; i++)
            if (c0[i] != c1[i]) { fprintf(stderr, "%s: the two differ at %ld\n", shapes[s].name, i); return 1; }
        enum { rounds = 15 };
        const int calls = (int)(4e7 / (2.0 * m * k * n)) + 1;
        double first[rounds], second[rounds], ratio[rounds];
        for (int r = 0; r < rounds; r++) {
            double t = seconds();
            for (int i = 0; i < calls; i++) before(a, m, k, n, panels, c0);
            first[r] = (seconds() - t) / calls;
            t = seconds();
            for (int i = 0; i < calls; i++) after(a, m, k, n, panels, c1);
            second[r] = (seconds() - t) / calls;
            ratio[r] = second[r] / first[r];
        }
        qsort(first, rounds, sizeof(double), by_value), qsort(second, rounds, sizeof(double), by_value);
        qsort(ratio, rounds, sizeof(double), by_value);
        const double flops = 2.0 * m * k * n;
        char dims[32], left[40], right[40];
        snprintf(dims, sizeof dims, "%d x %d x %d", m, k, n);
        snprintf(left, sizeof left, "%.4f (%.0f)", first[rounds / 2] * 1e3, flops / first[rounds / 2] / 1e9);
        snprintf(right, sizeof right, "%.4f (%.0f)", second[rounds / 2] * 1e3, flops / second[rounds / 2] / 1e9);
        printf("%-18s %-15s %-28s %-28s median %.3f (%.3f..%.3f)\n", shapes[s].name, dims, left, right, ratio[rounds / 2], ratio[0],
               ratio[rounds - 1]);
        free(a), free(b), free(panels), free(c0), free(c1);
    }
    return 0;
}
