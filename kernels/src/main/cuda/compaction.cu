// Stream compaction of a boolean column: flags → per-tile counts → exclusive scan
// (scan.cu) → scatter of the positions whose flag is true and valid.
//
// Bitmaps are Arrow's: bit i of byte i/8, least significant bit first. A tile is kTileRows rows
// and each thread owns 32 consecutive rows: four bytes of both bitmaps, read byte by byte so that
// the last word never reads past the bitmap's end.
#include "ember_cuda.h"
#include "block_scan.cuh"

namespace {

// The 32 rows from first_row (a multiple of 32) that are true and valid, as a word whose bit k is
// row first_row + k; rows at or past row_count are 0.
__device__ inline unsigned true_bits(const unsigned char* values, const unsigned char* validity,
                                     long long first_row, int row_count) {
    if (first_row >= row_count) {
        return 0u;
    }
    const long long remaining = row_count - first_row;
    const long long first_byte = first_row >> 3;
    const int bytes = remaining >= 32 ? 4 : static_cast<int>((remaining + 7) >> 3);
    unsigned bits = 0;
    for (int byte = 0; byte < bytes; byte++) {
        bits |= static_cast<unsigned>(values[first_byte + byte] & validity[first_byte + byte]) << (8 * byte);
    }
    if (remaining < 32) {
        bits &= (1u << remaining) - 1u;
    }
    return bits;
}

}  // namespace

// tile_totals[t] = number of true, valid flags in tile t. Grid-stride over tiles; blockDim.x must
// be kBlockThreads.
extern "C" __global__ void count_true_flags(const unsigned char* values, const unsigned char* validity,
                                            int row_count, int tile_count, long long* tile_totals) {
    for (int tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
        const long long first_row = static_cast<long long>(tile) * ember::kTileRows
                + static_cast<long long>(threadIdx.x) * ember::kItemsPerThread;
        const long long count = __popc(true_bits(values, validity, first_row, row_count));
        long long tile_total;
        ember::block_exclusive_sum(count, &tile_total);
        if (threadIdx.x == 0) {
            tile_totals[tile] = tile_total;
        }
    }
}
EMBER_REGISTER_KERNEL(count_true_flags)

// positions[tile_offsets[t] + k] = the k-th true, valid row of tile t, in ascending order.
// tile_offsets is the exclusive scan of count_true_flags' output.
extern "C" __global__ void scatter_true_positions(const unsigned char* values, const unsigned char* validity,
                                                  int row_count, int tile_count, const long long* tile_offsets,
                                                  int* positions) {
    for (int tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
        const long long first_row = static_cast<long long>(tile) * ember::kTileRows
                + static_cast<long long>(threadIdx.x) * ember::kItemsPerThread;
        unsigned bits = true_bits(values, validity, first_row, row_count);
        long long tile_total;
        long long offset = tile_offsets[tile]
                + ember::block_exclusive_sum(static_cast<long long>(__popc(bits)), &tile_total);
        while (bits != 0u) {
            const int bit = __ffs(static_cast<int>(bits)) - 1;
            positions[offset++] = static_cast<int>(first_row + bit);
            bits &= bits - 1u;
        }
    }
}
EMBER_REGISTER_KERNEL(scatter_true_positions)
