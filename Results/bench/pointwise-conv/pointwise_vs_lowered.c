// One core: a 1x1 convolution of a batch of 256 NCHW images (bias, ReLU), by the lowered path as the engine took it
// before (transpose to [C, N*P], OpenBLAS sgemm, transpose back through the map) and by the engine's pointwise kernel
// (`pointwise_convolution` of the AVX-512 table). See README.md for the commands.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
#include "zoo_kernels.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    const long N = 256, C = atol(argv[1]), O = atol(argv[2]), P = atol(argv[3]);
    const zoo_kernel_table *kernels = zoo_kernels_for(argc > 4 ? argv[4] : "avx512");
    float *x = malloc(4 * N * C * P), *col = malloc(4 * N * C * P), *w = malloc(4 * C * O), *prod = malloc(4 * O * N * P);
    float *y = malloc(4 * O * N * P), *y2 = malloc(4 * O * N * P), *bias = malloc(4 * O), *panel = malloc(4 * C * 32);
    for (long i = 0; i < N * C * P; i++) x[i] = rand() / (float)RAND_MAX - .5f;
    for (long i = 0; i < C * O; i++) w[i] = rand() / (float)RAND_MAX - .5f;
    for (long i = 0; i < O; i++) bias[i] = .1f;
    zoo_pointwise s = {.x = x, .channels = C, .positions = P, .out_channels = O, .weights = w, .bias = bias, .relu = 1, .y = y2};
    double best[2] = {1e9, 1e9};
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        for (long n = 0; n < N; n++) for (long c = 0; c < C; c++) for (long p = 0; p < P; p++) col[(c * N + n) * P + p] = x[(n * C + c) * P + p];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, O, N * P, C, 1, w, C, col, N * P, 0, prod, N * P);
        for (long n = 0; n < N; n++) for (long c = 0; c < O; c++) for (long p = 0; p < P; p++) {
            float v = prod[(c * N + n) * P + p] + bias[c];
            y[(n * O + c) * P + p] = v > 0 ? v : 0;
        }
        double t1 = now();
        kernels->pointwise_convolution(&s, 0, N * P, 0, O, panel);
        double t2 = now();
        if (t1 - t0 < best[0]) best[0] = t1 - t0;
        if (t2 - t1 < best[1]) best[1] = t2 - t1;
    }
    double error = 0;
    for (long i = 0; i < N * O * P; i++) { double d = y[i] - y2[i]; if (d < 0) d = -d; if (d > error) error = d; }
    double flops = 2.0 * O * C * N * P;
    printf("%4ld -> %4ld on %2ld pixels: lowered %6.2f ms (%3.0f GFLOP/s), pointwise %6.2f ms (%3.0f GFLOP/s): %.2fx, largest difference %.1e\n",
           C, O, P, best[0] * 1e3, flops / best[0] * 1e-9, best[1] * 1e3, flops / best[1] * 1e-9, best[0] / best[1], error);
}
