// Kernels that exercise the emulator's model of a GPU: barriers, warp shuffles and votes,
// atomics, dynamic shared memory, deadlock and trap reporting. Compiled like the production
// kernels: nvcc to the committed PTX (src/test/ptx), g++ into the emulator test program.
#include "ember_cuda.h"
#include "block_scan.cuh"

// Reverses each block's slice of data through shared memory: wrong without the barrier.
extern "C" __global__ void test_reverse_in_block(int* data) {
    __shared__ int staging[1024];
    const unsigned base = blockIdx.x * blockDim.x;
    staging[threadIdx.x] = data[base + threadIdx.x];
    __syncthreads();
    data[base + threadIdx.x] = staging[blockDim.x - 1 - threadIdx.x];
}
EMBER_REGISTER_KERNEL(test_reverse_in_block)

// Each output has one slot per thread; width 8 for the segmented index shuffle.
extern "C" __global__ void test_shuffles(const int* input, int* by_index, int* up, int* down, int* by_xor,
                                         double* wide, int* segmented) {
    const unsigned id = blockIdx.x * blockDim.x + threadIdx.x;
    const int value = input[id];
    by_index[id] = __shfl_sync(0xffffffffu, value, 3);
    up[id] = __shfl_up_sync(0xffffffffu, value, 2);
    down[id] = __shfl_down_sync(0xffffffffu, value, 5);
    by_xor[id] = __shfl_xor_sync(0xffffffffu, value, 1);
    wide[id] = __shfl_sync(0xffffffffu, static_cast<double>(value) * 0.5, 31);
    segmented[id] = __shfl_sync(0xffffffffu, value, 1, 8);
}
EMBER_REGISTER_KERNEL(test_shuffles)

extern "C" __global__ void test_votes(const int* predicate, unsigned* ballot, int* any, int* all,
                                      unsigned* half_ballot) {
    const unsigned id = blockIdx.x * blockDim.x + threadIdx.x;
    ballot[id] = __ballot_sync(0xffffffffu, predicate[id]);
    any[id] = __any_sync(0xffffffffu, predicate[id]);
    all[id] = __all_sync(0xffffffffu, predicate[id]);
    if ((threadIdx.x & 31u) < 16) {
        half_ballot[id] = __ballot_sync(0x0000ffffu, predicate[id]);
    }
}
EMBER_REGISTER_KERNEL(test_votes)

extern "C" __global__ void test_atomics(int* counter, unsigned long long* sum, float* float_sum, int* maximum,
                                        int* minimum, unsigned* bits, int* first_claim) {
    const int id = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    atomicAdd(counter, 1);
    atomicAdd(sum, static_cast<unsigned long long>(id));
    atomicAdd(float_sum, 0.5f);
    atomicMax(maximum, id * 7 % 1000);
    atomicMin(minimum, 1000 - id);
    atomicOr(bits, 1u << (id % 32));
    atomicCAS(first_claim, -1, id);
}
EMBER_REGISTER_KERNEL(test_atomics)

// Dynamic shared memory sized at launch: reversed through it, like test_reverse_in_block.
extern "C" __global__ void test_dynamic_shared(long long* data) {
    EMBER_DYNAMIC_SHARED(long long, staging);
    const unsigned base = blockIdx.x * blockDim.x;
    staging[threadIdx.x] = data[base + threadIdx.x] * 3;
    __syncthreads();
    data[base + threadIdx.x] = staging[blockDim.x - 1 - threadIdx.x];
}
EMBER_REGISTER_KERNEL(test_dynamic_shared)

// The block-wide scan Ember's tiled kernels use: values become their exclusive prefix sums within
// each block; totals[block] the block's sum.
extern "C" __global__ void test_block_scan(long long* values, long long* totals) {
    const unsigned id = blockIdx.x * blockDim.x + threadIdx.x;
    long long total;
    values[id] = ember::block_exclusive_sum(values[id], &total);
    if (threadIdx.x == 0) {
        totals[blockIdx.x] = total;
    }
}
EMBER_REGISTER_KERNEL(test_block_scan)

// Half of each warp waits in a full-warp shuffle, the other half at __syncthreads: hangs a GPU.
extern "C" __global__ void test_deadlock(int* output) {
    if ((threadIdx.x & 31u) < 16) {
        output[threadIdx.x] = __shfl_sync(0xffffffffu, static_cast<int>(threadIdx.x), 0);
    } else {
        __syncthreads();
        output[threadIdx.x] = 1;
    }
}
EMBER_REGISTER_KERNEL(test_deadlock)

// Threads wait at a barrier that a thread which already returned never reaches: legal on a GPU
// (exited threads do not hold a barrier back) and must complete.
extern "C" __global__ void test_early_exit(int* output) {
    if (threadIdx.x == 0) {
        return;
    }
    __syncthreads();
    output[threadIdx.x] = static_cast<int>(threadIdx.x);
}
EMBER_REGISTER_KERNEL(test_early_exit)

// The thread whose global index equals *trigger calls __trap; the rest write their index.
extern "C" __global__ void test_trap(const int* trigger, int* output) {
    const int id = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (id == *trigger) {
        __trap();
    }
    output[id] = id;
}
EMBER_REGISTER_KERNEL(test_trap)

struct Triple {
    int first;
    int second;
    int third;
};

// A struct passed by value: its PTX parameter is ".param .align 4 .b8 name[12]".
extern "C" __global__ void test_struct_parameter(Triple triple, char small, long long* output) {
    output[0] = triple.first + triple.second * 10 + triple.third * 100 + small * 1000;
}
EMBER_REGISTER_KERNEL(test_struct_parameter)
