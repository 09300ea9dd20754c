// Gather: output row i takes input row indices[i]. Fixed-width values by element size, bitmaps
// (validity and boolean values) one output byte per thread, strings as lengths → exclusive scan →
// byte copy. Indices are never null and always below the input's rows: the host checks that before
// the launch. The gather_or_null_* twins (gather-or-null, the unmatched side of an outer join) take a
// negative index as "no row": a null with a zero value, an empty string and a cleared bit.
#include "ember_cuda.h"
#include "block_scan.cuh"

namespace {

// 8-byte alignment only: Arrow guarantees 8 (IPC files, a spill's batches), not 16, and a 16-byte
// aligned type lets the compiler use 16-byte loads that fault on such a buffer (the emulator's SIGSEGV in
// concatenate_fixed_16, TestCopyConformance.sixteenByteValuesOnlyEightByteAligned)
struct alignas(8) Bytes16 {
    unsigned long long low;
    unsigned long long high;
};

template <bool kOrNull, typename T>
__device__ inline void gather_values(const T* source, const int* indices, int count, T* target) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        const int index = indices[row];
        if (kOrNull && index < 0) {
            target[row] = T{};
        } else {
            target[row] = source[index];
        }
    }
}

// Bit i of target = bit indices[i] of source (0 for a negative index when kOrNull); bits past count
// in the last byte are cleared.
template <bool kOrNull>
__device__ inline void gather_bitmap(const unsigned char* source, const int* indices, int count,
                                     unsigned char* target) {
    const long long byte_count = (static_cast<long long>(count) + 7) / 8;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long byte = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; byte < byte_count;
         byte += stride) {
        unsigned value = 0;
        for (int bit = 0; bit < 8; bit++) {
            const long long row = byte * 8 + bit;
            if (row < count) {
                const int index = indices[row];
                if (!kOrNull || index >= 0) {
                    value |= ember::bit_value(source, index) << bit;
                }
            }
        }
        target[byte] = static_cast<unsigned char>(value);
    }
}

// Bytes of the string at indices[row]; 0 for a negative index when kOrNull.
template <bool kOrNull>
__device__ inline int gathered_length(const int* source_offsets, const int* indices, long long row) {
    const int index = indices[row];
    if (kOrNull && index < 0) {
        return 0;
    }
    return source_offsets[index + 1] - source_offsets[index];
}

template <bool kOrNull>
__device__ inline void string_tile_bytes(const int* source_offsets, const int* indices, int count, int tile_count,
                                         long long* tile_totals) {
    for (int tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
        const long long first_row = static_cast<long long>(tile) * ember::kTileRows
                + static_cast<long long>(threadIdx.x) * ember::kItemsPerThread;
        long long bytes = 0;
        for (int item = 0; item < ember::kItemsPerThread; item++) {
            const long long row = first_row + item;
            if (row < count) {
                bytes += gathered_length<kOrNull>(source_offsets, indices, row);
            }
        }
        long long tile_total;
        ember::block_exclusive_sum(bytes, &tile_total);
        if (threadIdx.x == 0) {
            tile_totals[tile] = tile_total;
        }
    }
}

template <bool kOrNull>
__device__ inline void string_offsets(const int* source_offsets, const int* indices, int count, int tile_count,
                                      const long long* tile_offsets, int* target_offsets) {
    for (int tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
        const long long first_row = static_cast<long long>(tile) * ember::kTileRows
                + static_cast<long long>(threadIdx.x) * ember::kItemsPerThread;
        long long bytes = 0;
        for (int item = 0; item < ember::kItemsPerThread; item++) {
            const long long row = first_row + item;
            if (row < count) {
                bytes += gathered_length<kOrNull>(source_offsets, indices, row);
            }
        }
        long long tile_total;
        long long offset = tile_offsets[tile] + ember::block_exclusive_sum(bytes, &tile_total);
        // Lengths are read again rather than kept: 32 of them would spill to local memory.
        for (int item = 0; item < ember::kItemsPerThread; item++) {
            const long long row = first_row + item;
            if (row < count) {
                target_offsets[row] = static_cast<int>(offset);
                offset += gathered_length<kOrNull>(source_offsets, indices, row);
                if (row == count - 1) {
                    target_offsets[count] = static_cast<int>(offset);
                }
            }
        }
    }
}

template <bool kOrNull>
__device__ inline void string_bytes(const int* source_offsets, const unsigned char* source_data, const int* indices,
                                    int count, const int* target_offsets, unsigned char* target_data) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        const int index = indices[row];
        if (kOrNull && index < 0) {
            continue;
        }
        const int begin = source_offsets[index];
        const int length = source_offsets[index + 1] - begin;
        unsigned char* target = target_data + target_offsets[row];
        for (int i = 0; i < length; i++) {
            target[i] = source_data[begin + i];
        }
    }
}

}  // namespace

extern "C" __global__ void gather_fixed_1(const unsigned char* source, const int* indices, int count,
                                          unsigned char* target) {
    gather_values<false>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_fixed_1)

extern "C" __global__ void gather_fixed_2(const unsigned short* source, const int* indices, int count,
                                          unsigned short* target) {
    gather_values<false>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_fixed_2)

extern "C" __global__ void gather_fixed_4(const unsigned int* source, const int* indices, int count,
                                          unsigned int* target) {
    gather_values<false>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_fixed_4)

extern "C" __global__ void gather_fixed_8(const unsigned long long* source, const int* indices, int count,
                                          unsigned long long* target) {
    gather_values<false>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_fixed_8)

extern "C" __global__ void gather_fixed_16(const Bytes16* source, const int* indices, int count,
                                           Bytes16* target) {
    gather_values<false>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_fixed_16)

// Bit i of target = bit indices[i] of source; bits past count in the last byte are cleared.
extern "C" __global__ void gather_bits(const unsigned char* source, const int* indices, int count,
                                       unsigned char* target) {
    gather_bitmap<false>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_bits)

// Sets the first count bits of a bitmap (a vector whose rows are all valid); clears the rest of
// the last byte.
extern "C" __global__ void set_valid_bits(unsigned char* bitmap, int count) {
    const long long byte_count = (static_cast<long long>(count) + 7) / 8;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long byte = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; byte < byte_count;
         byte += stride) {
        const long long remaining = count - byte * 8;
        bitmap[byte] = remaining >= 8 ? 0xffu : static_cast<unsigned char>((1u << remaining) - 1u);
    }
}
EMBER_REGISTER_KERNEL(set_valid_bits)

// tile_totals[t] = bytes of the strings that tile t of the output takes. Grid-stride over tiles;
// blockDim.x must be kBlockThreads.
extern "C" __global__ void gather_string_tile_bytes(const int* source_offsets, const int* indices, int count,
                                                    int tile_count, long long* tile_totals) {
    string_tile_bytes<false>(source_offsets, indices, count, tile_count, tile_totals);
}
EMBER_REGISTER_KERNEL(gather_string_tile_bytes)

// target_offsets[0..count] of the gathered strings, from the exclusive scan of
// gather_string_tile_bytes' output. The host has checked that the total fits an int.
extern "C" __global__ void gather_string_offsets(const int* source_offsets, const int* indices, int count,
                                                 int tile_count, const long long* tile_offsets,
                                                 int* target_offsets) {
    string_offsets<false>(source_offsets, indices, count, tile_count, tile_offsets, target_offsets);
}
EMBER_REGISTER_KERNEL(gather_string_offsets)

// Copies the bytes of each gathered string; one thread per output row (grid-stride).
extern "C" __global__ void gather_string_bytes(const int* source_offsets, const unsigned char* source_data,
                                               const int* indices, int count, const int* target_offsets,
                                               unsigned char* target_data) {
    string_bytes<false>(source_offsets, source_data, indices, count, target_offsets, target_data);
}
EMBER_REGISTER_KERNEL(gather_string_bytes)

// ---- gather-or-null: the same kernels where a negative index makes a null row ----

extern "C" __global__ void gather_or_null_fixed_1(const unsigned char* source, const int* indices, int count, unsigned char* target) {
    gather_values<true>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_or_null_fixed_1)

extern "C" __global__ void gather_or_null_fixed_2(const unsigned short* source, const int* indices, int count, unsigned short* target) {
    gather_values<true>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_or_null_fixed_2)

extern "C" __global__ void gather_or_null_fixed_4(const unsigned int* source, const int* indices, int count, unsigned int* target) {
    gather_values<true>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_or_null_fixed_4)

extern "C" __global__ void gather_or_null_fixed_8(const unsigned long long* source, const int* indices, int count, unsigned long long* target) {
    gather_values<true>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_or_null_fixed_8)

extern "C" __global__ void gather_or_null_fixed_16(const Bytes16* source, const int* indices, int count, Bytes16* target) {
    gather_values<true>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_or_null_fixed_16)

extern "C" __global__ void gather_or_null_bits(const unsigned char* source, const int* indices, int count,
                                               unsigned char* target) {
    gather_bitmap<true>(source, indices, count, target);
}
EMBER_REGISTER_KERNEL(gather_or_null_bits)

extern "C" __global__ void gather_or_null_string_tile_bytes(const int* source_offsets, const int* indices, int count,
                                                            int tile_count, long long* tile_totals) {
    string_tile_bytes<true>(source_offsets, indices, count, tile_count, tile_totals);
}
EMBER_REGISTER_KERNEL(gather_or_null_string_tile_bytes)

extern "C" __global__ void gather_or_null_string_offsets(const int* source_offsets, const int* indices, int count,
                                                         int tile_count, const long long* tile_offsets,
                                                         int* target_offsets) {
    string_offsets<true>(source_offsets, indices, count, tile_count, tile_offsets, target_offsets);
}
EMBER_REGISTER_KERNEL(gather_or_null_string_offsets)

extern "C" __global__ void gather_or_null_string_bytes(const int* source_offsets, const unsigned char* source_data,
                                                       const int* indices, int count, const int* target_offsets,
                                                       unsigned char* target_data) {
    string_bytes<true>(source_offsets, source_data, indices, count, target_offsets, target_data);
}
EMBER_REGISTER_KERNEL(gather_or_null_string_bytes)
