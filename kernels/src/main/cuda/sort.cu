// Sort and top-N: a stable least-significant-digit radix sort of row positions on normalized keys.
//
// A key value is read as an unsigned big-endian digit string whose unsigned order is Spark's order:
//  - booleans as 0/1, signed integers (and dates, timestamps) with the sign bit flipped;
//  - floats and doubles with -0.0 read as 0.0, every NaN as the one positive canonical NaN (greater than
//    +infinity), then negative values bit-inverted and non-negative ones with the sign bit set;
//  - 128-bit decimals (same scale within a column) as their two's complement with the sign bit flipped;
//  - strings as their bytes padded with zeros to the longest string of the sort, then their length:
//    "ab" < "ab\0" because the padded bytes tie and the length breaks it.
// Null rows read as all-zero digits, so nulls tie with each other; one extra pass per column with nulls
// places them first or last. A descending key reads 255 - digit for non-null rows.
//
// Each pass is a stable counting sort on one 8-bit digit, least significant first (the last key column's
// least significant byte first, its null pass last, then the column before it): per-tile digit counts →
// exclusive scan of the 256 x tiles matrix (digit-major, so each digit's slots follow tile order) →
// a scatter in which each tile walks its rows in order. Stability of every pass makes the whole sort
// stable: ties keep input order, as the host's merge sort does. The Java twin is
// dev.ember.device.host.HostSort; the host side is dev.ember.device.cuda.RadixSort.
#include "ember_cuda.h"
#include "column_kind.h"

namespace {


// Digit specifications of one pass (the "spec" argument).
constexpr int kNullPass = -1;            // 0 or 1 by the row's validity (see kFlagNullsFirst)
constexpr int kStringLengthBytes = 4;    // strings: specs 0..3 are the length's bytes, 4 + p the byte at p

// Flags of one pass.
constexpr int kFlagDescending = 1;
constexpr int kFlagNullsFirst = 2;

constexpr int kDigits = 256;

struct Normalized {
    unsigned long long low;
    unsigned long long high;
};

__device__ inline bool is_valid(const unsigned char* validity, long long row) {
    return (validity[row >> 3] >> (row & 7)) & 1;
}

__device__ inline unsigned long long float_order(unsigned bits) {
    if ((bits & 0x7fffffffu) == 0) {
        bits = 0;  // -0.0 == 0.0
    } else if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
        bits = 0x7fc00000u;  // every NaN equal, above +infinity
    }
    return (bits & 0x80000000u) != 0 ? (~bits & 0xffffffffu) : (bits | 0x80000000u);
}

__device__ inline unsigned long long double_order(unsigned long long bits) {
    if ((bits & 0x7fffffffffffffffull) == 0) {
        bits = 0;
    } else if ((bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0x000fffffffffffffull) != 0) {
        bits = 0x7ff8000000000000ull;
    }
    return (bits & 0x8000000000000000ull) != 0 ? ~bits : (bits | 0x8000000000000000ull);
}

// The normalized value of a non-null row of a fixed-width kind.
__device__ inline Normalized normalized(int kind, const unsigned char* values, long long row) {
    Normalized value = {0, 0};
    switch (kind) {
        case kKindBoolean:
            value.low = (values[row >> 3] >> (row & 7)) & 1u;
            break;
        case kKindByte:
            value.low = static_cast<unsigned char>(values[row] ^ 0x80u);
            break;
        case kKindShort:
            value.low = static_cast<unsigned short>(reinterpret_cast<const unsigned short*>(values)[row] ^ 0x8000u);
            break;
        case kKindInt:
            value.low = reinterpret_cast<const unsigned*>(values)[row] ^ 0x80000000u;
            break;
        case kKindLong:
            value.low = reinterpret_cast<const unsigned long long*>(values)[row] ^ 0x8000000000000000ull;
            break;
        case kKindFloat:
            value.low = float_order(reinterpret_cast<const unsigned*>(values)[row]);
            break;
        case kKindDouble:
            value.low = double_order(reinterpret_cast<const unsigned long long*>(values)[row]);
            break;
        case kKindDecimal: {
            const unsigned long long* words = reinterpret_cast<const unsigned long long*>(values) + 2 * row;
            value.low = words[0];
            value.high = words[1] ^ 0x8000000000000000ull;
            break;
        }
        default:
            __trap();  // the host checks the kind before the launch
    }
    return value;
}

// The digit of one row for one pass: 0..255.
__device__ inline int digit_of(int kind, const unsigned char* values, const int* offsets,
                               const unsigned char* validity, long long row, int spec, int flags) {
    const bool valid = is_valid(validity, row);
    if (spec == kNullPass) {
        const bool nulls_first = (flags & kFlagNullsFirst) != 0;
        return valid == nulls_first ? 1 : 0;
    }
    if (!valid) {
        return 0;
    }
    int digit;
    if (kind == kKindString) {
        const int begin = offsets[row];
        const int length = offsets[row + 1] - begin;
        if (spec < kStringLengthBytes) {
            digit = (length >> (8 * spec)) & 0xff;
        } else {
            const int position = spec - kStringLengthBytes;
            digit = position < length ? values[begin + position] : 0;
        }
    } else {
        const Normalized value = normalized(kind, values, row);
        digit = static_cast<int>(((spec < 8 ? value.low >> (8 * spec) : value.high >> (8 * (spec - 8)))) & 0xffu);
    }
    return (flags & kFlagDescending) != 0 ? 255 - digit : digit;
}

}  // namespace

// positions[i] = i: the starting permutation (and the answer when there are no passes).
extern "C" __global__ void sort_identity(int* positions, int count) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count; row += stride) {
        positions[row] = static_cast<int>(row);
    }
}
EMBER_REGISTER_KERNEL(sort_identity)

// What the host needs to choose the passes of one key column over rows [0, count), accumulated into
// spread[0..3), which the host zeroes: for fixed-width kinds spread[0] and spread[1] are the OR over rows
// of (low, high) XOR row 0's (low, high) (null rows read as zero), so a zero byte there is a digit every
// row shares and its pass can be skipped; for strings spread[0] is the longest non-null string's length.
// spread[2] is 1 when some row is null.
extern "C" __global__ void sort_key_spread(int kind, const unsigned char* values, const int* offsets,
                                           const unsigned char* validity, int count, unsigned long long* spread) {
    Normalized first = {0, 0};
    if (kind != kKindString && is_valid(validity, 0)) {
        first = normalized(kind, values, 0);
    }
    unsigned long long low = 0;
    unsigned long long high = 0;
    unsigned long long any_null = 0;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count; row += stride) {
        if (!is_valid(validity, row)) {
            any_null = 1;
            low |= first.low;
            high |= first.high;
        } else if (kind == kKindString) {
            const unsigned long long length = static_cast<unsigned long long>(offsets[row + 1] - offsets[row]);
            low = length > low ? length : low;
        } else {
            const Normalized value = normalized(kind, values, row);
            low |= value.low ^ first.low;
            high |= value.high ^ first.high;
        }
    }
    if (kind == kKindString) {
        atomicMax(&spread[0], low);
    } else {
        atomicOr(&spread[0], low);
        atomicOr(&spread[1], high);
    }
    if (any_null != 0) {
        atomicOr(&spread[2], any_null);
    }
}
EMBER_REGISTER_KERNEL(sort_key_spread)

// The rows are cut into tiles of tile_rows consecutive positions, one thread per tile. counts is a
// 256 x tile_count matrix, digit-major: counts[d * tile_count + t] = the positions of tile t whose row has
// digit d in this pass. Each thread writes only its own tile's column: no atomics.
extern "C" __global__ void sort_digit_tile_counts(int kind, const unsigned char* values, const int* offsets,
                                                  const unsigned char* validity, const int* positions, int count,
                                                  int spec, int flags, int tile_rows, int tile_count,
                                                  long long* counts) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        for (int digit = 0; digit < kDigits; digit++) {
            counts[static_cast<long long>(digit) * tile_count + tile] = 0;
        }
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long at = first; at < end; at++) {
            const int digit = digit_of(kind, values, offsets, validity, positions[at], spec, flags);
            counts[static_cast<long long>(digit) * tile_count + tile]++;
        }
    }
}
EMBER_REGISTER_KERNEL(sort_digit_tile_counts)

// positions_out[slot] = positions_in[at], slots from the scanned counts, which serve as each (digit, tile)'s
// cursor; each tile walks its positions in order, so equal digits keep their order (a stable pass).
extern "C" __global__ void sort_digit_scatter(int kind, const unsigned char* values, const int* offsets,
                                              const unsigned char* validity, const int* positions_in, int count,
                                              int spec, int flags, int tile_rows, int tile_count, long long* cursors,
                                              int* positions_out) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long at = first; at < end; at++) {
            const int row = positions_in[at];
            const int digit = digit_of(kind, values, offsets, validity, row, spec, flags);
            positions_out[cursors[static_cast<long long>(digit) * tile_count + tile]++] = row;
        }
    }
}
EMBER_REGISTER_KERNEL(sort_digit_scatter)
