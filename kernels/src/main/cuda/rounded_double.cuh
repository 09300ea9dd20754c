// Double arithmetic rounded after every operation, as Java rounds it. nvcc may fuse a multiply and the add
// that follows it into one fused multiply-add (one rounding instead of two), which changes the last bit
// against the host's Java; its _rn intrinsics are never fused. The emulator's g++ build passes
// -ffp-contract=off (GCC contracts by default in C++, and does on aarch64), so plain operators give the
// same bits there.
#pragma once

#include "ember_cuda.h"

namespace ember {

__device__ inline double add_rn(double left, double right) {
#ifdef __CUDACC__
    return __dadd_rn(left, right);
#else
    return left + right;
#endif
}

__device__ inline double subtract_rn(double left, double right) {
#ifdef __CUDACC__
    return __dsub_rn(left, right);
#else
    return left - right;
#endif
}

__device__ inline double multiply_rn(double left, double right) {
#ifdef __CUDACC__
    return __dmul_rn(left, right);
#else
    return left * right;
#endif
}

__device__ inline double divide_rn(double left, double right) {
#ifdef __CUDACC__
    return __ddiv_rn(left, right);
#else
    return left / right;
#endif
}

}  // namespace ember
