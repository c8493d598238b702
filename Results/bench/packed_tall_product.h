// packed_multiply's loop over blocks of 32 columns with tall blocks only (no wide ones), of 6 rows or TALL (8 with
// AVX-512), then 4, then 1: the "before" side of the packed-product harnesses (tall-block/, wide-block/). Include inside
// the kernels' target pragma, after kernels_body.h.
static void tall_blocks_only(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c, int rows) {
    for (ptrdiff_t start = 0; start < n; start += 2 * LANES) {
        const float *b0 = panels + (start / 16) * k * 16 + start % 16;
        ptrdiff_t next = start + LANES;
        const float *b1 = next < n ? panels + (next / 16) * k * 16 + next % 16 : b0;
        ptrdiff_t columns = n - start < 2 * LANES ? n - start : 2 * LANES, row = 0;
        if (rows == 6)
            for (; row + 6 <= m; row += 6) block6(a + row * k, k, b0, b1, c + row * n + start, n, columns, 0);
        else
            for (; row + TALL <= m; row += TALL) tall_block(a + row * k, k, b0, b1, c + row * n + start, n, columns, 0);
        for (; row + 4 <= m; row += 4) block4(a + row * k, k, b0, b1, c + row * n + start, n, columns, 0);
        for (; row < m; row++) block1(a + row * k, k, b0, b1, c + row * n + start, n, columns, 0);
    }
}

/// The engine's packed_multiply, in the harnesses' form.
static void engine(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c) {
    packed_multiply(a, m, k, n, panels, c, n, 0);
}
