// The kernels' one source, compiled once per instruction set: the including file defines LANES (floats
// per vector), TABLE (the table's name) and, through `#pragma clang attribute`, the target of every
// function below. Expressions `a * b + c` become fused multiply-adds where the target has them (clang's
// default -ffp-contract=on), as the Swift kernels' `multiplyAdd` did.

// (kernel_table.h is included by the including file, before its target pragma.)

typedef float vec __attribute__((vector_size(LANES * 4), aligned(4)));
typedef int vint __attribute__((vector_size(LANES * 4), aligned(4)));
typedef unsigned vuint __attribute__((vector_size(LANES * 4), aligned(4)));

#define INLINE static inline __attribute__((always_inline))

/// x in every lane (a loop that folds to one broadcast; `(vec){0} + x` would add zero first, for -0's sake).
INLINE vec splat(float x) {
    vec v;
    for (int i = 0; i < LANES; i++) v[i] = x;
    return v;
}
INLINE vec load(const float *p) { return *(const vec *)p; }
INLINE void store(float *p, vec v) { *(vec *)p = v; }

/// The first `lanes` values at `p`, the rest zero; nothing past them is read. On x86-64 a masked load (a vector built
/// lane by lane is stored and reloaded, which stalls).
INLINE vec load_part(const float *p, ptrdiff_t lanes) {
    if (lanes == LANES) return load(p);
#if LANES == 16
    return (vec)_mm512_maskz_loadu_ps((__mmask16)((1u << lanes) - 1), p);
#elif LANES == 8
    return (vec)_mm256_maskload_ps(p, (__m256i)(__builtin_convertvector((vec){0, 1, 2, 3, 4, 5, 6, 7}, vint) < (int)lanes));
#else
    vec v = {0};
    for (ptrdiff_t i = 0; i < lanes; i++) v[i] = p[i];
    return v;
#endif
}

INLINE void store_part(float *p, vec v, ptrdiff_t lanes) {
    if (lanes == LANES) { store(p, v); return; }
#if LANES == 16
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << lanes) - 1), (__m512)v);
#elif LANES == 8
    _mm256_maskstore_ps(p, (__m256i)(__builtin_convertvector((vec){0, 1, 2, 3, 4, 5, 6, 7}, vint) < (int)lanes), (__m256)v);
#else
    for (ptrdiff_t i = 0; i < lanes; i++) p[i] = v[i];
#endif
}

/// store_part for 32-bit integers (one masked store, not a call to memcpy per vector).
INLINE void store_part_int(int32_t *p, vint v, ptrdiff_t lanes) {
    if (lanes == LANES) { memcpy(p, &v, sizeof v); return; }
#if LANES == 16
    _mm512_mask_storeu_epi32(p, (__mmask16)((1u << lanes) - 1), (__m512i)v);
#elif LANES == 8
    _mm256_maskstore_epi32((int *)p, (__m256i)(__builtin_convertvector((vec){0, 1, 2, 3, 4, 5, 6, 7}, vint) < (int)lanes), (__m256i)v);
#else
    for (ptrdiff_t i = 0; i < lanes; i++) p[i] = v[i];
#endif
}

/// The sum of a vector's lanes, first to last.
INLINE float horizontal_sum(vec v) {
    float total = 0;
    for (int lane = 0; lane < LANES; lane++) total += v[lane];
    return total;
}

/// `where` lanes from `a`, the others from `b` (a compare's all-ones lanes select).
INLINE vec blend(vint where, vec a, vec b) { return (vec)(((vint)a & where) | ((vint)b & ~where)); }

/// e^x, Cephes-style: range reduction and a degree-5 polynomial, about 1 ulp over the float range; NaN
/// stays NaN (the clamps are compares, not min/max, which would turn it into a number).
INLINE vec vexp(vec x) {
    const vec low = splat(-87.33654f), high = splat(88.72283f);
    x = blend(x < low, low, x);
    x = blend(x > high, high, x);
    // Adding 1.5 * 2^23 rounds to the nearest integer and leaves it in the low mantissa bits.
    vec shifted = x * 1.44269504088896341f + 12582912.0f;
    vec n = shifted - 12582912.0f;
    vint integer = (vint)shifted - 0x4B400000;
    vec r = n * -0.693359375f + x;
    r = n * 2.12194440e-4f + r;
    vec p = r * 1.9875691500e-4f + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    vec y = p * (r * r) + (r + 1.0f);
    // 2^n as 2^(n/2) * 2^(n - n/2), each built from exponent bits, so n = 128 cannot overflow; the
    // shifts unsigned, so that a NaN lane's garbage bits cannot overflow a signed shift.
    vint n1 = integer >> 1, n2 = integer - n1;
    return y * (vec)(((vuint)n1 + 127u) << 23) * (vec)(((vuint)n2 + 127u) << 23);
}

INLINE vec vsigmoid(vec x) { return 1.0f / (1.0f + vexp(-x)); }
INLINE vec vtanh(vec x) { return 1.0f - 2.0f / (vexp(x + x) + 1.0f); }

#define MAP(name, f) \
    static void name(const float *x, float *y, ptrdiff_t count) { \
        ptrdiff_t i = 0; \
        for (; i + LANES <= count; i += LANES) store(y + i, f(load(x + i))); \
        if (i < count) store_part(y + i, f(load_part(x + i, count - i)), count - i); \
    }
MAP(map_exp, vexp)
MAP(map_sigmoid, vsigmoid)
MAP(map_tanh, vtanh)

static float exp_shifted(const float *x, float *y, ptrdiff_t count, float shift, float scale) {
    vec total = {0};
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        vec e = vexp(load(x + i) - shift);
        total += e;
        if (y) store(y + i, e * scale);
    }
    if (i < count) {
        vec e = vexp(load_part(x + i, count - i) - shift);
        for (ptrdiff_t j = count - i; j < LANES; j++) e[j] = 0;
        total += e;
        if (y) store_part(y + i, e * scale, count - i);
    }
    return horizontal_sum(total);
}

// Packed products: a block is ROWS rows of C by 2 * LANES columns, two vectors of sums per row, with B's
// two column vectors read from `b0` and `b1` (row stride 16, the panel width). A tall block is as many rows
// as the registers hold: with AVX-512's 32, 8 rows (16 sums, 2 vectors of B, a broadcast), so 10 loads
// per 16 FMAs, where 6 rows take 8 per 12 (2-17% less time per product on the zoo's linear and recurrent
// shapes in one process, Results/bench/tall-block); with 16 registers, 6 rows (12 sums), still more than an
// FMA's latency needs.
#define BLOCK(ROWS) \
    static inline __attribute__((always_inline)) void block##ROWS(const float *a, ptrdiff_t k, const float *b0, const float *b1, \
                                                                  float *c, ptrdiff_t n, ptrdiff_t columns, int accumulating) { \
        vec sums[ROWS][2]; \
        for (int r = 0; r < ROWS; r++) sums[r][0] = sums[r][1] = (vec){0}; \
        for (ptrdiff_t p = 0; p < k; p++) { \
            vec v0 = load(b0 + p * 16), v1 = load(b1 + p * 16); \
            for (int r = 0; r < ROWS; r++) { \
                vec x = splat(a[r * k + p]); \
                sums[r][0] = x * v0 + sums[r][0]; \
                sums[r][1] = x * v1 + sums[r][1]; \
            } \
        } \
        ptrdiff_t first = columns < LANES ? columns : LANES, second = columns > LANES ? columns - LANES : 0; \
        for (int r = 0; r < ROWS; r++) { \
            float *row = c + r * n; \
            if (accumulating) { \
                sums[r][0] += load_part(row, first); \
                if (second) sums[r][1] += load_part(row + LANES, second); \
            } \
            store_part(row, sums[r][0], first); \
            if (second) store_part(row + LANES, sums[r][1], second); \
        } \
    }
BLOCK(8)
BLOCK(6)
BLOCK(4)
BLOCK(1)
#undef BLOCK
#if LANES == 16
#define TALL 8
#define tall_block block8
#else
#define TALL 6
#define tall_block block6
#endif

// The same for at most LANES columns (a classifier's ten outputs): one vector of sums per row, so
// twice the rows per block, and no FMAs on a second vector of columns that do not exist.
#define NARROW_BLOCK(ROWS) \
    static inline __attribute__((always_inline)) void narrow_block##ROWS(const float *a, ptrdiff_t k, const float *b, \
                                                                         float *c, ptrdiff_t n, ptrdiff_t columns, int accumulating) { \
        vec sums[ROWS]; \
        for (int r = 0; r < ROWS; r++) sums[r] = (vec){0}; \
        for (ptrdiff_t p = 0; p < k; p++) { \
            vec v = load(b + p * 16); \
            for (int r = 0; r < ROWS; r++) sums[r] = splat(a[r * k + p]) * v + sums[r]; \
        } \
        for (int r = 0; r < ROWS; r++) { \
            float *row = c + r * n; \
            if (accumulating) sums[r] += load_part(row, columns); \
            store_part(row, sums[r], columns); \
        } \
    }
NARROW_BLOCK(12)
NARROW_BLOCK(4)
NARROW_BLOCK(1)

/// Rows first ..< first + width (width at most 16) of S [.. x k] as one panel [k][16] of `packed_multiply`'s B = S^T:
/// panel[p * 16 + j] = S[first + j, p], zeros for j >= width. With AVX-512 a full panel goes in 16 x 16 blocks
/// transposed in registers (a scalar scatter of every 16th float cost the MLP's 784 x 256 weight 0.12 ms per product).
static void pack_transposed(const float *s, ptrdiff_t k, ptrdiff_t first, ptrdiff_t width, float *panel) {
    const float *rows = s + first * k;
    ptrdiff_t p = 0;
#if LANES == 16
    if (width == 16) {
        for (; p + 16 <= k; p += 16) {
            __m512 r[16], t[16];
            for (int j = 0; j < 16; j++) r[j] = _mm512_loadu_ps(rows + j * k + p);
            for (int j = 0; j < 16; j += 2) t[j] = _mm512_unpacklo_ps(r[j], r[j + 1]), t[j + 1] = _mm512_unpackhi_ps(r[j], r[j + 1]);
            for (int j = 0; j < 16; j += 4) {  // in each 128-bit lane L of r[j + i]: rows j ..< j + 4 at column 4 L + i
                r[j] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[j]), _mm512_castps_pd(t[j + 2])));
                r[j + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[j]), _mm512_castps_pd(t[j + 2])));
                r[j + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[j + 1]), _mm512_castps_pd(t[j + 3])));
                r[j + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[j + 1]), _mm512_castps_pd(t[j + 3])));
            }
            for (int h = 0; h < 16; h += 8)
                for (int i = 0; i < 4; i++)
                    t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88), t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
            for (int i = 0; i < 8; i++)
                r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88), r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
            for (int i = 0; i < 16; i++) _mm512_storeu_ps(panel + (p + i) * 16, r[i]);
        }
    }
#endif
    for (; p < k; p++)
        for (ptrdiff_t j = 0; j < 16; j++) panel[p * 16 + j] = j < width ? rows[j * k + p] : 0;
}

#if LANES == 16
// Wide blocks (AVX-512): ROWS rows of C by 64 columns, four vectors of sums per row, B's four column vectors read from the
// four panels from `b` on. Six rows keep 24 sums in flight and load 10 values (4 vectors of B, 6 broadcasts) per 24 FMAs,
// where the tall block loads 10 per 16 and reads each row of A twice as often: in one process, 2-15% less time per
// product on the zoo's shapes, most on a core whose load ports another VM's work shared (Results/bench/wide-block).
// The same sums in the same order as the tall block: the same C to the bit.
#define WIDE_BLOCK(ROWS) \
    static inline __attribute__((always_inline)) void wide_block##ROWS(const float *a, ptrdiff_t k, const float *b, float *c, \
                                                                       ptrdiff_t n, int accumulating) { \
        vec sums[ROWS][4]; \
        for (int r = 0; r < ROWS; r++) for (int j = 0; j < 4; j++) sums[r][j] = (vec){0}; \
        for (ptrdiff_t p = 0; p < k; p++) { \
            vec v[4]; \
            for (int j = 0; j < 4; j++) v[j] = load(b + j * k * 16 + p * 16); \
            for (int r = 0; r < ROWS; r++) { \
                vec x = splat(a[r * k + p]); \
                for (int j = 0; j < 4; j++) sums[r][j] = x * v[j] + sums[r][j]; \
            } \
        } \
        for (int r = 0; r < ROWS; r++) \
            for (int j = 0; j < 4; j++) { \
                float *out = c + r * n + j * LANES; \
                store(out, accumulating ? sums[r][j] + load(out) : sums[r][j]); \
            } \
    }
WIDE_BLOCK(6)
WIDE_BLOCK(4)
WIDE_BLOCK(1)
#undef WIDE_BLOCK

/// Columns start ..< start + 64 of C (start a multiple of 16) by wide blocks: rows by 6, the last 8 (where 6 would leave
/// 2) or 4 by 4, then single rows.
static void wide_columns(const float *a, ptrdiff_t m, ptrdiff_t k, const float *panels, ptrdiff_t start, float *c, ptrdiff_t ldc,
                         int accumulating) {
    const float *b = panels + (start / 16) * k * 16;
    ptrdiff_t sixes = m / 6, row = 0;
    if (m % 6 == 2 && sixes > 0) sixes--;
    for (; row < 6 * sixes; row += 6) wide_block6(a + row * k, k, b, c + row * ldc + start, ldc, accumulating);
    for (; row + 4 <= m; row += 4) wide_block4(a + row * k, k, b, c + row * ldc + start, ldc, accumulating);
    for (; row < m; row++) wide_block1(a + row * k, k, b, c + row * ldc + start, ldc, accumulating);
}
#endif

static void packed_multiply(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c, ptrdiff_t ldc, int accumulating) {
    ptrdiff_t start = 0;
#if LANES == 16
    for (; start + 64 <= n; start += 64) wide_columns(a, m, k, panels, start, c, ldc, accumulating);
#endif
    for (; start < n; start += 2 * LANES) {
        // Column `start` lies in panel start / 16 at offset start % 16; the second vector's columns LANES later.
        const float *b0 = panels + (start / 16) * k * 16 + start % 16;
        ptrdiff_t next = start + LANES;
        const float *b1 = next < n ? panels + (next / 16) * k * 16 + next % 16 : b0;
        ptrdiff_t columns = n - start < 2 * LANES ? n - start : 2 * LANES;
        ptrdiff_t row = 0;
        if (columns <= LANES) {
            for (; row + 12 <= m; row += 12) narrow_block12(a + row * k, k, b0, c + row * ldc + start, ldc, columns, accumulating);
            for (; row + 4 <= m; row += 4) narrow_block4(a + row * k, k, b0, c + row * ldc + start, ldc, columns, accumulating);
            for (; row < m; row++) narrow_block1(a + row * k, k, b0, c + row * ldc + start, ldc, columns, accumulating);
            continue;
        }
        for (; row + TALL <= m; row += TALL) tall_block(a + row * k, k, b0, b1, c + row * ldc + start, ldc, columns, accumulating);
        for (; row + 4 <= m; row += 4) block4(a + row * k, k, b0, b1, c + row * ldc + start, ldc, columns, accumulating);
        for (; row < m; row++) block1(a + row * k, k, b0, b1, c + row * ldc + start, ldc, columns, accumulating);
    }
}

/// `rows` (1 or 2) rows of C [m x n] = A B^T (+ C when accumulating) for A [m x k] and B [n x k], n (at most 12) known
/// at the call: the n dot products of each row vectorised along k, every lane used, each vector of A and B loaded once
/// per block, the 2 n sums in registers.
INLINE void dots_block(const float *a, ptrdiff_t k, const float *b, const int n, const int rows, float *c, int accumulating) {
    vec sums[2][12];
    for (int r = 0; r < rows; r++) for (int j = 0; j < n; j++) sums[r][j] = splat(0);
    ptrdiff_t p = 0;
    for (; p + LANES <= k; p += LANES) {
        vec x[2];
        for (int r = 0; r < rows; r++) x[r] = load(a + r * k + p);
        for (int j = 0; j < n; j++) {
            const vec w = load(b + j * k + p);
            for (int r = 0; r < rows; r++) sums[r][j] = x[r] * w + sums[r][j];
        }
    }
    if (p < k) {
        vec x[2];
        for (int r = 0; r < rows; r++) x[r] = load_part(a + r * k + p, k - p);
        for (int j = 0; j < n; j++) {
            const vec w = load_part(b + j * k + p, k - p);
            for (int r = 0; r < rows; r++) sums[r][j] = x[r] * w + sums[r][j];
        }
    }
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < n; j++) {
            const float total = horizontal_sum(sums[r][j]);
            c[r * n + j] = accumulating ? c[r * n + j] + total : total;
        }
    }
}

/// C [m x n] = A B^T, or C += A B^T when `accumulating`, for A [m x k] and B [n x k] (row-major) with n at most 12:
/// dot products vectorised along k, two rows of A at a time.
static void narrow_dots(const float *a, ptrdiff_t m, ptrdiff_t k, const float *b, ptrdiff_t n, float *c, int accumulating) {
    switch (n) {
#define NARROW_DOTS_CASE(N) \
    case N: { \
        ptrdiff_t row = 0; \
        for (; row + 2 <= m; row += 2) dots_block(a + row * k, k, b, N, 2, c + row * N, accumulating); \
        for (; row < m; row++) dots_block(a + row * k, k, b, N, 1, c + row * N, accumulating); \
        return; \
    }
    NARROW_DOTS_CASE(1) NARROW_DOTS_CASE(2) NARROW_DOTS_CASE(3) NARROW_DOTS_CASE(4) NARROW_DOTS_CASE(5) NARROW_DOTS_CASE(6)
    NARROW_DOTS_CASE(7) NARROW_DOTS_CASE(8) NARROW_DOTS_CASE(9) NARROW_DOTS_CASE(10) NARROW_DOTS_CASE(11) NARROW_DOTS_CASE(12)
#undef NARROW_DOTS_CASE
    default: abort();
    }
}

// The cells: rows are independent; each row's `size` values go LANES at a time, a partial vector last.
#define FOR_VECTORS(size, j, lanes) \
    for (ptrdiff_t j = 0, lanes = (size) < LANES ? (size) : LANES; j < (size); j += LANES, lanes = (size) - j < LANES ? (size) - j : LANES)

static void rnn_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    for (ptrdiff_t row = first; row < end; row++) {
        ptrdiff_t base = row * size;
        FOR_VECTORS(size, j, lanes) {
            vec a = load_part(s->input + base + j, lanes) + load_part(s->recurrent + base + j, lanes);
            store_part(s->hidden + base + j, vtanh(a), lanes);
        }
    }
}

static void gru_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    for (ptrdiff_t row = first; row < end; row++) {
        ptrdiff_t gate = row * 3 * size, base = row * size;
        FOR_VECTORS(size, j, lanes) {
            vec r = vsigmoid(load_part(s->input + gate + j, lanes) + load_part(s->recurrent + gate + j, lanes));
            vec z = vsigmoid(load_part(s->input + gate + size + j, lanes) + load_part(s->recurrent + gate + size + j, lanes));
            vec hn = load_part(s->recurrent + gate + 2 * size + j, lanes) + load_part(s->hidden_bias + j, lanes);
            vec nn = vtanh(load_part(s->input + gate + 2 * size + j, lanes) + r * hn);
            vec previous = load_part(s->previous_hidden + base + j, lanes);
            store_part(s->gates + gate + j, r, lanes);
            store_part(s->gates + gate + size + j, z, lanes);
            store_part(s->gates + gate + 2 * size + j, nn, lanes);
            store_part(s->extra + base + j, hn, lanes);
            store_part(s->hidden + base + j, nn + z * (previous - nn), lanes);
        }
    }
}

static void lstm_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    for (ptrdiff_t row = first; row < end; row++) {
        ptrdiff_t gate = row * 4 * size, base = row * size;
        FOR_VECTORS(size, j, lanes) {
#define PRE(g) (load_part(s->input + gate + (g) * size + j, lanes) + load_part(s->recurrent + gate + (g) * size + j, lanes))
            vec i = vsigmoid(PRE(0)), f = vsigmoid(PRE(1)), g = vtanh(PRE(2)), o = vsigmoid(PRE(3));
#undef PRE
            vec c = f * load_part(s->previous_cell + base + j, lanes) + i * g;
            vec tc = vtanh(c);
            store_part(s->gates + gate + j, i, lanes);
            store_part(s->gates + gate + size + j, f, lanes);
            store_part(s->gates + gate + 2 * size + j, g, lanes);
            store_part(s->gates + gate + 3 * size + j, o, lanes);
            store_part(s->cell + base + j, c, lanes);
            store_part(s->extra + base + j, tc, lanes);
            store_part(s->hidden + base + j, o * tc, lanes);
        }
    }
}

static void rnn_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    for (ptrdiff_t row = first; row < end; row++) {
        ptrdiff_t base = row * size;
        FOR_VECTORS(size, j, lanes) {
            vec h = load_part(s->hidden + base + j, lanes);
            store_part(d->input_gradient + base + j, load_part(d->hidden_gradient + base + j, lanes) * (1.0f - h * h), lanes);
        }
    }
}

static void gru_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    for (ptrdiff_t row = first; row < end; row++) {
        ptrdiff_t gate = row * 3 * size, base = row * size;
        FOR_VECTORS(size, j, lanes) {
            vec r = load_part(s->gates + gate + j, lanes), z = load_part(s->gates + gate + size + j, lanes);
            vec nn = load_part(s->gates + gate + 2 * size + j, lanes);
            vec dh = load_part(d->hidden_gradient + base + j, lanes);
            vec previous = load_part(s->previous_hidden + base + j, lanes);
            vec dn = dh * (1.0f - z) * (1.0f - nn * nn);
            vec dz = dh * (previous - nn) * z * (1.0f - z);
            vec dr = dn * load_part(s->extra + base + j, lanes) * r * (1.0f - r);
            store_part(d->input_gradient + gate + j, dr, lanes);
            store_part(d->input_gradient + gate + size + j, dz, lanes);
            store_part(d->input_gradient + gate + 2 * size + j, dn, lanes);
            store_part(d->recurrent_gradient + gate + j, dr, lanes);
            store_part(d->recurrent_gradient + gate + size + j, dz, lanes);
            store_part(d->recurrent_gradient + gate + 2 * size + j, dn * r, lanes);
            store_part(d->direct_hidden_gradient + base + j, dh * z, lanes);
        }
    }
}

static void lstm_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    for (ptrdiff_t row = first; row < end; row++) {
        ptrdiff_t gate = row * 4 * size, base = row * size;
        FOR_VECTORS(size, j, lanes) {
            vec i = load_part(s->gates + gate + j, lanes), f = load_part(s->gates + gate + size + j, lanes);
            vec g = load_part(s->gates + gate + 2 * size + j, lanes), o = load_part(s->gates + gate + 3 * size + j, lanes);
            vec tc = load_part(s->extra + base + j, lanes);
            vec dh = load_part(d->hidden_gradient + base + j, lanes);
            vec dc = load_part(d->cell_gradient + base + j, lanes) + dh * o * (1.0f - tc * tc);
            store_part(d->input_gradient + gate + j, dc * g * i * (1.0f - i), lanes);
            store_part(d->input_gradient + gate + size + j, dc * load_part(s->previous_cell + base + j, lanes) * f * (1.0f - f), lanes);
            store_part(d->input_gradient + gate + 2 * size + j, dc * i * (1.0f - g * g), lanes);
            store_part(d->input_gradient + gate + 3 * size + j, dh * tc * o * (1.0f - o), lanes);
            store_part(d->cell_gradient + base + j, dc * f, lanes);
        }
    }
}

/// `rows` output channels from o x `vectors` vectors of one output row from x, in registers: every tap of the
/// padded image's rows multiplied into them (each load feeds every channel, and the sums are independent chains).
INLINE void direct_convolution_block(const float *image, ptrdiff_t channels, ptrdiff_t padded_height, ptrdiff_t padded_width,
                                     const float *weights, const float *bias, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t o,
                                     ptrdiff_t y, ptrdiff_t x, int rows, int vectors, ptrdiff_t out_height, ptrdiff_t out_width,
                                     float *out) {
    ptrdiff_t patch = channels * kh * kw;
    vec sums[8][2];
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < vectors; v++) sums[r][v] = splat(bias ? bias[o + r] : 0);
    for (ptrdiff_t c = 0; c < channels; c++) {
        for (ptrdiff_t i = 0; i < kh; i++) {
            const float *row = image + (c * padded_height + y + i) * padded_width + x;
            const float *taps = weights + o * patch + (c * kh + i) * kw;
            for (ptrdiff_t j = 0; j < kw; j++) {
                vec pixels[2];
                for (int v = 0; v < vectors; v++) pixels[v] = load(row + j + v * LANES);
                for (int r = 0; r < rows; r++) {
                    vec w = splat(taps[r * patch + j]);
                    for (int v = 0; v < vectors; v++) sums[r][v] = w * pixels[v] + sums[r][v];
                }
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        float *plane = out + (o + r) * out_height * out_width + y * out_width;
        for (int v = 0; v < vectors; v++) {
            ptrdiff_t left = out_width - x - v * LANES;
            if (left > 0) store_part(plane + x + v * LANES, sums[r][v], left < LANES ? left : LANES);
        }
    }
}

/// One image's convolution from its zero-padded copy (rows `padded_width` wide, readable to a multiple of 2 vectors
/// past every output row): blocks of 8 (AVX-512), 4, 2 and 1 output channels x 2 vectors of an output row.
static void direct_convolution(const float *image, ptrdiff_t channels, ptrdiff_t padded_height, ptrdiff_t padded_width,
                               const float *weights, const float *bias, ptrdiff_t out_channels, ptrdiff_t kh, ptrdiff_t kw,
                               ptrdiff_t out_height, ptrdiff_t out_width, float *out) {
    for (ptrdiff_t y = 0; y < out_height; y++) {
        for (ptrdiff_t x = 0; x < out_width; x += 2 * LANES) {
            int vectors = out_width - x > LANES ? 2 : 1;
            ptrdiff_t o = 0;
#define BLOCK(rows, v) direct_convolution_block(image, channels, padded_height, padded_width, weights, bias, kh, kw, o, y, x, \
                                                rows, v, out_height, out_width, out)
            // Blocks of 8 filters only with 32 vector registers (AVX-512): with 16, 8 x 2 sums and their operands spill.
            if (LANES >= 16)
                for (; o + 8 <= out_channels; o += 8) { if (vectors == 2) BLOCK(8, 2); else BLOCK(8, 1); }
            for (; o + 4 <= out_channels; o += 4) { if (vectors == 2) BLOCK(4, 2); else BLOCK(4, 1); }
            if (o + 2 <= out_channels) { if (vectors == 2) BLOCK(2, 2); else BLOCK(2, 1); o += 2; }
            if (o < out_channels) { if (vectors == 2) BLOCK(1, 2); else BLOCK(1, 1); }
#undef BLOCK
        }
    }
}

/// The filter gradient's lane sums: partials[(c, i, j) * 16 + lane] += lanes of the sum over output rows of
/// gradient row . image row (c, y + i) shifted by j (the first LANES of each 16 used; the caller adds the lanes
/// once, after all images), four taps j at a time in independent sums that share each gradient load (the image
/// readable 3 floats past its rows' ends).
static void direct_convolution_filter_gradient(const float *image, ptrdiff_t channels, ptrdiff_t padded_height, ptrdiff_t padded_width,
                                               const float *gradient, ptrdiff_t gradient_width, ptrdiff_t kh, ptrdiff_t kw,
                                               ptrdiff_t out_height, float *partials) {
    for (ptrdiff_t c = 0; c < channels; c++) {
        for (ptrdiff_t i = 0; i < kh; i++) {
            for (ptrdiff_t j = 0; j < kw; j += 4) {
                vec partial[4] = {{0}, {0}, {0}, {0}};
                for (ptrdiff_t y = 0; y < out_height; y++) {
                    const float *row = image + (c * padded_height + y + i) * padded_width + j, *g = gradient + y * gradient_width;
                    for (ptrdiff_t x = 0; x < gradient_width; x += LANES) {
                        vec gv = load(g + x);
                        for (int t = 0; t < 4; t++) partial[t] = gv * load(row + x + t) + partial[t];
                    }
                }
                for (int t = 0; t < 4 && j + t < kw; t++) {
                    float *lanes = partials + ((c * kh + i) * kw + j + t) * 16;
                    store(lanes, load(lanes) + partial[t]);
                }
            }
        }
    }
}

/// One channel's taps (at most 25) for one vector of output channels from ov, summed over the image's pixels in
/// registers: each pixel's gradient vector times every tap's input pixel.
INLINE void filter_gradient_by_channel_block(const float *image, ptrdiff_t c, ptrdiff_t padded_height, ptrdiff_t padded_width,
                                             const float *gradient, ptrdiff_t out_stride, ptrdiff_t ov, ptrdiff_t out_height,
                                             ptrdiff_t out_width, int kh, int kw, float *partials) {
    vec sums[25];
    for (int t = 0; t < kh * kw; t++) sums[t] = (vec){0};
    for (ptrdiff_t y = 0; y < out_height; y++) {
        for (ptrdiff_t x = 0; x < out_width; x++) {
            vec g = load(gradient + (y * out_width + x) * out_stride + ov);
            const float *window = image + (c * padded_height + y) * padded_width + x;
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++) sums[i * kw + j] = splat(window[i * padded_width + j]) * g + sums[i * kw + j];
        }
    }
    for (int t = 0; t < kh * kw; t++) {
        float *slot = partials + (c * kh * kw + t) * out_stride + ov;
        store(slot, load(slot) + sums[t]);
    }
}

/// One image's filter gradient vectorised over output channels, for maps narrower than a vector: partials[(c, i,
/// j) * out_stride + o] += the sum over y, x of gradient[(y * out_width + x) * out_stride + o] * image[c, y + i,
/// x + j] (the gradient pixel-major, out_stride a multiple of 16 with zeros past the channels; kh * kw <= 25).
static void direct_convolution_filter_gradient_by_channel(const float *image, ptrdiff_t channels, ptrdiff_t padded_height,
                                                          ptrdiff_t padded_width, const float *gradient, ptrdiff_t out_stride,
                                                          ptrdiff_t out_height, ptrdiff_t out_width, ptrdiff_t kh, ptrdiff_t kw,
                                                          float *partials) {
    for (ptrdiff_t c = 0; c < channels; c++) {
        for (ptrdiff_t ov = 0; ov < out_stride; ov += LANES) {
#define BLOCK(h, w) filter_gradient_by_channel_block(image, c, padded_height, padded_width, gradient, out_stride, ov, out_height, \
                                                     out_width, h, w, partials)
            if (kh == 5 && kw == 5) BLOCK(5, 5);
            else if (kh == 3 && kw == 3) BLOCK(3, 3);
            else BLOCK((int)kh, (int)kw);
#undef BLOCK
        }
    }
}

// Lowerings: for each channel c of the range, image n and kernel tap (taps innermost, so that one input plane
// stays in cache), `plane` is the offset of plane (n, c) in the input and `row` that of image n's part of
// the lowered row (c, tap).
#define FOR_EACH_TAP(g, first_channel, end_channel, ...) \
    for (ptrdiff_t c = first_channel; c < end_channel; c++) \
        for (ptrdiff_t n = 0; n < g->batch; n++) \
            for (ptrdiff_t tap = 0, taps = g->kernel_height * g->kernel_width; tap < taps; tap++) { \
                ptrdiff_t positions = g->out_height * g->out_width; \
                ptrdiff_t plane = (n * g->channels + c) * g->height * g->width; \
                ptrdiff_t row = (c * taps + tap) * g->batch * positions + n * positions; \
                __VA_ARGS__ \
            }

static void im2col_gathered(const float *x, const zoo_lowering *g, const int32_t *table, ptrdiff_t first_channel, ptrdiff_t end_channel,
                            float *columns) {
    FOR_EACH_TAP(g, first_channel, end_channel, {
        const float *source = x + plane;
        const int32_t *offsets = table + tap * positions;
        float *out = columns + row;
        for (ptrdiff_t p = 0; p < positions; p++) out[p] = offsets[p] < 0 ? 0 : source[offsets[p]];
    })
}

static void col2im_gathered(const float *columns, const zoo_lowering *g, const int32_t *table, ptrdiff_t first_channel,
                            ptrdiff_t end_channel, float *dx) {
    FOR_EACH_TAP(g, first_channel, end_channel, {
        float *target = dx + plane;
        const int32_t *offsets = table + tap * positions;
        const float *source = columns + row;
        if (tap == 0) memset(target, 0, sizeof(float) * g->height * g->width);
        for (ptrdiff_t p = 0; p < positions; p++) if (offsets[p] >= 0) target[offsets[p]] += source[p];
    })
}

/// Where kernel tap (ki, kj) of a stride-1, width-keeping lowering reads: output position j reads input
/// j + offset for output rows first_row ..< end_row (those whose input row exists); within them the span
/// first ..< first + count holds every valid entry, and also the entries of the column strip
/// strip_first ..< strip_end of each of those rows that a plain shift wraps in from the neighbouring row.
typedef struct { ptrdiff_t first_row, end_row, offset, first, count, strip_first, strip_end; } shifted_span;

INLINE shifted_span shifted_span_of(const zoo_lowering *g, ptrdiff_t tap) {
    ptrdiff_t ki = tap / g->kernel_width, kj = tap % g->kernel_width, w = g->width;
    shifted_span s;
    s.first_row = g->padding - ki > 0 ? g->padding - ki : 0;
    if (s.first_row > g->out_height) s.first_row = g->out_height;
    s.end_row = g->height + g->padding - ki < g->out_height ? g->height + g->padding - ki : g->out_height;
    if (s.end_row < s.first_row) s.end_row = s.first_row;
    ptrdiff_t shift = kj - g->padding;
    s.offset = (ki - g->padding) * w + shift;
    s.first = s.first_row * w + (shift < 0 ? -shift : 0);
    s.count = s.end_row * w - (shift > 0 ? shift : 0) - s.first;
    if (s.count < 0) s.count = 0;
    s.strip_first = shift < 0 ? 0 : (w - shift > 0 ? w - shift : 0);
    s.strip_end = shift < 0 ? (-shift < w ? -shift : w) : (shift == 0 ? 0 : w);
    if (shift == 0) s.strip_first = s.strip_end = 0;
    return s;
}

static void im2col_shifted(const float *x, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *columns) {
    ptrdiff_t w = g->width;
    FOR_EACH_TAP(g, first_channel, end_channel, {
        shifted_span s = shifted_span_of(g, tap);
        float *out = columns + row;
        memset(out, 0, sizeof(float) * s.first_row * w);
        if (s.count > 0) memcpy(out + s.first, x + plane + s.first + s.offset, sizeof(float) * s.count);  // (else see col2im)
        for (ptrdiff_t y = s.first_row; y < s.end_row; y++)
            for (ptrdiff_t i = s.strip_first; i < s.strip_end; i++) out[y * w + i] = 0;
        memset(out + s.end_row * w, 0, sizeof(float) * (positions - s.end_row * w));
    })
}

static void col2im_shifted(float *columns, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *dx) {
    ptrdiff_t w = g->width;
    FOR_EACH_TAP(g, first_channel, end_channel, {
        shifted_span s = shifted_span_of(g, tap);
        float *source = columns + row;
        if (tap == 0) memset(dx + plane, 0, sizeof(float) * g->height * w);
        if (s.count > 0) {  // (else first + offset may point before the plane)
            for (ptrdiff_t y = s.first_row; y < s.end_row; y++)
                for (ptrdiff_t i = s.strip_first; i < s.strip_end; i++) source[y * w + i] = 0;
            float *target = dx + plane + s.first + s.offset;
            source += s.first;
            ptrdiff_t i = 0;
            for (; i + LANES <= s.count; i += LANES) store(target + i, load(target + i) + load(source + i));
            for (; i < s.count; i++) target[i] += source[i];
        }
    })
}

/// The output columns first ..< end whose input column (xo * stride - padding + kj) lies inside the image.
INLINE void valid_output_columns(const zoo_lowering *g, ptrdiff_t kj, ptrdiff_t *first, ptrdiff_t *end) {
    ptrdiff_t before = g->padding - kj, last = g->width - 1 + g->padding - kj;
    *first = before <= 0 ? 0 : (before + g->stride - 1) / g->stride;
    if (*first > g->out_width) *first = g->out_width;
    *end = last < 0 ? 0 : last / g->stride + 1;
    if (*end > g->out_width) *end = g->out_width;
    if (*end < *first) *end = *first;
}

// Row by row, a lowered row (channel, tap) at a time over every image, so that writes (im2col) and reads
// (col2im) of the lowered matrix stream through it in order: tap by tap within each image measured LeNet
// 1.6x slower, jumping between 25 rows.
#define FOR_EACH_ROW(g, first_channel, end_channel, ...) \
    for (ptrdiff_t c = first_channel; c < end_channel; c++) \
        for (ptrdiff_t tap = 0, taps = g->kernel_height * g->kernel_width; tap < taps; tap++) { \
            ptrdiff_t ki = tap / g->kernel_width, kj = tap % g->kernel_width, first, end; \
            valid_output_columns(g, kj, &first, &end); \
            ptrdiff_t positions = g->out_height * g->out_width, area = g->height * g->width; \
            for (ptrdiff_t n = 0; n < g->batch; n++) { \
                ptrdiff_t plane = (n * g->channels + c) * area; \
                ptrdiff_t row = (c * taps + tap) * g->batch * positions + n * positions; \
                __VA_ARGS__ \
            } \
        }

static void im2col_rows(const float *x, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *columns) {
    ptrdiff_t ow = g->out_width, stride = g->stride;
    FOR_EACH_ROW(g, first_channel, end_channel, {
        float *out = columns + row;
        for (ptrdiff_t y = 0; y < g->out_height; y++, out += ow) {
            ptrdiff_t iy = y * stride - g->padding + ki;
            if (iy < 0 || iy >= g->height) { memset(out, 0, sizeof(float) * ow); continue; }
            const float *line = x + plane + iy * g->width - g->padding + kj;
            for (ptrdiff_t i = 0; i < first; i++) out[i] = 0;
            if (stride == 1) {
                ptrdiff_t i = first;
                for (; i + LANES <= end; i += LANES) store(out + i, load(line + i));
                for (; i < end; i++) out[i] = line[i];
            } else {
                for (ptrdiff_t i = first; i < end; i++) out[i] = line[i * stride];
            }
            for (ptrdiff_t i = end; i < ow; i++) out[i] = 0;
        }
    })
}

static void col2im_rows(const float *columns, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *dx) {
    ptrdiff_t ow = g->out_width, stride = g->stride;
    for (ptrdiff_t c = first_channel; c < end_channel; c++)
        for (ptrdiff_t n = 0; n < g->batch; n++) memset(dx + (n * g->channels + c) * g->height * g->width, 0, sizeof(float) * g->height * g->width);
    FOR_EACH_ROW(g, first_channel, end_channel, {
        const float *source = columns + row;
        for (ptrdiff_t y = 0; y < g->out_height; y++, source += ow) {
            ptrdiff_t iy = y * stride - g->padding + ki;
            if (iy < 0 || iy >= g->height) continue;
            float *line = dx + plane + iy * g->width - g->padding + kj;
            if (stride == 1) {
                ptrdiff_t i = first;
                for (; i + LANES <= end; i += LANES) store(line + i, load(line + i) + load(source + i));
                for (; i < end; i++) line[i] += source[i];
            } else {
                for (ptrdiff_t i = first; i < end; i++) line[i * stride] += source[i];
            }
        }
    })
}

static float sum(const float *x, ptrdiff_t count) {
    vec total = {0};
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) total += load(x + i);
    float result = horizontal_sum(total);
    for (; i < count; i++) result += x[i];
    return result;
}

static float dot(const float *a, const float *b, ptrdiff_t count) {
    vec total = {0};
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) total = load(a + i) * load(b + i) + total;
    float result = horizontal_sum(total);
    for (; i < count; i++) result += a[i] * b[i];
    return result;
}

static float sum_of_squared_deviations(const float *x, ptrdiff_t count, float center) {
    vec total = {0};
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        vec d = load(x + i) - center;
        total = d * d + total;
    }
    float result = horizontal_sum(total);
    for (; i < count; i++) result += (x[i] - center) * (x[i] - center);
    return result;
}

static void sum_and_centered_product(const float *g, const float *x, ptrdiff_t count, float center, float *sum_out, float *product_out) {
    vec sums = {0}, products = {0};
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        vec gv = load(g + i);
        sums += gv;
        products = gv * (load(x + i) - center) + products;
    }
    float s = horizontal_sum(sums), p = horizontal_sum(products);
    for (; i < count; i++) { s += g[i]; p += g[i] * (x[i] - center); }
    *sum_out = s;
    *product_out = p;
}

static void scale_shift(const float *x, float *y, ptrdiff_t count, float scale, float shift) {
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) store(y + i, load(x + i) * scale + shift);
    for (; i < count; i++) y[i] = x[i] * scale + shift;
}

// Dropout's mask: ZOO_DROPOUT_STREAMS xoshiro128** streams as one vector of 32-bit words whatever LANES is (the compiler
// splits it into the target's vectors), so that every instruction set draws the same mask.
typedef uint32_t stream_words __attribute__((vector_size(ZOO_DROPOUT_STREAMS * 4), aligned(4)));
typedef int32_t stream_ints __attribute__((vector_size(ZOO_DROPOUT_STREAMS * 4), aligned(4)));

// (A macro: a function taking a 64-byte vector would change the ABI where the target's vectors are narrower.)
#define ROTATE_LEFT(x, k) ((x) << (k) | (x) >> (32 - (k)))

static void dropout_mask(uint32_t *state, float *mask, ptrdiff_t count, uint32_t threshold, float keep) {
    stream_words s[4];
    memcpy(s, state, sizeof s);
    uint32_t keep_bits;
    memcpy(&keep_bits, &keep, 4);
    for (ptrdiff_t i = 0; i < count; i += ZOO_DROPOUT_STREAMS) {
        stream_words draw = ROTATE_LEFT(s[1] * 5, 7) * 9, t = s[1] << 9;
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
        s[3] = ROTATE_LEFT(s[3], 11);
        // The top 24 bits fit a signed compare (AVX2 has no unsigned one); a kept lane is all ones, ANDed with keep's bits.
        stream_words values = (stream_words)((stream_ints)(draw >> 8) >= (int32_t)threshold) & keep_bits;
        ptrdiff_t n = count - i < ZOO_DROPOUT_STREAMS ? count - i : ZOO_DROPOUT_STREAMS;
        memcpy(mask + i, &values, (size_t)n * 4);
    }
    memcpy(state, s, sizeof s);
}

static void batch_norm_input_gradient(const float *x, const float *dy, float *dx, ptrdiff_t count, float mean, float inverse_std,
                                      float k, float m, float sum_gradient, float sum_gradient_xhat) {
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        vec xhat = (load(x + i) - mean) * inverse_std;
        store(dx + i, k * (m * load(dy + i) - sum_gradient - xhat * sum_gradient_xhat));
    }
    for (; i < count; i++) dx[i] = k * (m * dy[i] - sum_gradient - (x[i] - mean) * inverse_std * sum_gradient_xhat);
}

// A 3x3, 5x5 or 7x7 convolution straight from a channel-major batch (no lowered matrix). Each channel holds `planes` planes
// of `positions` floats (positions = images * height * width, the output's map): one for stride 1, the input itself;
// four for stride 2 (3x3 and 7x7), the input's row and column parities (its lowering by a 2x2 stride-2 window). Tap t
// reads plane plane_t shifted by (dy_t, dx_t) on the map: output pixel j (j = image * height * width + row * width +
// column) of output channel o is the sum over channels c and taps t of w[o, c, t] x[c, j + offsets[t]], offsets[t] =
// plane_t positions + dy_t width + dx_t, where row + dy_t and column + dx_t stay inside the map; a lane's tap is masked
// where they leave it. Which lanes leave depends only on the pixel's place in its image, j mod (height * width): the
// caller tabulates it per tap (`zoo_taps`), once per convolution.
#define IMPLICIT_ROWS (LANES >= 16 ? 8 : 4)
#define IMPLICIT_MAX_TAPS 49
_Static_assert(LANES <= ZOO_TAP_SLACK, "a vector's mask reads past its map's table row");

typedef signed char vbyte __attribute__((vector_size(LANES)));

/// The mask of the LANES pixels from place p of an image's map (a row of `zoo_taps.inside`).
INLINE vint inside_mask(const signed char *row, ptrdiff_t p) {
    vbyte bytes;
    __builtin_memcpy(&bytes, row + p, sizeof bytes);
    return __builtin_convertvector(bytes, vint);
}

/// The place in its image's map of the pixel LANES after the one at place p.
INLINE ptrdiff_t next_place(ptrdiff_t p, ptrdiff_t area) {
    for (p += LANES; p >= area; p -= area) {}
    return p;
}

/// Output channels o ..< o + IMPLICIT_ROWS of the VECS vectors of pixels from j (place p of its image's map), in
/// registers; weights packed as [out_channels / 8][channels * TAPS][8]. TAPS and VECS are constants at each call.
INLINE void implicit_panel(const float *x, ptrdiff_t channels, ptrdiff_t planes, ptrdiff_t positions, const zoo_taps *taps,
                           const int TAPS, const int VECS, const float *weights, ptrdiff_t out_channels, ptrdiff_t j,
                           ptrdiff_t p, float *y) {
    const ptrdiff_t area = taps->area, row_bytes = area + ZOO_TAP_SLACK, *offsets = taps->offsets;
    const vec zero = {0};
    vint masks[IMPLICIT_MAX_TAPS][3];
    for (int v = 0; v < VECS; v++, p = next_place(p, area))
        for (int t = 0; t < TAPS; t++) masks[t][v] = inside_mask(taps->inside + t * row_bytes, p);
    for (ptrdiff_t o = 0; o < out_channels; o += IMPLICIT_ROWS) {
        vec sums[IMPLICIT_ROWS][3];
        for (int r = 0; r < IMPLICIT_ROWS; r++)
            for (int v = 0; v < VECS; v++) sums[r][v] = zero;
        const float *w = weights + (o / 8) * channels * TAPS * 8 + o % 8;
        for (ptrdiff_t c = 0; c < channels; c++) {
            const float *plane = x + c * planes * positions + j;
            for (int t = 0; t < TAPS; t++, w += 8) {
                vec xs[3];
                for (int v = 0; v < VECS; v++) xs[v] = blend(masks[t][v], load(plane + offsets[t] + v * LANES), zero);
                for (int r = 0; r < IMPLICIT_ROWS; r++) {
                    vec b = splat(w[r]);
                    for (int v = 0; v < VECS; v++) sums[r][v] = b * xs[v] + sums[r][v];
                }
            }
        }
        for (int r = 0; r < IMPLICIT_ROWS; r++)
            for (int v = 0; v < VECS; v++) store(y + (o + r) * positions + j + v * LANES, sums[r][v]);
    }
}

/// Vectors of pixels per panel where the registers allow (AVX-512: 8 x 3 sums, 3 inputs and a weight in 32 registers),
/// for fewer loads per multiply-add than 2: 8 weights and 3 inputs (with their masks) per 24, not 8 and 2 per 16.
#define IMPLICIT_WIDE_VECS (LANES >= 16 ? 3 : 2)

/// The convolution's output pixels first ..< end (multiples of 2 LANES): panels of IMPLICIT_WIDE_VECS vectors, the
/// rest in panels of 2 and 1 (`implicit_panel`).
INLINE void implicit_convolution_taps(const float *x, ptrdiff_t channels, ptrdiff_t planes, ptrdiff_t positions,
                                      const zoo_taps *taps, const int TAPS, const float *weights, ptrdiff_t out_channels,
                                      ptrdiff_t first, ptrdiff_t end, float *y) {
    const ptrdiff_t area = taps->area;
    ptrdiff_t j = first;
    for (; j + IMPLICIT_WIDE_VECS * LANES <= end; j += IMPLICIT_WIDE_VECS * LANES)
        implicit_panel(x, channels, planes, positions, taps, TAPS, IMPLICIT_WIDE_VECS, weights, out_channels, j, j % area, y);
    for (; j + 2 * LANES <= end; j += 2 * LANES)
        implicit_panel(x, channels, planes, positions, taps, TAPS, 2, weights, out_channels, j, j % area, y);
    for (; j < end; j += LANES)
        implicit_panel(x, channels, planes, positions, taps, TAPS, 1, weights, out_channels, j, j % area, y);
}

static void implicit_convolution(const float *x, ptrdiff_t channels, ptrdiff_t planes, ptrdiff_t positions, const zoo_taps *taps,
                                 const float *weights, ptrdiff_t out_channels, ptrdiff_t first, ptrdiff_t end, float *y) {
    if (taps->count == 9) implicit_convolution_taps(x, channels, planes, positions, taps, 9, weights, out_channels, first, end, y);
    else if (taps->count == 25) implicit_convolution_taps(x, channels, planes, positions, taps, 25, weights, out_channels, first, end, y);
    else if (taps->count == 49) implicit_convolution_taps(x, channels, planes, positions, taps, 49, weights, out_channels, first, end, y);
    else __builtin_trap();
}

/// dw[o, c, t] for 4 output channels from o and 4 channels from c, every tap: the sum over pixels j of
/// gradient[o, j] x[c, j + offsets[t]] (masked), a 4 x 4 tile of vectors in registers per tap.
INLINE void filter_gradient_tile(const float *x, const float *gradient, ptrdiff_t channels, ptrdiff_t planes, ptrdiff_t positions,
                                 ptrdiff_t o, ptrdiff_t c, const zoo_taps *taps, float *dw) {
    enum { rows = 4, columns = 4 };
    const vec zero = {0};
    const ptrdiff_t area = taps->area, tap_count = taps->count;
    for (ptrdiff_t t = 0; t < tap_count; t++) {
        vec sums[4][4];
        for (int r = 0; r < rows; r++)
            for (int s = 0; s < columns; s++) sums[r][s] = zero;
        const float *channel_planes = x + c * planes * positions + taps->offsets[t], *g = gradient + o * positions;
        const signed char *row = taps->inside + t * (area + ZOO_TAP_SLACK);
        for (ptrdiff_t j = 0, p = 0; j < positions; j += LANES, p = next_place(p, area)) {
            vint m = inside_mask(row, p);
            vec xs[4];
            for (int s = 0; s < columns; s++) xs[s] = blend(m, load(channel_planes + s * planes * positions + j), zero);
            for (int r = 0; r < rows; r++) {
                vec gr = load(g + r * positions + j);
                for (int s = 0; s < columns; s++) sums[r][s] = gr * xs[s] + sums[r][s];
            }
        }
        for (int r = 0; r < rows; r++)
            for (int s = 0; s < columns; s++) dw[((o + r) * channels + c + s) * tap_count + t] = horizontal_sum(sums[r][s]);
    }
}

/// dw[o, c, t] for 4 output channels from o, the one channel c and `count` taps from `first`: a 4 x count tile of
/// vectors in registers, for channels past the last 4 (a first layer's one to three: a tile of channels would keep one
/// column busy, loading as many vectors as it multiplies).
INLINE void filter_gradient_taps_tile(const float *x, const float *gradient, ptrdiff_t channels, ptrdiff_t planes, ptrdiff_t positions,
                                      ptrdiff_t o, ptrdiff_t c, ptrdiff_t first, int count, const zoo_taps *taps, float *dw) {
    const vec zero = {0};
    const ptrdiff_t area = taps->area, tap_count = taps->count;
    vec sums[4][4];
    for (int r = 0; r < 4; r++)
        for (int s = 0; s < count; s++) sums[r][s] = zero;
    const float *plane = x + c * planes * positions, *g = gradient + o * positions;
    for (ptrdiff_t j = 0, p = 0; j < positions; j += LANES, p = next_place(p, area)) {
        vec xs[4];
        for (int s = 0; s < count; s++) {
            vint m = inside_mask(taps->inside + (first + s) * (area + ZOO_TAP_SLACK), p);
            xs[s] = blend(m, load(plane + taps->offsets[first + s] + j), zero);
        }
        for (int r = 0; r < 4; r++) {
            vec gr = load(g + r * positions + j);
            for (int s = 0; s < count; s++) sums[r][s] = gr * xs[s] + sums[r][s];
        }
    }
    for (int r = 0; r < 4; r++)
        for (int s = 0; s < count; s++) dw[((o + r) * channels + c) * tap_count + first + s] = horizontal_sum(sums[r][s]);
}

/// The weights' gradient of the convolution above, dw [out_channels][channels][taps] for output channels first ..<
/// end (multiples of 4), from the channel-major batch x and the output's channel-major gradient [out_channels][positions]
/// (positions a multiple of LANES): tiles of 4 output x 4 input channels, vectorised over pixels, and of 4 output
/// channels x 4 taps for the channels past the last 4.
static void implicit_convolution_filter_gradient(const float *x, ptrdiff_t channels, ptrdiff_t planes, ptrdiff_t positions,
                                                 const zoo_taps *taps, const float *gradient, ptrdiff_t first, ptrdiff_t end,
                                                 float *dw) {
    for (ptrdiff_t o = first; o < end; o += 4) {
        ptrdiff_t c = 0;
        for (; c + 4 <= channels; c += 4) filter_gradient_tile(x, gradient, channels, planes, positions, o, c, taps, dw);
        for (; c < channels; c++) {
            ptrdiff_t t = 0;
            for (; t + 4 <= taps->count; t += 4) filter_gradient_taps_tile(x, gradient, channels, planes, positions, o, c, t, 4, taps, dw);
            if (t < taps->count)
                filter_gradient_taps_tile(x, gradient, channels, planes, positions, o, c, t, (int)(taps->count - t), taps, dw);
        }
    }
}

// Winograd's minimal filtering (Lavin and Gray) at stride 1 with the padding that keeps the map's size: F(2x2, 3x3), F(4x4,
// 3x3) and F(2x2, 5x5), the last two at the points 0, 1, -1, 2, -2 and infinity. Each s x s tile of the output (s =
// `side`) is A^T [(G g G^T) . (B^T d B)] A for the n x n tile d of the input around it (n = s + taps - 1), n^2 products
// where the definition takes taps^2 s^2; over channels the elementwise products are n^2 matrix products, which the caller
// hands to sgemm. The transforms below lay tiles out as n^2 matrices [channels][tiles], tiles = images x ceil(height / s)
// x ceil(width / s) in row-major order, `matrix` floats apart; maps at most ZOO_WINOGRAD_MAX_WIDTH wide. Each goes down
// the columns of a tile row's map rows at once, then along the rows a vector of tile columns at a time, a row's values
// taken apart by column modulo s (shuffles). One function per transform, specialised by `side` and `taps` (constants at
// each call).

/// Where the tiles of plane `plane` (image * channels + channel) start in each of the matrices [channels][tiles].
INLINE ptrdiff_t winograd_tiles_of(ptrdiff_t plane, ptrdiff_t channels, ptrdiff_t images, ptrdiff_t per_image) {
    return (plane % channels) * images * per_image + (plane / channels) * per_image;
}

/// Row y of a height x width plane into row[left ..< left + width], kept only where the same place of `mask`'s plane is
/// positive when mask is not NULL (a ReLU's gradient), zeros in the rest of row[0 ..< span] (all of it where y is
/// outside the plane).
INLINE void winograd_row(const float *plane, const float *mask, ptrdiff_t height, ptrdiff_t width, ptrdiff_t y, ptrdiff_t left,
                         ptrdiff_t span, float *row) {
    if (y < 0 || y >= height) { memset(row, 0, (size_t)span * sizeof(float)); return; }
    for (ptrdiff_t i = 0; i < left; i++) row[i] = 0;
    if (mask) {
        const float *from = plane + y * width, *positive = mask + y * width;
        for (ptrdiff_t i = 0; i < width; i++) row[left + i] = positive[i] > 0 ? from[i] : 0;
    } else {
        memcpy(row + left, plane + y * width, (size_t)width * sizeof(float));
    }
    for (ptrdiff_t i = left + width; i < span; i++) row[i] = 0;
}

#if LANES == 16
#define EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define LOW_INTERLEAVED 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define HIGH_INTERLEAVED 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#elif LANES == 8
#define EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14
#define ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15
#define LOW_INTERLEAVED 0, 8, 1, 9, 2, 10, 3, 11
#define HIGH_INTERLEAVED 4, 12, 5, 13, 6, 14, 7, 15
#elif LANES == 4
#define EVEN_LANES 0, 2, 4, 6
#define ODD_LANES 1, 3, 5, 7
#define LOW_INTERLEAVED 0, 4, 1, 5
#define HIGH_INTERLEAVED 2, 6, 3, 7
#else
#error "the shuffles below are written for 4, 8 and 16 lanes"
#endif

/// The even (p[0], p[2], ...) and odd (p[1], p[3], ...) of the 2 LANES floats at p: a row's values by tile column.
INLINE void deinterleave(const float *p, vec *even, vec *odd) {
    const vec a = load(p), b = load(p + LANES);
    *even = __builtin_shufflevector(a, b, EVEN_LANES);
    *odd = __builtin_shufflevector(a, b, ODD_LANES);
}

/// even[0], odd[0], even[1], odd[1], ... into the 2 LANES floats at p: a row's values from its tile columns'.
INLINE void interleave(float *p, vec even, vec odd) {
    store(p, __builtin_shufflevector(even, odd, LOW_INTERLEAVED));
    store(p + LANES, __builtin_shufflevector(even, odd, HIGH_INTERLEAVED));
}

/// The four phases (p[0], p[4], ...), (p[1], p[5], ...), (p[2], ...), (p[3], ...) of the 4 LANES floats at p.
INLINE void deinterleave4(const float *p, vec *p0, vec *p1, vec *p2, vec *p3) {
    vec e0, o0, e1, o1;
    deinterleave(p, &e0, &o0);
    deinterleave(p + 2 * LANES, &e1, &o1);
    *p0 = __builtin_shufflevector(e0, e1, EVEN_LANES);
    *p2 = __builtin_shufflevector(e0, e1, ODD_LANES);
    *p1 = __builtin_shufflevector(o0, o1, EVEN_LANES);
    *p3 = __builtin_shufflevector(o0, o1, ODD_LANES);
}

/// p0[0], p1[0], p2[0], p3[0], p0[1], ... into the 4 LANES floats at p: the inverse of `deinterleave4`.
INLINE void interleave4(float *p, vec p0, vec p1, vec p2, vec p3) {
    interleave(p, __builtin_shufflevector(p0, p2, LOW_INTERLEAVED), __builtin_shufflevector(p1, p3, LOW_INTERLEAVED));
    interleave(p + 2 * LANES, __builtin_shufflevector(p0, p2, HIGH_INTERLEAVED), __builtin_shufflevector(p1, p3, HIGH_INTERLEAVED));
}

/// Floats a transform's row buffers hold past the map's width: 8 for the rounding up to whole tiles (at most 3) and the
/// padding (at most 4), 4 LANES for the vectors read or written whole past the last tile column (`deinterleave4` at
/// 4 tx + 4 reads up to 4 tc + 4 LANES - 1 for tc tile columns); the reads' part past a row's span is zeroed
/// (`WINOGRAD_ROW_SLACK - 8` floats).
#define WINOGRAD_ROW_SLACK (8 + 4 * LANES)
/// Rows a transform buffers: an input tile's, at most.
#define WINOGRAD_ROWS 6
typedef float winograd_rows[WINOGRAD_ROWS][ZOO_WINOGRAD_MAX_WIDTH + WINOGRAD_ROW_SLACK];

/// B^T (d0 d1 d2 d3)^T for four points (F(2x2, 3x3)): d0 - d2, d1 + d2, d2 - d1, d1 - d3.
#define WINOGRAD_INPUT_4(d, t) \
    do { t[0] = d[0] - d[2]; t[1] = d[1] + d[2]; t[2] = d[2] - d[1]; t[3] = d[1] - d[3]; } while (0)
/// B^T (d0 ... d5)^T for six points (F(4x4, 3x3) and F(2x2, 5x5)).
#define WINOGRAD_INPUT_6(d, t) \
    do { \
        t[0] = 4.0f * d[0] - 5.0f * d[2] + d[4]; \
        t[1] = d[3] + d[4] - 4.0f * (d[1] + d[2]); \
        t[2] = 4.0f * (d[1] - d[2]) + d[4] - d[3]; \
        t[3] = 2.0f * (d[3] - d[1]) + d[4] - d[2]; \
        t[4] = 2.0f * (d[1] - d[3]) + d[4] - d[2]; \
        t[5] = 4.0f * d[1] - 5.0f * d[3] + d[5]; \
    } while (0)
/// A^T (m0 ... m3)^T for F(2x2, 3x3): m0 + m1 + m2, m1 - m2 - m3.
#define WINOGRAD_OUTPUT_2_4(m, s) do { s[0] = m[0] + m[1] + m[2]; s[1] = m[1] - m[2] - m[3]; } while (0)
/// A^T (m0 ... m5)^T for F(4x4, 3x3).
#define WINOGRAD_OUTPUT_4_6(m, s) \
    do { \
        const vec sum13 = m[1] + m[2], difference13 = m[1] - m[2], sum24 = m[3] + m[4], difference24 = m[3] - m[4]; \
        s[0] = m[0] + sum13 + sum24; \
        s[1] = difference13 + 2.0f * difference24; \
        s[2] = sum13 + 4.0f * sum24; \
        s[3] = difference13 + 8.0f * difference24 + m[5]; \
    } while (0)
/// A^T (m0 ... m5)^T for F(2x2, 5x5): m0 + m1 + m2 + m3 + m4, m1 - m2 + 2 (m3 - m4) + m5.
#define WINOGRAD_OUTPUT_2_6(m, s) \
    do { s[0] = m[0] + m[1] + m[2] + m[3] + m[4]; s[1] = m[1] - m[2] + 2.0f * (m[3] - m[4]) + m[5]; } while (0)
/// A (g0 g1)^T, the adjoint of A^T, for F(2x2, 3x3): g0, g0 + g1, g0 - g1, -g1.
#define WINOGRAD_ADJOINT_2_4(g, r) do { r[0] = g[0]; r[1] = g[0] + g[1]; r[2] = g[0] - g[1]; r[3] = -g[1]; } while (0)
/// A (g0 ... g3)^T for F(4x4, 3x3).
#define WINOGRAD_ADJOINT_4_6(g, r) \
    do { \
        const __typeof__(g[0]) sum02 = g[0] + g[2], sum13 = g[1] + g[3], far = g[0] + 4.0f * g[2], near = 2.0f * g[1] + 8.0f * g[3]; \
        r[0] = g[0]; r[1] = sum02 + sum13; r[2] = sum02 - sum13; r[3] = far + near; r[4] = far - near; r[5] = g[3]; \
    } while (0)
/// A (g0 g1)^T for F(2x2, 5x5): g0, g0 + g1, g0 - g1, g0 + 2 g1, g0 - 2 g1, g1.
#define WINOGRAD_ADJOINT_2_6(g, r) \
    do { \
        r[0] = g[0]; r[1] = g[0] + g[1]; r[2] = g[0] - g[1]; r[3] = g[0] + 2.0f * g[1]; r[4] = g[0] - 2.0f * g[1]; r[5] = g[1]; \
    } while (0)
/// B^T for n points, A^T and its adjoint for (side, n).
#define WINOGRAD_INPUT(n, d, t) do { if ((n) == 4) WINOGRAD_INPUT_4(d, t); else WINOGRAD_INPUT_6(d, t); } while (0)
#define WINOGRAD_OUTPUT(side, n, m, s) \
    do { if ((n) == 4) WINOGRAD_OUTPUT_2_4(m, s); else if ((side) == 4) WINOGRAD_OUTPUT_4_6(m, s); else WINOGRAD_OUTPUT_2_6(m, s); } while (0)
#define WINOGRAD_ADJOINT(side, n, g, r) \
    do { if ((n) == 4) WINOGRAD_ADJOINT_2_4(g, r); else if ((side) == 4) WINOGRAD_ADJOINT_4_6(g, r); else WINOGRAD_ADJOINT_2_6(g, r); } while (0)

/// The n vectors of tile columns tx ... of the row q: column side tx + j of each tile in d[j] (j < n).
INLINE void winograd_columns(const int side, const int n, const float *q, ptrdiff_t tx, vec *d) {
    if (side == 2) {
        for (int j = 0; j < n; j += 2) deinterleave(q + 2 * tx + j, &d[j], &d[j + 1]);
    } else {
        vec unused[2];
        deinterleave4(q + 4 * tx, &d[0], &d[1], &d[2], &d[3]);
        deinterleave4(q + 4 * tx + 4, &d[4], &d[5], &unused[0], &unused[1]);
    }
}

/// The input transform B^T d B of planes first ..< end of x (plane = image * channels + channel, each height x width;
/// kept only where `mask`, of x's shape, is positive when it is not NULL) into v's n^2 matrices [channels][tiles]: the
/// tile of tile (ty, tx) starts at row side ty - taps / 2 and column side tx - taps / 2, zeros outside the map. A tile
/// row shares taps - 1 map rows with the next, built once.
INLINE void winograd_input_planes(const int side, const int taps, const float *x, const float *mask, ptrdiff_t images,
                                  ptrdiff_t channels, ptrdiff_t height, ptrdiff_t width, ptrdiff_t first, ptrdiff_t end,
                                  ptrdiff_t matrix, float *v) {
    const int n = side + taps - 1, shared = taps - 1, pad = taps / 2;
    const ptrdiff_t tile_rows = (height + side - 1) / side, tile_columns = (width + side - 1) / side;
    const ptrdiff_t per_image = tile_rows * tile_columns, span = side * tile_columns + shared;
    winograd_rows buffers, t;
    for (int i = 0; i < n; i++) memset(t[i] + span, 0, (WINOGRAD_ROW_SLACK - 8) * sizeof(float));
    for (ptrdiff_t plane = first; plane < end; plane++) {
        const float *source = x + plane * height * width, *kept = mask ? mask + plane * height * width : 0;
        float *out = v + winograd_tiles_of(plane, channels, images, per_image);
        float *rows[WINOGRAD_ROWS];
        for (int r = 0; r < n; r++) rows[r] = buffers[r];
        for (int r = 0; r < shared; r++) winograd_row(source, kept, height, width, r - pad, pad, span, rows[r]);
        for (ptrdiff_t ty = 0; ty < tile_rows; ty++) {
            for (int r = shared; r < n; r++) winograd_row(source, kept, height, width, side * ty - pad + r, pad, span, rows[r]);
            for (ptrdiff_t i = 0; i < span; i++) {
                float d[WINOGRAD_ROWS], column[WINOGRAD_ROWS];
                for (int r = 0; r < n; r++) d[r] = rows[r][i];
                WINOGRAD_INPUT(n, d, column);
                for (int r = 0; r < n; r++) t[r][i] = column[r];
            }
            // The last `shared` rows come first for the next tile row; the others' buffers take its new rows.
            float *reused[WINOGRAD_ROWS];
            for (int r = 0; r < n; r++) reused[r] = rows[r];
            for (int r = 0; r < n; r++) rows[r] = reused[(r + side) % n];
            float *o = out + ty * tile_columns;
            for (int i = 0; i < n; i++) {
                FOR_VECTORS(tile_columns, tx, lanes) {
                    vec d[WINOGRAD_ROWS], row[WINOGRAD_ROWS];
                    winograd_columns(side, n, t[i], tx, d);
                    WINOGRAD_INPUT(n, d, row);
                    for (int j = 0; j < n; j++) store_part(o + (n * i + j) * matrix + tx, row[j], lanes);
                }
            }
        }
    }
}

/// The output transform A^T m A from m's n^2 matrices [out_channels][tiles] into planes first ..< end of y (plane =
/// image * out_channels + channel, height x width), plus bias[channel] when bias is not NULL.
INLINE void winograd_output_planes(const int side, const int taps, const float *m, ptrdiff_t images, ptrdiff_t out_channels,
                                   ptrdiff_t height, ptrdiff_t width, ptrdiff_t matrix, const float *bias, ptrdiff_t first,
                                   ptrdiff_t end, float *y) {
    const int n = side + taps - 1;
    const ptrdiff_t tile_rows = (height + side - 1) / side, tile_columns = (width + side - 1) / side;
    const ptrdiff_t per_image = tile_rows * tile_columns;
    winograd_rows rows;
    for (ptrdiff_t plane = first; plane < end; plane++) {
        const vec shift = splat(bias ? bias[plane % out_channels] : 0);
        const float *in = m + winograd_tiles_of(plane, out_channels, images, per_image);
        float *target = y + plane * height * width;
        for (ptrdiff_t ty = 0; ty < tile_rows; ty++) {
            const float *q = in + ty * tile_columns;
            FOR_VECTORS(tile_columns, tx, lanes) {
                vec s[4][WINOGRAD_ROWS];  // A^T down each of the tile's columns: s[k][j] row k, column j
                for (int j = 0; j < n; j++) {
                    vec column[WINOGRAD_ROWS], down[4];
                    for (int i = 0; i < n; i++) column[i] = load_part(q + (n * i + j) * matrix + tx, lanes);
                    WINOGRAD_OUTPUT(side, n, column, down);
                    for (int k = 0; k < side; k++) s[k][j] = down[k];
                }
                for (int k = 0; k < side; k++) {
                    vec out[4];
                    WINOGRAD_OUTPUT(side, n, s[k], out);
                    if (side == 2) interleave(rows[k] + 2 * tx, out[0] + shift, out[1] + shift);
                    else interleave4(rows[k] + 4 * tx, out[0] + shift, out[1] + shift, out[2] + shift, out[3] + shift);
                }
            }
            for (int k = 0; k < side && side * ty + k < height; k++) {
                memcpy(target + (side * ty + k) * width, rows[k], (size_t)width * sizeof(float));
            }
        }
    }
}

/// The adjoint of the output transform, A g A^T per tile, from planes first ..< end of the output's gradient g (plane =
/// image * out_channels + channel, height x width; kept only where `mask` is positive when it is not NULL) into dm's n^2
/// matrices [out_channels][tiles].
INLINE void winograd_adjoint_planes(const int side, const int taps, const float *g, const float *mask, ptrdiff_t images,
                                    ptrdiff_t out_channels, ptrdiff_t height, ptrdiff_t width, ptrdiff_t first, ptrdiff_t end,
                                    ptrdiff_t matrix, float *dm) {
    const int n = side + taps - 1;
    const ptrdiff_t tile_rows = (height + side - 1) / side, tile_columns = (width + side - 1) / side;
    const ptrdiff_t per_image = tile_rows * tile_columns, span = side * tile_columns;
    winograd_rows rows, r;
    for (int i = 0; i < n; i++) memset(r[i] + span, 0, (WINOGRAD_ROW_SLACK - 8) * sizeof(float));
    for (ptrdiff_t plane = first; plane < end; plane++) {
        const float *source = g + plane * height * width, *kept = mask ? mask + plane * height * width : 0;
        float *out = dm + winograd_tiles_of(plane, out_channels, images, per_image);
        for (ptrdiff_t ty = 0; ty < tile_rows; ty++) {
            for (int k = 0; k < side; k++) winograd_row(source, kept, height, width, side * ty + k, 0, span, rows[k]);
            for (ptrdiff_t i = 0; i < span; i++) {
                float column[4], spread[WINOGRAD_ROWS];
                for (int k = 0; k < side; k++) column[k] = rows[k][i];
                WINOGRAD_ADJOINT(side, n, column, spread);
                for (int k = 0; k < n; k++) r[k][i] = spread[k];
            }
            float *o = out + ty * tile_columns;
            for (int i = 0; i < n; i++) {
                FOR_VECTORS(tile_columns, tx, lanes) {
                    vec c[4], row[WINOGRAD_ROWS];  // columns side tx ... side tx + side - 1 of each tile
                    if (side == 2) deinterleave(r[i] + 2 * tx, &c[0], &c[1]);
                    else deinterleave4(r[i] + 4 * tx, &c[0], &c[1], &c[2], &c[3]);
                    WINOGRAD_ADJOINT(side, n, c, row);
                    for (int j = 0; j < n; j++) store_part(o + (n * i + j) * matrix + tx, row[j], lanes);
                }
            }
        }
    }
}

/// The kernels' transform U = G g G^T (G n x taps, row-major, n = side + taps - 1), a vector of input channels at a time,
/// for the kernels of output channels first ..< end: kernel (o, c) at w + o * out_step + c * in_step, its taps reversed
/// where `turned` (the input's gradient), and U[q][o][c] at u + q * matrix + o * channels + c for the n^2 points q.
INLINE void winograd_weights_block(const int side, const int taps, const float *G, const float *w, ptrdiff_t out_step,
                                   ptrdiff_t in_step, int turned, ptrdiff_t channels, ptrdiff_t first, ptrdiff_t end,
                                   ptrdiff_t matrix, float *u) {
    const int n = side + taps - 1, area = taps * taps;
    float k[25][LANES];  // the kernels' taps, one vector of channels per tap
    for (ptrdiff_t o = first; o < end; o++) {
        for (ptrdiff_t c = 0; c < channels; c += LANES) {
            const ptrdiff_t lanes = channels - c < LANES ? channels - c : LANES;
            for (ptrdiff_t l = 0; l < LANES; l++) {
                const float *kernel = w + o * out_step + (c + l) * in_step;
                for (int t = 0; t < area; t++) k[t][l] = l < lanes ? kernel[turned ? area - 1 - t : t] : 0;
            }
            vec gk[6][5];  // G g
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < taps; j++) {
                    vec sum = splat(0);
                    for (int t = 0; t < taps; t++) sum = load(k[t * taps + j]) * G[i * taps + t] + sum;
                    gk[i][j] = sum;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < n; l++) {
                    vec sum = splat(0);
                    for (int j = 0; j < taps; j++) sum = gk[i][j] * G[l * taps + j] + sum;
                    store_part(u + (i * n + l) * matrix + o * channels + c, sum, lanes);
                }
            }
        }
    }
}

/// Its adjoint, the weights' gradient: dw = G^T dU G into dw [o][channels][taps][taps] for o in first ..< end, from dU
/// laid out as U.
INLINE void winograd_weights_adjoint_block(const int side, const int taps, const float *G, const float *du, ptrdiff_t channels,
                                           ptrdiff_t first, ptrdiff_t end, ptrdiff_t matrix, float *dw) {
    const int n = side + taps - 1, area = taps * taps;
    float out[25][LANES];  // the kernels' gradients, one vector of channels per tap
    for (ptrdiff_t o = first; o < end; o++) {
        for (ptrdiff_t c = 0; c < channels; c += LANES) {
            const ptrdiff_t lanes = channels - c < LANES ? channels - c : LANES;
            vec d[36];
            for (int q = 0; q < n * n; q++) d[q] = load_part(du + q * matrix + o * channels + c, lanes);
            vec gu[5][6];  // G^T dU
            for (int t = 0; t < taps; t++) {
                for (int l = 0; l < n; l++) {
                    vec sum = splat(0);
                    for (int i = 0; i < n; i++) sum = d[i * n + l] * G[i * taps + t] + sum;
                    gu[t][l] = sum;
                }
            }
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < taps; j++) {
                    vec sum = splat(0);
                    for (int l = 0; l < n; l++) sum = gu[t][l] * G[l * taps + j] + sum;
                    store(out[t * taps + j], sum);
                }
            }
            for (ptrdiff_t l = 0; l < lanes; l++) {
                float *kernel = dw + (o * channels + c + l) * area;
                for (int t = 0; t < area; t++) kernel[t] = out[t][l];
            }
        }
    }
}

/// The kernel table's transforms: F(side x side, taps x taps) for side 2 and taps 3 or 5, and side 4 and taps 3
/// (arguments as `winograd_input_planes`' and the others'); other tiles abort, and so do maps wider than the row
/// buffers (WINOGRAD_BY_TILE).
#define WINOGRAD_BY_ALGORITHM(function, ...) \
    do { \
        if (!((side == 2 && (taps == 3 || taps == 5)) || (side == 4 && taps == 3))) abort(); \
        if (side == 4) function(4, 3, __VA_ARGS__); \
        else if (taps == 5) function(2, 5, __VA_ARGS__); \
        else function(2, 3, __VA_ARGS__); \
    } while (0)
#define WINOGRAD_BY_TILE(function, ...) \
    do { \
        if (width > ZOO_WINOGRAD_MAX_WIDTH) abort(); \
        WINOGRAD_BY_ALGORITHM(function, __VA_ARGS__); \
    } while (0)
static void winograd_input(int side, int taps, const float *x, const float *mask, ptrdiff_t images, ptrdiff_t channels,
                           ptrdiff_t height, ptrdiff_t width, ptrdiff_t first, ptrdiff_t end, ptrdiff_t matrix, float *v) {
    WINOGRAD_BY_TILE(winograd_input_planes, x, mask, images, channels, height, width, first, end, matrix, v);
}
static void winograd_output(int side, int taps, const float *m, ptrdiff_t images, ptrdiff_t out_channels, ptrdiff_t height,
                            ptrdiff_t width, ptrdiff_t matrix, const float *bias, ptrdiff_t first, ptrdiff_t end, float *y) {
    WINOGRAD_BY_TILE(winograd_output_planes, m, images, out_channels, height, width, matrix, bias, first, end, y);
}
static void winograd_output_adjoint(int side, int taps, const float *g, const float *mask, ptrdiff_t images,
                                    ptrdiff_t out_channels, ptrdiff_t height, ptrdiff_t width, ptrdiff_t first, ptrdiff_t end,
                                    ptrdiff_t matrix, float *dm) {
    WINOGRAD_BY_TILE(winograd_adjoint_planes, g, mask, images, out_channels, height, width, first, end, matrix, dm);
}
static void winograd_weights(int side, int taps, const float *G, const float *w, ptrdiff_t out_step, ptrdiff_t in_step, int turned,
                             ptrdiff_t channels, ptrdiff_t first, ptrdiff_t end, ptrdiff_t matrix, float *u) {
    WINOGRAD_BY_ALGORITHM(winograd_weights_block, G, w, out_step, in_step, turned, channels, first, end, matrix, u);
}
static void winograd_weights_adjoint(int side, int taps, const float *G, const float *du, ptrdiff_t channels, ptrdiff_t first,
                                     ptrdiff_t end, ptrdiff_t matrix, float *dw) {
    WINOGRAD_BY_ALGORITHM(winograd_weights_adjoint_block, G, du, channels, first, end, matrix, dw);
}

/// Where v beats best as a window's maximum: greater, or a NaN over a number.
INLINE vint beats(vec v, vec best) { return (v > best) | ((v != v) & (best == best)); }
/// Where v ties best: equal, or both NaN.
INLINE vint ties(vec v, vec best) { return (v == best) | ((v != v) & (best != best)); }
/// `beats` and `ties` of one value.
INLINE int beats_one(float v, float best) { return (v > best) | ((v != v) & (best == best)); }
INLINE int ties_one(float v, float best) { return (v == best) | ((v != v) & (best != best)); }

/// Max pooling of planes first ..< end (each height x width, as g gives them) by g's window, stride and padding:
/// y[plane][oy][ox] the window's maximum, and, when `winners` is not NULL, the offset in the plane of its first
/// maximum in row-major order (PyTorch's ties); a NaN in the window wins, as in PyTorch (the winner is the first NaN;
/// PyTorch takes the last). Each output row is a vertical pass over the window's rows (vectorised along the row: each
/// column's maximum and the first row holding it), then a horizontal one over the window's columns (vectorised at
/// strides 1 and 2).
INLINE void max_pool_planes(const float *x, const zoo_lowering *g, ptrdiff_t first, ptrdiff_t end, float *y, int32_t *winners,
                            const int tracking) {
    const ptrdiff_t height = g->height, width = g->width, k = g->kernel_width, stride = g->stride, padding = g->padding;
    const ptrdiff_t out_height = g->out_height, out_width = g->out_width;
    // Column maxima and their rows, with the padding's columns (-inf, never the first row) on both sides and two
    // vectors' slack after them: the stride-1 loads read one vector past the last window, the stride-2 ones (a pair of
    // vectors from 2 ox - padding + (k - 1 rounded down to even)) up to width + padding + 2 LANES - 2.
    const ptrdiff_t span = width + 2 * padding + 2 * LANES;
    enum { on_stack = 1024 };  // rows wider than this (none in the zoo) take the heap, not the thread's stack
    float stack_maxima[on_stack];
    int32_t stack_rows[on_stack];
    float *maxima = span <= on_stack ? stack_maxima : malloc((size_t)span * sizeof(float));
    int32_t *rows = span <= on_stack ? stack_rows : malloc((size_t)span * sizeof(int32_t));
    for (ptrdiff_t i = 0; i < span; i++) { maxima[i] = -__builtin_inff(); rows[i] = INT32_MAX; }
    vint lane_numbers;
    for (int i = 0; i < LANES; i++) lane_numbers[i] = i;
    float *column_max = maxima + padding;
    int32_t *column_row = rows + padding;
    for (ptrdiff_t plane = first; plane < end; plane++) {
        const float *image = x + plane * height * width;
        for (ptrdiff_t oy = 0; oy < out_height; oy++) {
            ptrdiff_t top = oy * stride - padding, bottom = top + g->kernel_height;
            if (top < 0) top = 0;
            if (bottom > height) bottom = height;
            for (ptrdiff_t c = 0; c < width; c += LANES) {
                const ptrdiff_t lanes = width - c < LANES ? width - c : LANES;
                vec best = load_part(image + top * width + c, lanes);
                vint best_row = (vint){0} + (int)top;
                for (ptrdiff_t r = top + 1; r < bottom; r++) {
                    vec v = load_part(image + r * width + c, lanes);
                    // A NaN wins over numbers, the first (topmost) NaN over later ones.
                    vint better = beats(v, best);
                    best = blend(better, v, best);
                    if (tracking) best_row = (better & (int)r) | (~better & best_row);
                }
                store_part(column_max + c, best, lanes);
                if (tracking) store_part_int(column_row + c, best_row, lanes);
            }
            float *out = y + (plane * out_height + oy) * out_width;
            int32_t *won = tracking ? winners + (plane * out_height + oy) * out_width : 0;
            ptrdiff_t ox = 0;
            if (stride == 1) {
                for (; ox < out_width; ox += LANES) {
                    const ptrdiff_t lanes = out_width - ox < LANES ? out_width - ox : LANES;
                    // Window start ox - padding in the column arrays, which hold the padding from index -padding.
                    const float *from = column_max + ox - padding;
                    vec best = load(from);
                    vint best_row, best_column, first_column = lane_numbers + (int)(ox - padding);
                    if (tracking) memcpy(&best_row, column_row + ox - padding, sizeof best_row);
                    best_column = first_column;
                    for (ptrdiff_t kx = 1; kx < k; kx++) {
                        vec v = load(from + kx);
                        if (tracking) {
                            vint row;
                            memcpy(&row, column_row + ox - padding + kx, sizeof row);
                            vint better = beats(v, best) | (ties(v, best) & (row < best_row));
                            best = blend(better, v, best);
                            best_row = (better & row) | (~better & best_row);
                            best_column = (better & (first_column + (int)kx)) | (~better & best_column);
                        } else {
                            best = blend(beats(v, best), v, best);
                        }
                    }
                    store_part(out + ox, best, lanes);
                    if (tracking) store_part_int(won + ox, best_row * (int32_t)width + best_column, lanes);
                }
            } else if (stride == 2) {
                // A vector of outputs at a time: window column kx of each is the even (kx even) or odd lane of the
                // column maxima from left + (kx rounded down to even).
                for (; ox < out_width; ox += LANES) {
                    const ptrdiff_t lanes = out_width - ox < LANES ? out_width - ox : LANES, left = 2 * ox - padding;
                    const vint first_column = lane_numbers + lane_numbers + (int)left;
                    vec best = {0};
                    vint best_row = {0}, best_column = first_column;
                    for (ptrdiff_t pair = 0; pair < k; pair += 2) {
                        vec values[2];
                        vint rows_of[2] = {{0}, {0}};
                        deinterleave(column_max + left + pair, &values[0], &values[1]);
                        if (tracking) {
                            vint both[2];
                            memcpy(both, column_row + left + pair, sizeof both);
                            rows_of[0] = __builtin_shufflevector(both[0], both[1], EVEN_LANES);
                            rows_of[1] = __builtin_shufflevector(both[0], both[1], ODD_LANES);
                        }
                        for (ptrdiff_t kx = pair; kx < pair + 2 && kx < k; kx++) {
                            const vec v = values[kx - pair];
                            const vint row = rows_of[kx - pair];
                            if (kx == 0) {
                                best = v, best_row = row;
                                continue;
                            }
                            vint better = beats(v, best);
                            if (tracking) better |= ties(v, best) & (row < best_row);
                            best = blend(better, v, best);
                            if (tracking) {
                                best_row = (better & row) | (~better & best_row);
                                best_column = (better & (first_column + (int)kx)) | (~better & best_column);
                            }
                        }
                    }
                    store_part(out + ox, best, lanes);
                    if (tracking) store_part_int(won + ox, best_row * (int32_t)width + best_column, lanes);
                }
            } else {
                for (; ox < out_width; ox++) {
                    // Branch-free: which of the window's columns wins is as unpredictable as the data.
                    const ptrdiff_t left = ox * stride - padding;
                    float best = column_max[left];
                    int32_t best_row = column_row[left], best_column = (int32_t)left;
                    for (ptrdiff_t c = left + 1; c < left + k; c++) {
                        const float v = column_max[c];
                        const int32_t row = column_row[c];
                        const int better = beats_one(v, best) | (tracking & ties_one(v, best) & (row < best_row));
                        best = better ? v : best;
                        best_row = better ? row : best_row;
                        best_column = better ? (int32_t)c : best_column;
                    }
                    out[ox] = best;
                    if (tracking) won[ox] = best_row * (int32_t)width + best_column;
                }
            }
        }
    }
    if (maxima != stack_maxima) free(maxima);
    if (rows != stack_rows) free(rows);
}

/// The largest map `max_pool_same_planes` takes, and its largest window.
enum { SAME_POOL_MAX_AREA = 256, SAME_POOL_MAX_TAPS = 25 };

/// Whether `max_pool_same_planes` takes g: stride 1, a window of at most 5 x 5 that keeps the map's size (padding half
/// of it), on maps of at most SAME_POOL_MAX_AREA pixels (GoogLeNet's 3x3 pools beside its inception paths, on 12x12,
/// 6x6 and 3x3 maps, where rows are shorter than a vector or barely longer).
static int same_pool_takes(const zoo_lowering *g) {
    return g->stride == 1 && g->kernel_width == g->kernel_height && g->kernel_width == 2 * g->padding + 1
        && g->kernel_width * g->kernel_width <= SAME_POOL_MAX_TAPS && g->height * g->width <= SAME_POOL_MAX_AREA;
}

/// Max pooling of planes first ..< end as `max_pool_planes` does it, for the maps `same_pool_takes`: the planes taken as
/// one array, a vector of outputs at a time across rows and planes, each window tap a load at a fixed offset, masked
/// where it leaves the map (a table of each tap's inside pixels per place in a plane, repeated for a vector's reach, as
/// the implicit convolutions have). Taps go in row-major order and a tap replaces the best only when it beats it, so the
/// first maximum wins. The vectors whose taps could reach before the batch's first value or past its last go one value
/// at a time.
INLINE void max_pool_same_planes(const float *x, const zoo_lowering *g, ptrdiff_t first, ptrdiff_t end, float *y, int32_t *winners,
                                 const int tracking) {
    const ptrdiff_t height = g->height, width = g->width, area = height * width, k = g->kernel_width, reach = g->padding;
    const ptrdiff_t taps = k * k, row_bytes = area + LANES, total = g->batch * g->channels * area;
    signed char inside[SAME_POOL_MAX_TAPS][SAME_POOL_MAX_AREA + LANES];
    int32_t place[SAME_POOL_MAX_AREA + LANES];
    ptrdiff_t offsets[SAME_POOL_MAX_TAPS];
    for (ptrdiff_t t = 0; t < taps; t++) {
        const ptrdiff_t dy = t / k - reach, dx = t % k - reach;
        offsets[t] = dy * width + dx;
        for (ptrdiff_t i = 0; i < row_bytes; i++) {
            const ptrdiff_t p = i % area, row = p / width + dy, column = p % width + dx;
            inside[t][i] = row >= 0 && row < height && column >= 0 && column < width ? -1 : 0;
        }
    }
    for (ptrdiff_t i = 0; i < row_bytes; i++) place[i] = (int32_t)(i % area);
    const ptrdiff_t far = reach * width + reach;  // the furthest a tap reads from its output
    ptrdiff_t e = first * area, p = 0;
    const ptrdiff_t stop = end * area;
    for (; e < stop; e += LANES, p = next_place(p, area)) {
        const ptrdiff_t lanes = stop - e < LANES ? stop - e : LANES;
        if (e - far < 0 || e + LANES + far > total) {
            // One value at a time: the vector's taps could reach outside the batch.
            for (ptrdiff_t l = 0; l < lanes; l++) {
                const ptrdiff_t at = (p + l) % area;
                float best = -__builtin_inff();
                int32_t won = -1;
                for (ptrdiff_t t = 0; t < taps; t++) {
                    if (!inside[t][at]) continue;
                    const float v = x[e + l + offsets[t]];
                    if (won < 0 || beats_one(v, best)) { best = v; won = (int32_t)(at + offsets[t]); }
                }
                y[e + l] = best;
                if (tracking) winners[e + l] = won;
            }
            continue;
        }
        vec best = splat(-__builtin_inff());
        vint won = {0}, taken = {0}, places;
        memcpy(&places, place + p, sizeof places);
        for (ptrdiff_t t = 0; t < taps; t++) {
            // The first tap inside the map is taken whatever its value (a window of -inf has a winner too).
            const vint better = inside_mask(inside[t], p) & (beats(load(x + e + offsets[t]), best) | ~taken);
            best = blend(better, load(x + e + offsets[t]), best);
            taken |= better;
            if (tracking) won = (better & (places + (int)offsets[t])) | (~better & won);
        }
        store_part(y + e, best, lanes);
        if (tracking) store_part_int(winners + e, won, lanes);
    }
}

static void max_pool(const float *x, const zoo_lowering *g, ptrdiff_t first, ptrdiff_t end, float *y, int32_t *winners) {
    if (same_pool_takes(g)) {
        if (winners) max_pool_same_planes(x, g, first, end, y, winners, 1);
        else max_pool_same_planes(x, g, first, end, y, 0, 0);
    } else if (winners) {
        max_pool_planes(x, g, first, end, y, winners, 1);
    } else {
        max_pool_planes(x, g, first, end, y, 0, 0);
    }
}

// Pointwise convolutions: a 1x1 kernel at stride 1 is a product W [out x channels] by the batch's [channels x columns],
// where the columns (image, position) lie in the NCHW batch as runs of `positions` floats, one run per image and channel.
// Each 32 columns are copied into two panels of 16 as `packed_multiply` reads them (their runs, channel by channel: the
// lowering, but into a buffer the cache holds), multiplied by every row of W by `packed_multiply`'s blocks into a tile of
// TALL rows, and the tile's rows go through the map straight into y's runs, one masked store per run and vector.

/// Lanes lo ..< hi of v to p + lo ..< p + hi, nothing else written (a masked store: p + LANES may lie past the buffer's
/// end, as with `store_part`).
INLINE void store_lanes(float *p, vec v, ptrdiff_t lo, ptrdiff_t hi) {
    if (lo == 0 && hi == LANES) { store(p, v); return; }
#if LANES == 16
    _mm512_mask_storeu_ps(p, (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1)), (__m512)v);
#elif LANES == 8
    vint lane = __builtin_convertvector((vec){0, 1, 2, 3, 4, 5, 6, 7}, vint);
    _mm256_maskstore_ps(p, (__m256i)((lane >= (int)lo) & (lane < (int)hi)), (__m256)v);
#else
    for (ptrdiff_t i = lo; i < hi; i++) p[i] = v[i];
#endif
}

/// The runs of 32 columns from `start` (width of them) in y: run i is columns lo[i] ..< hi[i] of the tile, within one
/// vector, at y + offset[i] + o * positions for output channel o. Returns the count.
static int pointwise_runs(const zoo_pointwise *s, ptrdiff_t start, ptrdiff_t width, int *lo, int *hi, ptrdiff_t *offset) {
    const ptrdiff_t positions = s->positions;
    int count = 0;
    for (ptrdiff_t j = 0; j < width;) {
        const ptrdiff_t column = start + j, image = column / positions, position = column % positions;
        const ptrdiff_t vector_end = (j / LANES + 1) * LANES, run_end = j + positions - position;
        const ptrdiff_t end = width < vector_end ? (width < run_end ? width : run_end) : (vector_end < run_end ? vector_end : run_end);
        lo[count] = (int)j, hi[count] = (int)end, offset[count] = image * s->out_channels * positions + position;
        count++;
        j = end;
    }
    return count;
}

/// Rows first ..< first + rows of the tile ([rows][32], its first `width` columns) through the map into y's runs.
static void pointwise_write(const zoo_pointwise *s, const float *tile, ptrdiff_t first, ptrdiff_t rows, ptrdiff_t width, int runs,
                            const int *lo, const int *hi, const ptrdiff_t *offset) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const ptrdiff_t o = first + r;
        const vec factor = splat(s->scale ? s->scale[o] : 1), shift = splat(s->bias ? s->bias[o] : 0);
        vec mapped[32 / LANES];
        for (int v = 0; v * LANES < width; v++) {
            mapped[v] = load(tile + r * 32 + v * LANES) * factor + shift;
            if (s->relu) mapped[v] = blend(mapped[v] < 0, (vec){0}, mapped[v]);
        }
        float *y = s->y + o * s->positions;
        for (int i = 0; i < runs; i++) {
            const int vector = lo[i] / LANES, from = lo[i] - vector * LANES;
            store_lanes(y + offset[i] - from, mapped[vector], from, hi[i] - vector * LANES);
        }
    }
}

/// Columns start ..< start + width (at most 32) of the batch into two panels [channels][16], through the pre-activation,
/// zeros past width.
static void pointwise_pack(const zoo_pointwise *s, ptrdiff_t start, ptrdiff_t width, float *panels) {
    const ptrdiff_t k = s->channels, positions = s->positions;
    if (width < 32) memset(panels, 0, sizeof(float) * 32 * k);
    for (ptrdiff_t j = 0; j < width;) {
        const ptrdiff_t column = start + j, image = column / positions, position = column % positions;
        ptrdiff_t run = positions - position < width - j ? positions - position : width - j;
        if (j < 16 && j + run > 16) run = 16 - j;  // a run does not cross from one panel to the other
        const float *from = s->x + image * k * positions + position;
        float *to = panels + (j / 16) * k * 16 + j % 16;
        for (ptrdiff_t p = 0; p < k; p++) {
            const float *source = from + p * positions;
            float *target = to + p * 16;
            const vec factor = splat(s->in_shift && s->in_scale ? s->in_scale[p] : 1), shift = splat(s->in_shift ? s->in_shift[p] : 0);
            for (ptrdiff_t i = 0; i < run; i += LANES) {
                const ptrdiff_t lanes = run - i < LANES ? run - i : LANES;
                vec v = load_part(source + i, lanes);
                if (s->in_shift) {
                    v = v * factor + shift;
                    if (s->in_relu) v = blend(v < 0, (vec){0}, v);
                }
                store_part(target + i, v, lanes);
            }
        }
        j += run;
    }
}

static void pointwise_convolution(const zoo_pointwise *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t first_row, ptrdiff_t end_row,
                                  float *panels) {
    const ptrdiff_t k = s->channels;
    float tile[TALL * 32] __attribute__((aligned(64)));
    int lo[32 + 32 / LANES], hi[32 + 32 / LANES];
    ptrdiff_t offset[32 + 32 / LANES];
    for (ptrdiff_t start = first; start < end; start += 32) {
        const ptrdiff_t width = end - start < 32 ? end - start : 32;
        pointwise_pack(s, start, width, panels);
        const int runs = pointwise_runs(s, start, width, lo, hi, offset);
        for (ptrdiff_t row = first_row; row < end_row;) {
            const ptrdiff_t block = end_row - row >= TALL ? TALL : end_row - row >= 4 ? 4 : 1;
            const float *a = s->weights + row * k;
            for (ptrdiff_t sub = 0; sub < width; sub += 2 * LANES) {  // packed_multiply's blocks of 2 LANES columns
                const float *b0 = panels + (sub / 16) * k * 16 + sub % 16, *b1 = panels + ((sub + LANES) / 16) * k * 16 + (sub + LANES) % 16;
                if (block == TALL) tall_block(a, k, b0, b1, tile + sub, 32, 2 * LANES, 0);
                else if (block == 4) block4(a, k, b0, b1, tile + sub, 32, 2 * LANES, 0);
                else block1(a, k, b0, b1, tile + sub, 32, 2 * LANES, 0);
            }
            pointwise_write(s, tile, row, block, width, runs, lo, hi, offset);
            row += block;
        }
    }
}

const zoo_kernel_table TABLE = {
    packed_multiply, pack_transposed, narrow_dots, map_exp, map_sigmoid, map_tanh, exp_shifted,
    rnn_forward, gru_forward, lstm_forward, rnn_backward, gru_backward, lstm_backward,
    direct_convolution, direct_convolution_filter_gradient, direct_convolution_filter_gradient_by_channel,
    im2col_gathered, col2im_gathered, im2col_shifted, col2im_shifted, im2col_rows, col2im_rows,
    sum, dot, sum_of_squared_deviations, sum_and_centered_product, scale_shift, dropout_mask, batch_norm_input_gradient,
    implicit_convolution, implicit_convolution_filter_gradient, max_pool, pointwise_convolution,
    winograd_input, winograd_output, winograd_output_adjoint, winograd_weights, winograd_weights_adjoint, TALL,
};
