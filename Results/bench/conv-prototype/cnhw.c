// Prototype: implicit-GEMM 3x3 stride-1 pad-1 convolution forward on a channel-major batch (CNHW),
// against im2col + OpenBLAS sgemm on NCHW for the same layer, one thread. Build:
// clang -O3 -march=znver4 cnhw.c -o cnhw -lopenblas ; OPENBLAS_NUM_THREADS=1 ./cnhw C O H N
#include <cblas.h>
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    int C = atoi(argv[1]), O = atoi(argv[2]), H = atoi(argv[3]), N = atoi(argv[4]), W = H, P = H * W;
    long J = (long)N * P, guard = 2 * W + 64;
    float *xbuf = aligned_alloc(64, (C * J + 2 * guard) * 4), *x = xbuf + guard;   // CNHW, guards for shifted loads
    for (long i = 0; i < C * J + 2 * guard; i++) xbuf[i] = (float)((i * 7919) % 1000) / 1000 - 0.5f;
    float *w = malloc((long)O * C * 9 * 4), *wp = aligned_alloc(64, (long)O * C * 9 * 4);
    for (long i = 0; i < (long)O * C * 9; i++) w[i] = (float)((i * 104729) % 1000) / 1000 - 0.5f;
    // Packed [O/8][C*9][8].
    for (int ob = 0; ob < O / 8; ob++) for (int k = 0; k < C * 9; k++) for (int r = 0; r < 8; r++)
        wp[((long)ob * C * 9 + k) * 8 + r] = w[(long)(ob * 8 + r) * C * 9 + k];
    float *y = aligned_alloc(64, (long)O * J * 4);
    // Masks per tap per 16-pixel group (period lcm(16, P) / 16 groups).
    int period = P; while ((period * 16) % P) period++; // groups until the pattern repeats: smallest g with 16 g % P == 0
    period = 1; while ((16L * period) % P) period++;
    __mmask16 *masks = malloc(9 * period * sizeof(__mmask16));
    int shift[9];
    for (int t = 0; t < 9; t++) {
        int ky = t / 3 - 1, kx = t % 3 - 1;
        shift[t] = ky * W + kx;
        for (int g = 0; g < period; g++) {
            __mmask16 m = 0;
            for (int l = 0; l < 16; l++) {
                int p = (int)((16L * g + l) % P), yy = p / W + ky, xx = p % W + kx;
                if (yy >= 0 && yy < H && xx >= 0 && xx < W) m |= 1 << l;
            }
            masks[t * period + g] = m;
        }
    }
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        for (long j0 = 0; j0 < J; j0 += 32) {
            int g0 = (int)((j0 / 16) % period), g1 = (int)((j0 / 16 + 1) % period);
            for (int ob = 0; ob < O / 8; ob++) {
                __m512 acc[8][2];
                for (int r = 0; r < 8; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
                const float *wk = wp + (long)ob * C * 9 * 8;
                for (int c = 0; c < C; c++) {
                    const float *xc = x + (long)c * J + j0;
                    for (int t = 0; t < 9; t++, wk += 8) {
                        __m512 x0 = _mm512_maskz_loadu_ps(masks[t * period + g0], xc + shift[t]);
                        __m512 x1 = _mm512_maskz_loadu_ps(masks[t * period + g1], xc + shift[t] + 16);
                        for (int r = 0; r < 8; r++) {
                            __m512 b = _mm512_set1_ps(wk[r]);
                            acc[r][0] = _mm512_fmadd_ps(b, x0, acc[r][0]);
                            acc[r][1] = _mm512_fmadd_ps(b, x1, acc[r][1]);
                        }
                    }
                }
                for (int r = 0; r < 8; r++) {
                    _mm512_storeu_ps(y + (long)(ob * 8 + r) * J + j0, acc[r][0]);
                    _mm512_storeu_ps(y + (long)(ob * 8 + r) * J + j0 + 16, acc[r][1]);
                }
            }
        }
        double t1 = now() - t0; if (t1 < best) best = t1;
    }
    double flops = 2.0 * O * C * 9 * J;
    // Check a few outputs against the direct definition.
    double err = 0;
    for (int k = 0; k < 200; k++) {
        int o = (k * 37) % O; long j = (k * 7919L) % J; int n = j / P, p = j % P, yy = p / W, xx = p % W;
        double s = 0;
        for (int c = 0; c < C; c++) for (int t = 0; t < 9; t++) {
            int ky = t / 3 - 1, kx = t % 3 - 1;
            if (yy + ky < 0 || yy + ky >= H || xx + kx < 0 || xx + kx >= W) continue;
            s += w[(long)o * C * 9 + c * 9 + t] * x[(long)c * J + (long)n * P + (yy + ky) * W + xx + kx];
        }
        double d = s - y[(long)o * J + j]; if (d < 0) d = -d; if (d > err) err = d;
    }
    printf("implicit CNHW: %.2f ms, %.1f GFLOP/s (max error %.2g)\n", best * 1e3, flops / best / 1e9, err);

    // im2col (NCHW input = the same numbers reinterpreted) + sgemm.
    float *cols = aligned_alloc(64, (long)C * 9 * J * 4), *y2 = aligned_alloc(64, (long)O * J * 4);
    best = 1e9; double bestg = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        for (int c = 0; c < C; c++) for (int t = 0; t < 9; t++) {
            int ky = t / 3 - 1, kx = t % 3 - 1; float *row = cols + ((long)c * 9 + t) * J;
            for (int n = 0; n < N; n++) {
                const float *plane = x + ((long)n * C + c) * P; float *out = row + (long)n * P;
                for (int yy = 0; yy < H; yy++) for (int xx = 0; xx < W; xx++) {
                    int sy = yy + ky, sx = xx + kx;
                    out[yy * W + xx] = (sy >= 0 && sy < H && sx >= 0 && sx < W) ? plane[sy * W + sx] : 0;
                }
            }
        }
        double t1 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, O, J, C * 9, 1, w, C * 9, cols, J, 0, y2, J);
        double t2 = now();
        if (t2 - t0 < best) best = t2 - t0; if (t2 - t1 < bestg) bestg = t2 - t1;
    }
    printf("im2col + sgemm: %.2f ms (sgemm alone %.2f ms), %.1f GFLOP/s (sgemm alone %.1f)\n", best * 1e3, bestg * 1e3,
           flops / best / 1e9, flops / bestg / 1e9);
    int n = 512; float *a = malloc(n * n * 4), *b = malloc(n * n * 4), *cc = malloc(n * n * 4);
    for (int i = 0; i < n * n; i++) a[i] = b[i] = 0.5f;
    double bs = 1e9;
    for (int rep = 0; rep < 5; rep++) { double t0 = now(); cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, cc, n); double t = now() - t0; if (t < bs) bs = t; }
    printf("sgemm 512: %.1f GFLOP/s\n", 2.0 * n * n * n / bs / 1e9);
}
