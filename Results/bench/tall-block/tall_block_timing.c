// The packed product's tall block, 8 rows (AVX-512, 008d81b) against 6 (before), on one core in one process: blocks of
// calls of each in turn, the zoo's per-thread shapes (the loop: ../packed_product_timing.h). Build and run from the
// repository's root (the kernels now also have wide blocks: the "8 rows" side is packed_multiply, which takes
// full 64 columns in them; timings.txt was measured before they existed):
//
//     clang -O2 -I Sources/CKernels Results/bench/tall-block/tall_block_timing.c -o /tmp/tall_block_timing
//     taskset -c 1 /tmp/tall_block_timing
#include <immintrin.h>
#include "kernel_table.h"
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), apply_to = function)
#define LANES 16
#define TABLE harness_kernels_avx512
#include "kernels_body.h"

#include "../packed_tall_product.h"
/// packed_multiply as it was before: blocks of 6 rows, then 4, then 1.
static void six_rows(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c) {
    tall_blocks_only(a, m, k, n, panels, c, 6);
}
#pragma clang attribute pop
#include "../packed_product_timing.h"

int main(void) {
    // The MLP's x W1^T (each thread 128 of 256 columns), LeNet's two (64 of 120, 48 of 84), seq2seq with attention's
    // 128 x 256 x 768 (384 each), the LSTM's, GRU's and RNN's step products (16 of 32 rows each).
    const product_shape shapes[] = {{"MLP x W1^T", 256, 784, 128}, {"LeNet 400 -> 120", 256, 400, 64}, {"LeNet 120 -> 84", 256, 120, 48},
                                    {"seq2seq-attention", 128, 256, 384}, {"LSTM step", 16, 256, 1024}, {"GRU step", 16, 256, 768},
                                    {"RNN step", 16, 256, 256}};
    return compare_packed_products("6 rows", six_rows, "8 rows", engine, shapes, sizeof shapes / sizeof shapes[0]);
}
