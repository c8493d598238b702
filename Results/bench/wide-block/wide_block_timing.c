// The packed product with AVX-512's wide blocks (6 rows x 64 columns) against the tall blocks alone (8 rows x 32
// columns, before), on one core in one process: blocks of calls of each in turn, the zoo's per-thread shapes (the loop:
// ../packed_product_timing.h). Build and run from the repository's root:
//
//     clang -O2 -I Sources/CKernels Results/bench/wide-block/wide_block_timing.c -o /tmp/wide_block_timing
//     taskset -c 1 /tmp/wide_block_timing                                       # one core
//     taskset -c 0 /tmp/wide_block_timing & taskset -c 1 /tmp/wide_block_timing # both at once, as the engine's two threads
#include <immintrin.h>
#include "kernel_table.h"
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), apply_to = function)
#define LANES 16
#define TABLE harness_kernels_avx512
#include "kernels_body.h"

#include "../packed_tall_product.h"
/// packed_multiply as it was before: tall blocks only.
static void tall_only(const float *a, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *panels, float *c) {
    tall_blocks_only(a, m, k, n, panels, c, TALL);
}
#pragma clang attribute pop
#include "../packed_product_timing.h"

int main(void) {
    // The MLP's x W1^T (128 of 256 columns each), LeNet's first (64 of 120), seq2seq with attention's 128 x 256 x 768
    // (384 each), the LSTM's and GRU's step products (16 of 32 rows each), a batch of 32 on one thread.
    const product_shape shapes[] = {{"MLP x W1^T", 256, 784, 128}, {"LeNet 400 -> 120", 256, 400, 64}, {"seq2seq-attention", 128, 256, 384},
                                    {"LSTM step", 16, 256, 1024}, {"GRU step", 16, 256, 768}, {"32 rows", 32, 256, 512}};
    return compare_packed_products("tall", tall_only, "wide", engine, shapes, sizeof shapes / sizeof shapes[0]);
}
