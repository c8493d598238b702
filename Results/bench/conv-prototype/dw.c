// Prototype: weights' gradient of a 3x3 stride-1 pad-1 convolution from channel-major x and gradient,
// tile RO out x RC in channels per tap, vectorised over pixels, against sgemm on the lowered matrix.
#include <cblas.h>
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
#ifndef RO
#define RO 4
#endif
#ifndef RC
#define RC 4
#endif
#ifndef CHUNK
#define CHUNK 0
#endif
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    int C = atoi(argv[1]), O = atoi(argv[2]), H = atoi(argv[3]), N = atoi(argv[4]), W = H, P = H * W;
    long J = (long)N * P, guard = 2 * W + 64;
    float *xbuf = aligned_alloc(64, (C * J + 2 * guard) * 4), *x = xbuf + guard;
    for (long i = 0; i < C * J + 2 * guard; i++) xbuf[i] = (float)((i * 7919) % 1000) / 1000 - 0.5f;
    float *g = aligned_alloc(64, (long)O * J * 4);
    for (long i = 0; i < O * J; i++) g[i] = (float)((i * 104729) % 1000) / 1000 - 0.5f;
    float *dw = malloc((long)O * C * 9 * 4);
    int period = 1; while ((16L * period) % P) period++;
    __mmask16 *masks = malloc(9 * period * sizeof(__mmask16));
    int shift[9];
    for (int t = 0; t < 9; t++) {
        int ky = t / 3 - 1, kx = t % 3 - 1; shift[t] = ky * W + kx;
        for (int q = 0; q < period; q++) {
            __mmask16 m = 0;
            for (int l = 0; l < 16; l++) { int p = (int)((16L * q + l) % P), yy = p / W + ky, xx = p % W + kx;
                if (yy >= 0 && yy < H && xx >= 0 && xx < W) m |= 1 << l; }
            masks[t * period + q] = m;
        }
    }
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        for (int ob = 0; ob < O; ob += RO) for (int cb = 0; cb < C; cb += RC) for (int t = 0; t < 9; t++) {
            __m512 acc[RO][RC];
            for (int r = 0; r < RO; r++) for (int s = 0; s < RC; s++) acc[r][s] = _mm512_setzero_ps();
            const float *xs = x + (long)cb * J + shift[t];
            const float *gs = g + (long)ob * J;
            int q = 0;
            for (long j = 0; j < J; j += 16) {
                __mmask16 m = masks[t * period + q]; if (++q == period) q = 0;
                __m512 xv[RC];
                for (int s = 0; s < RC; s++) xv[s] = _mm512_maskz_loadu_ps(m, xs + s * J + j);
                for (int r = 0; r < RO; r++) { __m512 gv = _mm512_load_ps(gs + r * J + j);
                    for (int s = 0; s < RC; s++) acc[r][s] = _mm512_fmadd_ps(gv, xv[s], acc[r][s]); }
            }
            for (int r = 0; r < RO; r++) for (int s = 0; s < RC; s++) dw[((long)(ob + r) * C + cb + s) * 9 + t] = _mm512_reduce_add_ps(acc[r][s]);
        }
        double t1 = now() - t0; if (t1 < best) best = t1;
    }
    double flops = 2.0 * O * C * 9 * J, err = 0, scale = 0;
    for (int k = 0; k < 100; k++) {
        int o = (k * 37) % O, c = (k * 11) % C, t = k % 9, ky = t / 3 - 1, kx = t % 3 - 1; double s = 0;
        for (long j = 0; j < J; j++) { int p = j % P, yy = p / W + ky, xx = p % W + kx;
            if (yy >= 0 && yy < H && xx >= 0 && xx < W) s += (double)g[o * J + j] * x[c * J + j + shift[t]]; }
        double d = s - dw[((long)o * C + c) * 9 + t]; if (d < 0) d = -d; if (d > err) err = d; if (fabs(s) > scale) scale = fabs(s);
    }
    printf("implicit dW RO %d RC %d: %.2f ms, %.1f GFLOP/s (max error %.2g of %.2g)\n", RO, RC, best * 1e3, flops / best / 1e9, err, scale);
    float *cols = aligned_alloc(64, (long)C * 9 * J * 4);
    for (long i = 0; i < C * 9 * J; i++) cols[i] = 0.25f;
    best = 1e9;
    for (int rep = 0; rep < 5; rep++) { double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, O, C * 9, J, 1, g, J, cols, J, 0, dw, C * 9);
        double t1 = now() - t0; if (t1 < best) best = t1; }
    printf("sgemm on lowered: %.2f ms, %.1f GFLOP/s\n", best * 1e3, flops / best / 1e9);
}
