#ifndef ZOO_KERNELS_H
#define ZOO_KERNELS_H

/// The engine's compute-bound kernels, compiled for several instruction sets (AVX-512, AVX2 with FMA, and
/// the x86-64 or arm64 baseline) and chosen once, when the program starts, for the CPU it runs on: one
/// binary runs everywhere and uses the widest vectors the CPU has. `ZOO_KERNELS=generic|avx2|avx512`
/// asks for a narrower set (never a wider one than the CPU has).

#include <stddef.h>
#include <stdint.h>

/// The instruction set the kernels run with: "avx512", "avx2" or "generic".
const char *zoo_kernels_level(void);

/// C [m x n] = A [m x k] B, or C += A B when `accumulating`, with B packed in panels of 16 columns (panel p
/// holds, for each of the k rows, B[row, 16p ..< 16p + 16], zero-padded past n). A and C are row-major, C's rows
/// `ldc` floats apart.
void zoo_packed_multiply(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c, ptrdiff_t ldc,
                         int accumulating);

/// Rows first ..< first + width (width at most 16) of S [.. x k] (row-major) as one panel of B = S^T for
/// `zoo_packed_multiply`: panel[p * 16 + j] = S[first + j, p], zero for j >= width.
void zoo_pack_transposed(const float *s, ptrdiff_t k, ptrdiff_t first, ptrdiff_t width, float *panel);

/// C [m x n] = A B^T, or C += A B^T when `accumulating`, for A [m x k] and B [n x k] (row-major) with n at most 12 (a
/// classifier's output layer): dot products vectorised along k, B read in place; other n abort.
void zoo_narrow_dots(const float *a, ptrdiff_t m, ptrdiff_t k, const float *b, ptrdiff_t n, float *c, int accumulating);

/// y[i] = f(x[i]) for i < count: e^x, 1 / (1 + e^-x), tanh x (as 1 - 2 / (e^2x + 1)).
void zoo_exp(const float *x, float *y, ptrdiff_t count);
void zoo_sigmoid(const float *x, float *y, ptrdiff_t count);
void zoo_tanh(const float *x, float *y, ptrdiff_t count);

/// y[i] = e^(x[i] - shift) * scale for i < count (unless y is NULL); returns the sum of the e^(x[i] - shift)
/// (softmax's rows).
float zoo_exp_shifted(const float *x, float *y, ptrdiff_t count, float shift, float scale);

/// Sums over `count` floats (batch norm's statistics, reductions): of x; of (x - center)^2; and of g with
/// of g * (x - center), both at once.
float zoo_sum(const float *x, ptrdiff_t count);
float zoo_sum_of_squared_deviations(const float *x, ptrdiff_t count, float center);
/// The sum of a[i] * b[i] over `count` floats.
float zoo_dot(const float *a, const float *b, ptrdiff_t count);
void zoo_sum_and_centered_product(const float *g, const float *x, ptrdiff_t count, float center, float *sum, float *product);

/// y[i] = x[i] * scale + shift for i < count (batch norm's normalization of one channel's row).
void zoo_scale_shift(const float *x, float *y, ptrdiff_t count, float scale, float shift);

/// The number of random streams side by side in `zoo_dropout_mask`.
#define ZOO_DROPOUT_STREAMS 16

/// Dropout's mask from ZOO_DROPOUT_STREAMS xoshiro128** generators (Blackman and Vigna) side by side, word w of stream s
/// at state[w * ZOO_DROPOUT_STREAMS + s] (no stream all zeros): value i is stream i % ZOO_DROPOUT_STREAMS's next draw d,
/// 0 where d >> 8 (its top 24 bits) is below `threshold`, else `keep`. Every instruction set gives the same values; each
/// stream advances by ceil(count / ZOO_DROPOUT_STREAMS) draws.
void zoo_dropout_mask(uint32_t *state, float *mask, ptrdiff_t count, uint32_t threshold, float keep);

/// Batch norm's input gradient over one channel's row in training: dx = k (m dy - s_g - (x - mean) inverse_std s_gx),
/// with k = gamma inverse_std / m, m the values per channel, s_g = sum dy and s_gx = sum dy xhat.
void zoo_batch_norm_input_gradient(const float *x, const float *dy, float *dx, ptrdiff_t count, float mean, float inverse_std,
                                   float k, float m, float sum_gradient, float sum_gradient_xhat);

/// One image's direct (un-lowered) stride-1 convolution: out[o, y, x] = bias[o] (0 without one) + the sum over
/// c, i, j of weights[o, c, i, j] * image[c, y + i, x + j], for `out_channels` filters of channels x kh x kw.
/// The image is zero-padded already, `padded_height` rows of `padded_width` floats per channel, with
/// padded_width >= out_width rounded up to 32, plus kw - 1 (so that two whole vectors stay inside).
void zoo_direct_convolution(const float *image, ptrdiff_t channels, ptrdiff_t padded_height, ptrdiff_t padded_width,
                            const float *weights, const float *bias, ptrdiff_t out_channels, ptrdiff_t kh, ptrdiff_t kw,
                            ptrdiff_t out_height, ptrdiff_t out_width, float *out);

/// Adds one image's part of one filter's weight gradient in lanes: the sum over y, x of gradient[y, x] *
/// image[c, y + i, x + j] is the sum of partials[(c, i, j) * 16 + lane] over the 16 lanes, to which this adds
/// (the image padded as above and readable 4 floats past its end, the gradient's rows `gradient_width` apart:
/// out_width rounded up to 16, zero past out_width).
void zoo_direct_convolution_filter_gradient(const float *image, ptrdiff_t channels, ptrdiff_t padded_height, ptrdiff_t padded_width,
                                            const float *gradient, ptrdiff_t gradient_width, ptrdiff_t kh, ptrdiff_t kw,
                                            ptrdiff_t out_height, float *partials);

/// The same sums vectorised over output channels, for maps narrower than a vector: partials[(c, i, j) * out_stride
/// + o] += the sum over y, x of gradient[(y * out_width + x) * out_stride + o] * image[c, y + i, x + j], the
/// gradient pixel-major (out_stride a multiple of 16, zeros past the filters), kh * kw at most 25.
void zoo_direct_convolution_filter_gradient_by_channel(const float *image, ptrdiff_t channels, ptrdiff_t padded_height,
                                                       ptrdiff_t padded_width, const float *gradient, ptrdiff_t out_stride,
                                                       ptrdiff_t out_height, ptrdiff_t out_width, ptrdiff_t kh, ptrdiff_t kw,
                                                       float *partials);

/// The geometry of a convolution's lowering (im2col) over an NCHW batch: `batch` images of `channels` planes
/// of height x width, a kernel_height x kernel_width window at `stride` (1 or more) with `padding`, giving
/// out_height x out_width positions. The lowered matrix has a row per (channel, kernel row, kernel column)
/// and a column per (image, output position).
typedef struct {
    ptrdiff_t batch, channels, height, width, kernel_height, kernel_width, stride, padding, out_height, out_width;
} zoo_lowering;

/// A pointwise convolution (1x1 kernel, stride 1, no padding) of an NCHW batch x [images][channels][positions] into the
/// NCHW y [images][out_channels][positions] (`pointwise_convolution`): y = map(W x'), W [out_channels][channels] as the
/// weight tensor lies, with x' = x or, where `in_shift` is given, the pre-activation relu?(x * in_scale[c] + in_shift[c])
/// per input channel (in_scale NULL for 1), and map(v) = relu?(v * scale[o] + bias[o]) per output channel (NULL for 1 and 0).
typedef struct {
    const float *x;
    ptrdiff_t channels, positions, out_channels;
    const float *weights;
    const float *in_scale, *in_shift;
    int in_relu;
    const float *scale, *bias;
    int relu;
    float *y;
} zoo_pointwise;

/// The taps of an implicit convolution (`implicit_convolution`): `count` (9, 25 or 49) offsets in the channel-major batch,
/// tap t reading x[c, j + offsets[t]] for output pixel j, and a table of bytes per tap, `area + ZOO_TAP_SLACK` each:
/// for each pixel of one image's map (area pixels) and then ZOO_TAP_SLACK more, the map's pixels again from its first
/// (cyclically, on maps smaller than that: for a vector that reads on into the next images), -1 where the tap reads inside the map and 0 where it reads the padding.
typedef struct {
    const ptrdiff_t *offsets;
    const signed char *inside;
    ptrdiff_t count, area;
} zoo_taps;

/// Bytes of `zoo_taps.inside` after each tap's map: at least a vector's lanes.
#define ZOO_TAP_SLACK 16

/// The widest map the Winograd transforms take.
#define ZOO_WINOGRAD_MAX_WIDTH 1024

/// im2col and its adjoint col2im (which adds each entry back onto the pixel it came from, and overwrites dx)
/// for channels first_channel ..< end_channel, through `table`: for each kernel tap and output position, the
/// offset in the input plane it reads, or -1 over padding (small output planes, where copies are too short).
void zoo_im2col_gathered(const float *x, const zoo_lowering *g, const int32_t *table, ptrdiff_t first_channel, ptrdiff_t end_channel,
                         float *columns);
void zoo_col2im_gathered(const float *columns, const zoo_lowering *g, const int32_t *table, ptrdiff_t first_channel,
                         ptrdiff_t end_channel, float *dx);

/// im2col and col2im for stride-1 kernels whose output keeps the input's width (3x3 with padding 1): each
/// (channel, image, tap) is the input plane shifted by one offset, with the rows and column strips that fall on
/// the padding zeroed. col2im zeroes those entries of `columns` (scratch) and overwrites dx.
void zoo_im2col_shifted(const float *x, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *columns);
void zoo_col2im_shifted(float *columns, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *dx);

/// im2col and col2im for any other geometry, output row by output row (col2im overwrites dx).
void zoo_im2col_rows(const float *x, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *columns);
void zoo_col2im_rows(const float *columns, const zoo_lowering *g, ptrdiff_t first_channel, ptrdiff_t end_channel, float *dx);

/// Max pooling of the planes first ..< end of x (g's batch x channels planes of height x width) by g's square window,
/// stride and padding into y [planes][out_height][out_width]; with `winners`, also each output's first maximal input in
/// row-major order, as its offset in the plane (PyTorch's ties). A NaN in a window is its maximum, as in PyTorch (the
/// winner is then the first NaN; PyTorch takes the last).
void zoo_max_pool(const float *x, const zoo_lowering *g, ptrdiff_t first, ptrdiff_t end, float *y, int32_t *winners);

/// The pointers of one time step of a recurrent cell, in PyTorch's gate layout (each row of a
/// pre-activation holds the gates one after another, `size` values each: RNN one; GRU r, z, n; LSTM i, f,
/// g, o). `input` is x W_ih^T + b_ih (+ b_hh where it folds in), `recurrent` is h' W_hh^T.
typedef struct {
    const float *input;
    const float *recurrent;
    /// GRU: b_hn, the hidden bias of the n gate.
    const float *hidden_bias;
    const float *previous_hidden;
    const float *previous_cell;
    /// What backward needs: the gates' activations.
    float *gates;
    /// GRU: W_hn h' + b_hn, which r multiplies. LSTM: tanh(c).
    float *extra;
    float *hidden;
    float *cell;
} zoo_cell_step;

/// The pointers of one step backward. On entry `hidden_gradient` holds dL/dh of this step; the kernels
/// write the pre-activation gradients and the parts of the previous step's gradients that do not go
/// through W_hh.
typedef struct {
    const float *hidden_gradient;
    /// LSTM: dL/dc arriving from the next step (in), then dL/dc' for the previous step (out, in place).
    float *cell_gradient;
    /// Gradient of the input projection's pre-activation.
    float *input_gradient;
    /// Gradient of h' W_hh^T (+ b_hh). RNN and LSTM: the same as `input_gradient`.
    float *recurrent_gradient;
    /// GRU: the part of dL/dh' that flows straight through z * h' (written, not added).
    float *direct_hidden_gradient;
} zoo_cell_gradient_step;

/// One step of rows `first ..< end`, each `size` wide: h = tanh(..) (RNN); PyTorch's GRU
/// (r, z = σ(..), n = tanh(x W_in^T + b_in + r (h' W_hn^T + b_hn)), h = (1 - z) n + z h'); PyTorch's LSTM
/// (i, f, o = σ(..), g = tanh(..), c = f c' + i g, h = o tanh(c)).
void zoo_rnn_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size);
void zoo_gru_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size);
void zoo_lstm_forward(const zoo_cell_step *s, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size);
void zoo_rnn_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size);
void zoo_gru_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size);
void zoo_lstm_backward(const zoo_cell_step *s, const zoo_cell_gradient_step *d, ptrdiff_t first, ptrdiff_t end, ptrdiff_t size);

/// One instruction set's kernels, as the functions above (which call those of the set in use).
typedef struct {
    void (*packed_multiply)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, float *, ptrdiff_t, int);
    void (*pack_transposed)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, float *);
    void (*narrow_dots)(const float *, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t, float *, int);
    void (*exp)(const float *, float *, ptrdiff_t);
    void (*sigmoid)(const float *, float *, ptrdiff_t);
    void (*tanh)(const float *, float *, ptrdiff_t);
    float (*exp_shifted)(const float *, float *, ptrdiff_t, float, float);
    void (*rnn_forward)(const zoo_cell_step *, ptrdiff_t, ptrdiff_t, ptrdiff_t);
    void (*gru_forward)(const zoo_cell_step *, ptrdiff_t, ptrdiff_t, ptrdiff_t);
    void (*lstm_forward)(const zoo_cell_step *, ptrdiff_t, ptrdiff_t, ptrdiff_t);
    void (*rnn_backward)(const zoo_cell_step *, const zoo_cell_gradient_step *, ptrdiff_t, ptrdiff_t, ptrdiff_t);
    void (*gru_backward)(const zoo_cell_step *, const zoo_cell_gradient_step *, ptrdiff_t, ptrdiff_t, ptrdiff_t);
    void (*lstm_backward)(const zoo_cell_step *, const zoo_cell_gradient_step *, ptrdiff_t, ptrdiff_t, ptrdiff_t);
    void (*direct_convolution)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, float *);
    void (*direct_convolution_filter_gradient)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, float *);
    void (*direct_convolution_filter_gradient_by_channel)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t,
                                                          ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, float *);
    void (*im2col_gathered)(const float *, const zoo_lowering *, const int32_t *, ptrdiff_t, ptrdiff_t, float *);
    void (*col2im_gathered)(const float *, const zoo_lowering *, const int32_t *, ptrdiff_t, ptrdiff_t, float *);
    void (*im2col_shifted)(const float *, const zoo_lowering *, ptrdiff_t, ptrdiff_t, float *);
    void (*col2im_shifted)(float *, const zoo_lowering *, ptrdiff_t, ptrdiff_t, float *);
    void (*im2col_rows)(const float *, const zoo_lowering *, ptrdiff_t, ptrdiff_t, float *);
    void (*col2im_rows)(const float *, const zoo_lowering *, ptrdiff_t, ptrdiff_t, float *);
    float (*sum)(const float *, ptrdiff_t);
    float (*dot)(const float *, const float *, ptrdiff_t);
    float (*sum_of_squared_deviations)(const float *, ptrdiff_t, float);
    void (*sum_and_centered_product)(const float *, const float *, ptrdiff_t, float, float *, float *);
    void (*scale_shift)(const float *, float *, ptrdiff_t, float, float);
    void (*dropout_mask)(uint32_t *, float *, ptrdiff_t, uint32_t, float);
    void (*batch_norm_input_gradient)(const float *, const float *, float *, ptrdiff_t, float, float, float, float, float, float);
    /// A 3x3 (stride 1 or 2, padding 1), 5x5 (stride 1, padding 2) or 7x7 (stride 2, padding 3) convolution of a channel-major batch x
    /// [channels][planes][positions] (positions = images x height x width of the output's map; planes 1 for stride 1,
    /// the input's four row and column parities for stride 2; x readable two rows, two pixels and two vectors before
    /// its start and after its end) into y [out_channels][positions], output pixels first ..< end (multiples of 32),
    /// by `taps`: weights packed as [out_channels / 8][channels * taps][8] (out_channels a multiple of 8).
    void (*implicit_convolution)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const zoo_taps *, const float *, ptrdiff_t,
                                 ptrdiff_t, ptrdiff_t, float *);
    /// Its weights' gradient dw [out_channels][channels][taps] for output channels first ..< end (multiples of 4), from
    /// the same x and the output's gradient [out_channels][positions] (positions a multiple of 16).
    void (*implicit_convolution_filter_gradient)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const zoo_taps *, const float *,
                                                 ptrdiff_t, ptrdiff_t, float *);
    void (*max_pool)(const float *, const zoo_lowering *, ptrdiff_t, ptrdiff_t, float *, int32_t *);
    /// A pointwise convolution (`zoo_pointwise`) over the columns first ..< end of the batch (column = image * positions +
    /// position) and the output channels first_row ..< end_row, without lowering or transposes: 32 columns at a time are
    /// laid out in `panel` (channels x 32 floats, two panels of 16 columns; through the pre-activation), multiplied by the
    /// rows of W, and written to y through the map.
    void (*pointwise_convolution)(const zoo_pointwise *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, float *);
    /// Winograd's transforms for F(side x side, taps x taps) with side 2 and taps 3 or 5, or side 4 and taps 3 (stride 1,
    /// padding taps / 2; maps at most ZOO_WINOGRAD_MAX_WIDTH wide), each over planes first ..< end of an NCHW batch (plane
    /// = image * channels + channel) and n^2 matrices [channels][images x ceil(height / side) x ceil(width / side)]
    /// `matrix` floats apart (n = side + taps - 1): the input's B^T d B (side, taps, from, mask, images, channels, height,
    /// width, first, end, matrix, into), the output's A^T m A plus an optional bias per channel (side, taps, from, images,
    /// channels, height, width, matrix, bias, first, end, into), and the output transform's adjoint A g A^T (the output's
    /// gradient into the products' gradient, arguments as the input's). A mask (NULL for none), of the batch's shape, keeps
    /// the batch's values only where it is positive (a ReLU's gradient).
    void (*winograd_input)(int, int, const float *, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t,
                           ptrdiff_t, float *);
    void (*winograd_output)(int, int, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t,
                            ptrdiff_t, float *);
    void (*winograd_output_adjoint)(int, int, const float *, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t,
                                    ptrdiff_t, ptrdiff_t, float *);
    /// The kernels' transform U = G g G^T [points][out_channels][channels] for output channels first ..< end (side, taps, G
    /// (n x taps, row-major), w, out_step, in_step, turned, channels, first, end, matrix, into): kernel (o, c) at
    /// w + o * out_step + c * in_step, its taps reversed where `turned`; point q's matrix at q * matrix. And its adjoint,
    /// dw [out_channels][channels][taps][taps] = G^T dU G from dU laid out as U (side, taps, G, dU, channels, first, end,
    /// matrix, into).
    void (*winograd_weights)(int, int, const float *, const float *, ptrdiff_t, ptrdiff_t, int, ptrdiff_t, ptrdiff_t, ptrdiff_t,
                             ptrdiff_t, float *);
    void (*winograd_weights_adjoint)(int, int, const float *, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, float *);
    /// The rows of the packed products' tall block (8 with AVX-512's 32 registers, else 6): splits of rows in multiples
    /// of it leave no short blocks.
    ptrdiff_t tall_rows;
} zoo_kernel_table;

/// The kernels of `level` ("avx512", "avx2", "generic") if this CPU runs them, else NULL: for tests that
/// check every set the CPU can run, whichever is in use.
const zoo_kernel_table *zoo_kernels_for(const char *level);

#endif
