// The kernels for any CPU: the baseline's vectors (SSE2 on x86-64, NEON on arm64), four floats wide.
#include "kernel_table.h"
#define LANES 4
#define TABLE zoo_kernels_generic
#include "kernels_body.h"
