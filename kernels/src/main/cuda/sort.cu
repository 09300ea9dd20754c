// Sort and top-N: a stable least-significant-digit radix sort of row positions on normalized keys, then a
// tie-break of the rows whose long strings the radix passes could not tell apart.
//
// A key value is read as an unsigned big-endian digit string whose unsigned order is Spark's order:
//  - booleans as 0/1, signed integers (and dates, timestamps) with the sign bit flipped;
//  - floats and doubles with -0.0 read as 0.0, every NaN as the one positive canonical NaN (greater than
//    +infinity), then negative values bit-inverted and non-negative ones with the sign bit set;
//  - 128-bit decimals (same scale within a column) as their two's complement with the sign bit flipped;
//  - strings truncated to a prefix of P bytes (the "prefix" argument): the bytes [0, P) padded with zeros to
//    min(P, the longest string of the sort), then the length clamped to P + 1. This truncated key orders
//    coarsely but never against the full order: when it differs, either some byte at i < P differs (both
//    strings have a byte there, or the shorter one's padding 0 meets a non-zero byte, so the shorter one is a
//    proper prefix and smaller), or all P padded bytes tie and the clamped lengths differ, so the shorter
//    string is at most P bytes long, wholly inside the prefix, and again a proper prefix of the other:
//    "ab" < "ab\0" because the padded bytes tie and the length breaks it. When it ties, both strings are
//    equal and at most P bytes long, or both are longer than P with equal first P bytes: only those rows
//    need the tie-break.
// Null rows read as all-zero digits, so nulls tie with each other; one extra pass per column with nulls
// places them first or last. A descending key reads 255 - digit for non-null rows, which reverses the
// coarse order and keeps its ties.
//
// Each pass is a stable counting sort on one 8-bit digit, least significant first (the last key column's
// least significant byte first, its null pass last, then the column before it): per-tile digit counts →
// exclusive scan of the 256 x tiles matrix (digit-major, so each digit's slots follow tile order) →
// a scatter in which each tile walks its rows in order. Stability of every pass makes the whole sort
// stable: ties keep input order, as the host's merge sort does.
//
// Tie-break, only when some string key is longer than P. Let s be the first key column with a string longer
// than P. Rows whose truncated keys of columns [0, s] differ are already in their final order (the columns
// before s are exact, column s's coarse order agrees with the full one); rows that tie there may be in the
// wrong order, since the passes ordered them by the later columns without column s's tail. So
// sort_run_starts flags the sorted positions whose truncated keys of columns [0, s] differ from the previous
// position's, stream compaction lists those run starts, and sort_tie_break merge-sorts each run of more than
// one row over the full keys of every column, stably. The passes leave tied rows in input order and the
// merge keeps equal rows in that order, so the result equals the host's stable merge sort position for
// position.
// The Java twin is dev.ember.device.host.HostSort; the host side is dev.ember.device.cuda.RadixSort and
// SortTieBreak.
#include "ember_cuda.h"
#include "column_kind.h"
#include "string_keys.cuh"

namespace {


// Digit specifications of one pass (the "spec" argument).
constexpr int kNullPass = -1;            // 0 or 1 by the row's validity (see kFlagNullsFirst)
constexpr int kStringLengthBytes = 4;    // strings: specs 0..3 are the length's bytes, 4 + p the byte at p

// Flags of one pass.
constexpr int kFlagDescending = 1;
constexpr int kFlagNullsFirst = 2;

constexpr int kDigits = 256;

// The key table of the tie-break kernels: per key column kSortKeyWords 64-bit words: kind, values address
// (strings: the bytes), offsets address (strings only; any valid address otherwise), validity address,
// flags (kFlagDescending, kFlagNullsFirst). Must match SortTieBreak.java.
constexpr int kSortKeyWords = 5;

struct Normalized {
    unsigned long long low;
    unsigned long long high;
};

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
            value.low = ember::bit_value(values, row);
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
// Strings read the prefix of `prefix` bytes: specs 4 + p only for p < prefix, the length clamped to prefix + 1.
__device__ inline int digit_of(int kind, const unsigned char* values, const int* offsets,
                               const unsigned char* validity, long long row, int spec, int flags, int prefix) {
    const bool valid = ember::bit_at(validity, row);
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
            const int clamped = length > prefix ? prefix + 1 : length;
            digit = (clamped >> (8 * spec)) & 0xff;
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
    if (kind != kKindString && ember::bit_at(validity, 0)) {
        first = normalized(kind, values, 0);
    }
    unsigned long long low = 0;
    unsigned long long high = 0;
    unsigned long long any_null = 0;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count; row += stride) {
        if (!ember::bit_at(validity, row)) {
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
                                                  int spec, int flags, int prefix, int tile_rows,
                                                  int tile_count, long long* counts) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        for (int digit = 0; digit < kDigits; digit++) {
            counts[static_cast<long long>(digit) * tile_count + tile] = 0;
        }
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long at = first; at < end; at++) {
            const int digit = digit_of(kind, values, offsets, validity, positions[at], spec, flags, prefix);
            counts[static_cast<long long>(digit) * tile_count + tile]++;
        }
    }
}
EMBER_REGISTER_KERNEL(sort_digit_tile_counts)

// positions_out[slot] = positions_in[at], slots from the scanned counts, which serve as each (digit, tile)'s
// cursor; each tile walks its positions in order, so equal digits keep their order (a stable pass).
extern "C" __global__ void sort_digit_scatter(int kind, const unsigned char* values, const int* offsets,
                                              const unsigned char* validity, const int* positions_in, int count,
                                              int spec, int flags, int prefix, int tile_rows, int tile_count,
                                              long long* cursors, int* positions_out) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long at = first; at < end; at++) {
            const int row = positions_in[at];
            const int digit = digit_of(kind, values, offsets, validity, row, spec, flags, prefix);
            positions_out[cursors[static_cast<long long>(digit) * tile_count + tile]++] = row;
        }
    }
}
EMBER_REGISTER_KERNEL(sort_digit_scatter)

namespace {

struct SortKeyColumn {
    int kind;
    const unsigned char* values;
    const int* offsets;
    const unsigned char* validity;
    int flags;
};

__device__ inline SortKeyColumn sort_key_column(const long long* keys, int column) {
    const long long* words = keys + static_cast<long long>(kSortKeyWords) * column;
    SortKeyColumn key;
    key.kind = static_cast<int>(words[0]);
    key.values = reinterpret_cast<const unsigned char*>(words[1]);
    key.offsets = reinterpret_cast<const int*>(words[2]);
    key.validity = reinterpret_cast<const unsigned char*>(words[3]);
    key.flags = static_cast<int>(words[4]);
    return key;
}

// Whether rows a and b read the same digits in every radix pass: the same validity, then for strings the
// same length clamped to prefix + 1 and the same bytes below it, for the other kinds the same normalized
// value (NaN equal to NaN, -0.0 to 0.0, as the passes read them).
__device__ inline bool same_truncated_keys(const long long* keys, int key_count, int prefix, int a, int b) {
    for (int k = 0; k < key_count; k++) {
        const SortKeyColumn key = sort_key_column(keys, k);
        const bool valid = ember::bit_at(key.validity, a);
        if (valid != ember::bit_at(key.validity, b)) {
            return false;
        }
        if (!valid) {
            continue;
        }
        if (key.kind == kKindString) {
            const int a_begin = key.offsets[a];
            const int b_begin = key.offsets[b];
            int a_length = key.offsets[a + 1] - a_begin;
            int b_length = key.offsets[b + 1] - b_begin;
            a_length = a_length > prefix ? prefix + 1 : a_length;
            b_length = b_length > prefix ? prefix + 1 : b_length;
            if (a_length != b_length) {
                return false;
            }
            const int compared = a_length > prefix ? prefix : a_length;
            for (int at = 0; at < compared; at++) {
                if (key.values[a_begin + at] != key.values[b_begin + at]) {
                    return false;
                }
            }
        } else {
            const Normalized a_value = normalized(key.kind, key.values, a);
            const Normalized b_value = normalized(key.kind, key.values, b);
            if (a_value.low != b_value.low || a_value.high != b_value.high) {
                return false;
            }
        }
    }
    return true;
}

// HostSort's comparison of rows a and b over every key column: < 0, 0 or > 0. Nulls first or last as the
// flags say (in either direction, as the host), strings as unsigned bytes then by length, the other kinds by
// their normalized value (whose unsigned order is Spark's: NaN above +infinity, -0.0 equal to 0.0); a
// descending key reverses a non-null comparison.
__device__ inline int compare_keys(const long long* keys, int key_count, int a, int b) {
    for (int k = 0; k < key_count; k++) {
        const SortKeyColumn key = sort_key_column(keys, k);
        const bool a_valid = ember::bit_at(key.validity, a);
        const bool b_valid = ember::bit_at(key.validity, b);
        if (a_valid != b_valid) {
            return !a_valid == ((key.flags & kFlagNullsFirst) != 0) ? -1 : 1;
        }
        if (!a_valid) {
            continue;
        }
        int order = 0;
        if (key.kind == kKindString) {
            const int a_begin = key.offsets[a];
            const int b_begin = key.offsets[b];
            order = ember::compare_strings(key.values + a_begin, key.offsets[a + 1] - a_begin, key.values + b_begin,
                                           key.offsets[b + 1] - b_begin);
        } else {
            const Normalized a_value = normalized(key.kind, key.values, a);
            const Normalized b_value = normalized(key.kind, key.values, b);
            if (a_value.high != b_value.high) {
                order = a_value.high < b_value.high ? -1 : 1;
            } else if (a_value.low != b_value.low) {
                order = a_value.low < b_value.low ? -1 : 1;
            }
        }
        if (order != 0) {
            return (key.flags & kFlagDescending) != 0 ? -order : order;
        }
    }
    return 0;
}

}  // namespace

// bitmap bit i = sorted position i starts a run (position 0 always): its truncated keys of the first
// key_count columns differ from position i - 1's. The caller passes the columns up to the first string column
// with strings longer than the prefix: the columns before it are exact, so rows of different runs are in
// their final order, while inside a run the later columns were ordered without that string's tail. One
// thread per output byte; compaction reads the bitmap.
extern "C" __global__ void sort_run_starts(const long long* keys, int key_count, int prefix, const int* positions,
                                           int count, unsigned char* flags) {
    const long long bytes = (static_cast<long long>(count) + 7) / 8;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long at = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; at < bytes; at += stride) {
        unsigned char byte = 0;
        for (int bit = 0; bit < 8; bit++) {
            const long long position = at * 8 + bit;
            if (position < count && (position == 0 || !same_truncated_keys(keys, key_count, prefix,
                                                                           positions[position],
                                                                           positions[position - 1]))) {
                byte |= static_cast<unsigned char>(1u << bit);
            }
        }
        flags[at] = byte;
    }
}
EMBER_REGISTER_KERNEL(sort_run_starts)

// One thread per run (run r is the sorted positions [starts[r], starts[r + 1]), the last one ending at
// count): a run of more than one row that starts before `kept` (top-N: later runs are cut off) and is not
// already in order is sorted by a bottom-up merge sort over the full keys of every column, scratch[start, end)
// serving as the other buffer; each merge takes the left row on equality, so equal rows keep their order (the
// input order, which the stable radix passes left them in). Runs are disjoint, so threads never touch each
// other's positions.
extern "C" __global__ void sort_tie_break(const long long* keys, int key_count, const int* starts, int runs,
                                          int count, int kept, int* positions, int* scratch) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long run = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; run < runs; run += stride) {
        const long long start = starts[run];
        const long long end = run + 1 < runs ? starts[run + 1] : count;
        const long long length = end - start;
        if (length < 2 || start >= kept) {
            continue;
        }
        // a run whose long strings tie in full (one hot key) or that the passes happened to order costs one scan
        bool ordered = true;
        for (long long at = start + 1; at < end && ordered; at++) {
            ordered = compare_keys(keys, key_count, positions[at - 1], positions[at]) <= 0;
        }
        if (ordered) {
            continue;
        }
        int* from = positions + start;
        int* to = scratch + start;
        for (long long width = 1; width < length; width *= 2) {
            for (long long low = 0; low < length; low += 2 * width) {
                const long long middle = low + width < length ? low + width : length;
                const long long high = low + 2 * width < length ? low + 2 * width : length;
                long long left = low;
                long long right = middle;
                for (long long out = low; out < high; out++) {
                    if (right >= high
                            || (left < middle && compare_keys(keys, key_count, from[left], from[right]) <= 0)) {
                        to[out] = from[left++];
                    } else {
                        to[out] = from[right++];
                    }
                }
            }
            int* swap = from;
            from = to;
            to = swap;
        }
        if (from != positions + start) {
            for (long long at = 0; at < length; at++) {
                positions[start + at] = from[at];
            }
        }
    }
}
EMBER_REGISTER_KERNEL(sort_tie_break)
