// Concatenate: the rows of several parts one after another, one column and one part per launch, all
// launches of a column on one stream (so a part's launch sees the bits the previous part left in the
// byte they share). Fixed-width values are copied by element size into the output at the part's
// first row; bitmaps (validity and boolean values) one output byte per thread, shifted to the part's
// first bit; strings as rebased offsets and one byte copy. Grid-stride loops; the host passes target
// addresses already advanced to the part's first row (values) or first offset.
#include "ember_cuda.h"

namespace {

// 8-byte alignment only: Arrow guarantees 8 (IPC files, a spill's batches), not 16, and a 16-byte
// aligned type lets the compiler use 16-byte loads that fault on such a buffer (the emulator's SIGSEGV in
// concatenate_fixed_16, TestCopyConformance.sixteenByteValuesOnlyEightByteAligned)
struct alignas(8) Bytes16 {
    unsigned long long low;
    unsigned long long high;
};

template <typename T>
__device__ inline void copy_values(const T* source, int count, T* target) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        target[row] = source[row];
    }
}

}  // namespace

extern "C" __global__ void concatenate_fixed_1(const unsigned char* source, int count, unsigned char* target) {
    copy_values(source, count, target);
}
EMBER_REGISTER_KERNEL(concatenate_fixed_1)

extern "C" __global__ void concatenate_fixed_2(const unsigned short* source, int count, unsigned short* target) {
    copy_values(source, count, target);
}
EMBER_REGISTER_KERNEL(concatenate_fixed_2)

extern "C" __global__ void concatenate_fixed_4(const unsigned int* source, int count, unsigned int* target) {
    copy_values(source, count, target);
}
EMBER_REGISTER_KERNEL(concatenate_fixed_4)

extern "C" __global__ void concatenate_fixed_8(const unsigned long long* source, int count,
                                               unsigned long long* target) {
    copy_values(source, count, target);
}
EMBER_REGISTER_KERNEL(concatenate_fixed_8)

extern "C" __global__ void concatenate_fixed_16(const Bytes16* source, int count, Bytes16* target) {
    copy_values(source, count, target);
}
EMBER_REGISTER_KERNEL(concatenate_fixed_16)

// Bits [0, count) of source to bits [first, first + count) of target. Each thread owns whole target
// bytes: bits below first keep what is there (the previous part's), bits past first + count are cleared
// (the next part's launch sets them).
extern "C" __global__ void concatenate_bits(const unsigned char* source, int count, unsigned char* target,
                                            int first) {
    const long long first_byte = first >> 3;
    const long long end_bit = static_cast<long long>(first) + count;
    const long long byte_count = (end_bit + 7) / 8 - first_byte;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < byte_count; i += stride) {
        const long long byte = first_byte + i;
        unsigned value = target[byte];
        for (int bit = 0; bit < 8; bit++) {
            const long long at = byte * 8 + bit;
            if (at < first) {
                continue;
            }
            value &= ~(1u << bit);
            if (at < end_bit) {
                const long long row = at - first;
                value |= ember::bit_value(source, row) << bit;
            }
        }
        target[byte] = static_cast<unsigned char>(value);
    }
}
EMBER_REGISTER_KERNEL(concatenate_bits)

// target_offsets[row + 1] = base + source_offsets[row + 1] - source_offsets[0] for row in [0, count):
// the part's string ends, rebased to where its bytes land. target_offsets points at the part's first
// row's offset, which the previous part (or the zeroed buffer) already holds.
extern "C" __global__ void concatenate_offsets(const int* source_offsets, int count, int base, int* target_offsets) {
    const int first = source_offsets[0];
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        target_offsets[row + 1] = base + source_offsets[row + 1] - first;
    }
}
EMBER_REGISTER_KERNEL(concatenate_offsets)

// count bytes of source to target: 16-byte words where both sides are 16-byte aligned, bytes otherwise.
extern "C" __global__ void concatenate_bytes(const unsigned char* source, int count, unsigned char* target) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    const long long first = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    const bool aligned = ((reinterpret_cast<unsigned long long>(source) | reinterpret_cast<unsigned long long>(target))
                          & 15) == 0;
    long long done = 0;
    if (aligned) {
        const long long words = count / 16;
        const Bytes16* from = reinterpret_cast<const Bytes16*>(source);
        Bytes16* to = reinterpret_cast<Bytes16*>(target);
        for (long long word = first; word < words; word += stride) {
            to[word] = from[word];
        }
        done = words * 16;
    }
    for (long long byte = done + first; byte < count; byte += stride) {
        target[byte] = source[byte];
    }
}
EMBER_REGISTER_KERNEL(concatenate_bytes)
