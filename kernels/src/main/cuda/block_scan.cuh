// Block-wide exclusive prefix sum: warp shuffles within each warp, then one warp scans the warp
// totals held in shared memory. Every thread of the block must call it (it has barriers), and
// blockDim.x must be a multiple of 32 and at most 1024.
#pragma once

#include "ember_cuda.h"

namespace ember {

template <typename T>
__device__ T block_exclusive_sum(T value, T* block_total) {
    __shared__ T warp_sums[32];
    __shared__ T total;
    const unsigned lane = threadIdx.x & 31u;
    const unsigned warp = threadIdx.x >> 5;
    const unsigned warp_count = blockDim.x >> 5;

    T inclusive = value;
    for (unsigned delta = 1; delta < 32; delta <<= 1) {
        T neighbour = __shfl_up_sync(0xffffffffu, inclusive, delta);
        if (lane >= delta) {
            inclusive += neighbour;
        }
    }
    if (lane == 31) {
        warp_sums[warp] = inclusive;
    }
    __syncthreads();

    if (warp == 0) {
        T own = lane < warp_count ? warp_sums[lane] : T(0);
        T scanned = own;
        for (unsigned delta = 1; delta < 32; delta <<= 1) {
            T neighbour = __shfl_up_sync(0xffffffffu, scanned, delta);
            if (lane >= delta) {
                scanned += neighbour;
            }
        }
        if (lane < warp_count) {
            warp_sums[lane] = scanned - own;
        }
        if (lane == warp_count - 1) {
            total = scanned;
        }
    }
    __syncthreads();

    T exclusive = warp_sums[warp] + inclusive - value;
    *block_total = total;
    // The shared slots are reused by the next call: nobody may overwrite them before all have read.
    __syncthreads();
    return exclusive;
}

}  // namespace ember
