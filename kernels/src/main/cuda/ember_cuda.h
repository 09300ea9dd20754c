// Common header of Ember's kernels.
//
// The same sources compile two ways: with nvcc to PTX for the GPU, and with g++ into the CUDA
// driver emulator (kernels/src/main/emulator), which supplies threadIdx, __syncthreads, warp
// shuffles, atomics and the rest on the CPU. Kernels only use what both sides provide:
//  - extern "C" __global__ entry points, registered for the emulator with EMBER_REGISTER_KERNEL;
//  - dynamic shared memory through EMBER_DYNAMIC_SHARED;
//  - fixed-size __shared__ arrays, __syncthreads, __shfl_*_sync, __ballot_sync, atomics, __popc.
#pragma once

#ifdef __CUDACC__

#define EMBER_REGISTER_KERNEL(name)
#define EMBER_DYNAMIC_SHARED(type, name)                                 \
    extern __shared__ __align__(16) unsigned char ember_dynamic_shared[]; \
    type* name = reinterpret_cast<type*>(ember_dynamic_shared)

#else

#include "../emulator/device_runtime.h"

#endif

namespace ember {

/** Threads per block of every Ember kernel that uses block-wide scans. A multiple of 32. */
constexpr int kBlockThreads = 256;

/**
 * Rows one thread handles in a tile; a tile is kBlockThreads * kItemsPerThread rows. 32 rows are one
 * 32-bit word of a bitmap; many rows per thread between barriers also keep the emulator's fiber
 * switches per row low.
 */
constexpr int kItemsPerThread = 32;

/** Rows of one tile of the tiled kernels (compaction, string gather). */
constexpr int kTileRows = kBlockThreads * kItemsPerThread;

/**
 * Bit {@code row} of an Arrow bitmap (validity or boolean values), 0 or 1: least significant bit first
 * within each byte, as Arrow lays them out. As a number, for kernels that hash or pack it.
 */
__device__ inline unsigned bit_value(const unsigned char* bits, long long row) {
    return (bits[row >> 3] >> (row & 7)) & 1u;
}

/** Bit {@code row} of an Arrow bitmap as a truth value: is the row valid, is the boolean true. */
__device__ inline bool bit_at(const unsigned char* bits, long long row) {
    return bit_value(bits, row) != 0;
}

}  // namespace ember
