#ifndef ZOO_KERNEL_TABLE_H
#define ZOO_KERNEL_TABLE_H

#include <stdlib.h>
#include <string.h>
#include "include/zoo_kernels.h"

/// Each instruction set's kernels (kernels_body.h compiled by kernels_LEVEL.c).
extern const zoo_kernel_table zoo_kernels_generic;
#if defined(__x86_64__)
extern const zoo_kernel_table zoo_kernels_avx2;
extern const zoo_kernel_table zoo_kernels_avx512;
#endif

#endif
