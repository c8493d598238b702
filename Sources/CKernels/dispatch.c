#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel_table.h"

/// The kernels in use: the widest set the CPU has, or narrower if ZOO_KERNELS asks.
static const zoo_kernel_table *kernels = &zoo_kernels_generic;
static const char *level = "generic";

/// Whether this CPU runs `name`'s instructions.
static int supported(const char *name) {
    if (strcmp(name, "generic") == 0) return 1;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (strcmp(name, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(name, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return 0;
}

const zoo_kernel_table *zoo_kernels_for(const char *name) {
    if (!supported(name)) return NULL;
#if defined(__x86_64__)
    if (strcmp(name, "avx512") == 0) return &zoo_kernels_avx512;
    if (strcmp(name, "avx2") == 0) return &zoo_kernels_avx2;
#endif
    return strcmp(name, "generic") == 0 ? &zoo_kernels_generic : NULL;
}

/// Uses `name`'s kernels if this CPU runs them; returns whether it does.
static int use(const char *name) {
    const zoo_kernel_table *table = zoo_kernels_for(name);
    if (!table) return 0;
    kernels = table;
    level = name;
    return 1;
}

/// Chooses the kernels before main runs (and before any thread could call them).
__attribute__((constructor)) static void choose(void) {
    const char *asked = getenv("ZOO_KERNELS");
    if (asked && strcmp(asked, "avx512") == 0 && use("avx512")) return;
    if (asked && strcmp(asked, "avx2") == 0 && use("avx2")) return;
    if (asked && strcmp(asked, "generic") == 0 && use("generic")) return;
    if (!use("avx512") && !use("avx2")) use("generic");
    if (asked && *asked) {
        fprintf(stderr, "warning: ZOO_KERNELS=%s is not an instruction set this CPU runs (generic, avx2, avx512); using %s\n",
                asked, level);
        setenv("ZOO_KERNELS", level, 1);  // a process this one starts then agrees without a second warning
    }
}

const char *zoo_kernels_level(void) { return level; }

void zoo_packed_multiply(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c, ptrdiff_t ldc,
                         int accumulating) {
    kernels->packed_multiply(a, m, k, n, panels, c, ldc, accumulating);
}
void zoo_pack_transposed(const float *s, ptrdiff_t k, ptrdiff_t first, ptrdiff_t width, float *panel) {
    kernels->pack_transposed(s, k, first, width, panel);
}
void zoo_narrow_dots(const float *a, ptrdiff_t m, ptrdiff_t k, const float *b, ptrdiff_t n, float *c, int accumulating) {
    kernels->narrow_dots(a, m, k, b, n, c, accumulating);
}
void zoo_exp(const float *x, float *y, ptrdiff_t count) { kernels->exp(x, y, count); }
void zoo_sigmoid(const float *x, float *y, ptrdiff_t count) { kernels->sigmoid(x, y, count); }
void zoo_tanh(const float *x, float *y, ptrdiff_t count) { kernels->tanh(x, y, count); }
float zoo_exp_shifted(const float *x, float *y, ptrdiff_t count, float shift, float scale) {
    return kernels->exp_shifted(x, y, count, shift, scale);
}
void zoo_rnn_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) { kernels->rnn_forward(s, first, end, size); }
void zoo_gru_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) { kernels->gru_forward(s, first, end, size); }
void zoo_lstm_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) { kernels->lstm_forward(s, first, end, size); }
void zoo_rnn_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    kernels->rnn_backward(s, d, first, end, size);
}
void zoo_gru_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    kernels->gru_backward(s, d, first, end, size);
}
void zoo_lstm_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size) {
    kernels->lstm_backward(s, d, first, end, size);
}
void zoo_direct_convolution(const float *image, ptrdiff_t channels, ptrdiff_t padded_height, ptrdiff_t padded_width,
                            const float *weights, const float *bias, ptrdiff_t out_channels, ptrdiff_t kh, ptrdiff_t kw,
                            ptrdiff_t out_height, ptrdiff_t out_width, float *out) {
    kernels->direct_convolution(image, channels, padded_height, padded_width, weights, bias, out_channels, kh, kw,
                                out_height, out_width, out);
}
void zoo_direct_convolution_filter_gradient(const float *image, ptrdiff_t channels, ptrdiff_t padded_height, ptrdiff_t padded_width,
                                            const float *gradient, ptrdiff_t gradient_width, ptrdiff_t kh, ptrdiff_t kw,
                                            ptrdiff_t out_height, float *sums) {
    kernels->direct_convolution_filter_gradient(image, channels, padded_height, padded_width, gradient, gradient_width,
                                                kh, kw, out_height, sums);
}
void zoo_direct_convolution_filter_gradient_by_channel(const float *image, ptrdiff_t channels, ptrdiff_t padded_height,
                                                       ptrdiff_t padded_width, const float *gradient, ptrdiff_t out_stride,
                                                       ptrdiff_t out_height, ptrdiff_t out_width, ptrdiff_t kh, ptrdiff_t kw,
                                                       float *partials) {
    kernels->direct_convolution_filter_gradient_by_channel(image, channels, padded_height, padded_width, gradient, out_stride,
                                                           out_height, out_width, kh, kw, partials);
}
void zoo_im2col_gathered(const float *x, const zoo_lowering *g, const int32_t *table, ptrdiff_t first_channel, ptrdiff_t end_channel,
                         float *columns) {
    kernels->im2col_gathered(x, g, table, first_channel, end_channel, columns);
}
void zoo_col2im_gathered(const float *columns, const zoo_lowering *g, const int32_t *table, ptrdiff_t first_channel,
                         ptrdiff_t end_channel, float *dx) {
    kernels->col2im_gathered(columns, g, table, first_channel, end_channel, dx);
}
void zoo_im2col_shifted(const float *x, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *columns) {
    kernels->im2col_shifted(x, g, first_channel, end_channel, columns);
}
void zoo_col2im_shifted(float *columns, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *dx) {
    kernels->col2im_shifted(columns, g, first_channel, end_channel, dx);
}
void zoo_im2col_rows(const float *x, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *columns) {
    kernels->im2col_rows(x, g, first_channel, end_channel, columns);
}
void zoo_col2im_rows(const float *columns, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *dx) {
    kernels->col2im_rows(columns, g, first_channel, end_channel, dx);
}
void zoo_max_pool(const float *x, const zoo_lowering *g, ptrdiff_t first, ptrdiff_t end, float *y, int32_t *winners) {
    kernels->max_pool(x, g, first, end, y, winners);
}
float zoo_sum(const float *x, ptrdiff_t count) { return kernels->sum(x, count); }
float zoo_dot(const float *a, const float *b, ptrdiff_t count) { return kernels->dot(a, b, count); }
float zoo_sum_of_squared_deviations(const float *x, ptrdiff_t count, float center) {
    return kernels->sum_of_squared_deviations(x, count, center);
}
void zoo_sum_and_centered_product(const float *g, const float *x, ptrdiff_t count, float center, float *sum, float *product) {
    kernels->sum_and_centered_product(g, x, count, center, sum, product);
}
void zoo_scale_shift(const float *x, float *y, ptrdiff_t count, float scale, float shift) { kernels->scale_shift(x, y, count, scale, shift); }
void zoo_dropout_mask(uint32_t *state, float *mask, ptrdiff_t count, uint32_t threshold, float keep) {
    kernels->dropout_mask(state, mask, count, threshold, keep);
}
void zoo_batch_norm_input_gradient(const float *x, const float *dy, float *dx, ptrdiff_t count, float mean, float inverse_std,
                                   float k, float m, float sum_gradient, float sum_gradient_xhat) {
    kernels->batch_norm_input_gradient(x, dy, dx, count, mean, inverse_std, k, m, sum_gradient, sum_gradient_xhat);
}
