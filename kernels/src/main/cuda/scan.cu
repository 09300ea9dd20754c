// Exclusive prefix sums over per-tile totals: the middle step of every "count → scan → scatter"
// primitive (stream compaction, string gather).
#include "ember_cuda.h"
#include "block_scan.cuh"

// In place: values[i] becomes the sum of values[0..i); values[count] receives the grand total
// (the array must hold count + 1 elements). Launch with exactly one block of kBlockThreads.
extern "C" __global__ void exclusive_scan_tile_totals(long long* values, int count) {
    long long carry = 0;
    for (int start = 0; start < count; start += blockDim.x) {
        const int index = start + static_cast<int>(threadIdx.x);
        const long long value = index < count ? values[index] : 0;
        long long chunk_total;
        const long long prefix = ember::block_exclusive_sum(value, &chunk_total);
        if (index < count) {
            values[index] = carry + prefix;
        }
        carry += chunk_total;
    }
    if (threadIdx.x == 0) {
        values[count] = carry;
    }
}
EMBER_REGISTER_KERNEL(exclusive_scan_tile_totals)
