// Hash partition: Spark's HashPartitioning, pmod(Murmur3Hash(keys..., seed), partitions), bit for bit.
// The row hashes live in the output vector's int32 buffer: hash_partition_seed fills it with the seed,
// one hash_partition_* launch per key column replaces each row's hash with the column value's hash
// seeded by it (null values leave it as it is), and hash_partition_pmod turns hashes into partition
// ids. One thread per row, grid-stride; every access to the hashes is coalesced.
//
// The Murmur3 rounds are Spark's Murmur3_x86_32, including its non-standard tail of
// hashUnsafeBytes (each trailing byte mixed on its own, sign-extended), which Spark uses for strings
// and wide decimals; the Java twin is dev.ember.device.host.HostHashPartition.
#include "ember_cuda.h"

namespace {

// The value kinds of hash_partition_fixed; must match HashPartition.java's Kind.
constexpr int kKindBoolean = 0;       // Arrow bit-packed values, hashed as int 1 or 0
constexpr int kKindByte = 1;          // int8, hashed as int
constexpr int kKindShort = 2;         // int16, hashed as int
constexpr int kKindInt = 3;           // int32 and date (days), hashed as int
constexpr int kKindLong = 4;          // int64 and timestamp (microseconds), hashed as long
constexpr int kKindFloat = 5;         // float32 bits, -0.0 as 0 and every NaN as the canonical NaN
constexpr int kKindDouble = 6;        // float64 bits, likewise
constexpr int kKindDecimalLong = 7;   // Decimal128 of precision <= 18: the low 8 bytes as long
constexpr int kKindDecimalWide = 8;   // Decimal128 of precision > 18: the minimal big-endian two's complement bytes

__device__ inline unsigned rotate_left(unsigned value, int bits) {
    return (value << bits) | (value >> (32 - bits));
}

__device__ inline unsigned mix_k1(unsigned k1) {
    k1 *= 0xcc9e2d51u;
    k1 = rotate_left(k1, 15);
    return k1 * 0x1b873593u;
}

__device__ inline unsigned mix_h1(unsigned h1, unsigned k1) {
    h1 ^= k1;
    h1 = rotate_left(h1, 13);
    return h1 * 5u + 0xe6546b64u;
}

__device__ inline unsigned final_mix(unsigned h1, unsigned length) {
    h1 ^= length;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    h1 ^= h1 >> 16;
    return h1;
}

__device__ inline unsigned hash_int(unsigned value, unsigned seed) {
    return final_mix(mix_h1(seed, mix_k1(value)), 4);
}

__device__ inline unsigned hash_long(unsigned long long value, unsigned seed) {
    unsigned h1 = mix_h1(seed, mix_k1(static_cast<unsigned>(value)));
    h1 = mix_h1(h1, mix_k1(static_cast<unsigned>(value >> 32)));
    return final_mix(h1, 8);
}

// Murmur3_x86_32.hashUnsafeBytes: little-endian 4-byte words, then each remaining byte as a
// sign-extended int. Bytes are read one at a time: strings start at any offset.
__device__ inline unsigned hash_bytes(const unsigned char* bytes, int length, unsigned seed) {
    const int aligned = length - length % 4;
    unsigned h1 = seed;
    for (int i = 0; i < aligned; i += 4) {
        const unsigned word = static_cast<unsigned>(bytes[i]) | (static_cast<unsigned>(bytes[i + 1]) << 8)
                | (static_cast<unsigned>(bytes[i + 2]) << 16) | (static_cast<unsigned>(bytes[i + 3]) << 24);
        h1 = mix_h1(h1, mix_k1(word));
    }
    for (int i = aligned; i < length; i++) {
        h1 = mix_h1(h1, mix_k1(static_cast<unsigned>(static_cast<int>(static_cast<signed char>(bytes[i])))));
    }
    return final_mix(h1, static_cast<unsigned>(length));
}

__device__ inline int leading_zeros_64(unsigned long long value) {
    int zeros = 0;
    for (unsigned long long bit = 1ull << 63; bit != 0 && (value & bit) == 0; bit >>= 1) {
        zeros++;
    }
    return zeros;
}

// Spark hashes a wide decimal as BigInteger.toByteArray() of its unscaled value: the shortest
// big-endian two's complement form, bitLength / 8 + 1 bytes (1 for zero).
__device__ inline unsigned hash_wide_decimal(unsigned long long low, unsigned long long high, unsigned seed) {
    const bool negative = static_cast<long long>(high) < 0;
    // bitLength of a negative value is that of its complement
    const unsigned long long magnitude_high = negative ? ~high : high;
    const unsigned long long magnitude_low = negative ? ~low : low;
    const int bit_length = magnitude_high != 0 ? 128 - leading_zeros_64(magnitude_high)
                                               : (magnitude_low != 0 ? 64 - leading_zeros_64(magnitude_low) : 0);
    const int length = bit_length / 8 + 1;
    // hash_bytes over the big-endian bytes, each computed where it is needed: a 16-byte array would
    // live in local memory
    const int aligned = length - length % 4;
    unsigned h1 = seed;
    for (int i = 0; i < length; i += 4) {
        unsigned word = 0;
        for (int j = 0; j < 4 && i + j < length; j++) {
            const int shift = 8 * (length - 1 - (i + j));  // big-endian byte i + j, from the least significant bit
            const unsigned byte = static_cast<unsigned>((shift >= 64 ? high >> (shift - 64) : low >> shift) & 0xffu);
            if (i < aligned) {
                word |= byte << (8 * j);
            } else {
                h1 = mix_h1(h1, mix_k1(static_cast<unsigned>(static_cast<int>(static_cast<signed char>(byte)))));
            }
        }
        if (i < aligned) {
            h1 = mix_h1(h1, mix_k1(word));
        }
    }
    return final_mix(h1, static_cast<unsigned>(length));
}

}  // namespace

// hashes[row] = seed for every row.
extern "C" __global__ void hash_partition_seed(int* hashes, int count, int seed) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        hashes[row] = seed;
    }
}
EMBER_REGISTER_KERNEL(hash_partition_seed)

// Folds one fixed-width key column (kind: see above) into the row hashes.
extern "C" __global__ void hash_partition_fixed(int kind, const unsigned char* values, const unsigned char* validity,
                                                int count, int* hashes) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        if (!ember::bit_at(validity, row)) {
            continue;
        }
        const unsigned seed = static_cast<unsigned>(hashes[row]);
        unsigned hash;
        switch (kind) {
            case kKindBoolean:
                hash = hash_int(ember::bit_value(values, row), seed);
                break;
            case kKindByte:
                hash = hash_int(static_cast<unsigned>(static_cast<int>(reinterpret_cast<const signed char*>(values)[row])),
                                seed);
                break;
            case kKindShort:
                hash = hash_int(static_cast<unsigned>(static_cast<int>(reinterpret_cast<const short*>(values)[row])), seed);
                break;
            case kKindInt:
                hash = hash_int(reinterpret_cast<const unsigned*>(values)[row], seed);
                break;
            case kKindLong:
                hash = hash_long(reinterpret_cast<const unsigned long long*>(values)[row], seed);
                break;
            case kKindFloat: {
                unsigned bits = reinterpret_cast<const unsigned*>(values)[row];
                if ((bits & 0x7fffffffu) == 0) {
                    bits = 0;  // -0.0 == 0.0
                } else if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
                    bits = 0x7fc00000u;  // Float.floatToIntBits' NaN
                }
                hash = hash_int(bits, seed);
                break;
            }
            case kKindDouble: {
                unsigned long long bits = reinterpret_cast<const unsigned long long*>(values)[row];
                if ((bits & 0x7fffffffffffffffull) == 0) {
                    bits = 0;
                } else if ((bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull
                           && (bits & 0x000fffffffffffffull) != 0) {
                    bits = 0x7ff8000000000000ull;  // Double.doubleToLongBits' NaN
                }
                hash = hash_long(bits, seed);
                break;
            }
            case kKindDecimalLong:
                hash = hash_long(reinterpret_cast<const unsigned long long*>(values)[2 * row], seed);
                break;
            case kKindDecimalWide: {
                const unsigned long long* words = reinterpret_cast<const unsigned long long*>(values) + 2 * row;
                hash = hash_wide_decimal(words[0], words[1], seed);
                break;
            }
            default:
                __trap();  // the host checks the kind before the launch
        }
        hashes[row] = static_cast<int>(hash);
    }
}
EMBER_REGISTER_KERNEL(hash_partition_fixed)

// Folds one string column (int32 offsets, UTF-8 bytes) into the row hashes.
extern "C" __global__ void hash_partition_strings(const int* offsets, const unsigned char* data,
                                                  const unsigned char* validity, int count, int* hashes) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        if (ember::bit_at(validity, row)) {
            const int begin = offsets[row];
            hashes[row] = static_cast<int>(hash_bytes(data + begin, offsets[row + 1] - begin,
                                                      static_cast<unsigned>(hashes[row])));
        }
    }
}
EMBER_REGISTER_KERNEL(hash_partition_strings)

// hashes[row] = pmod(hashes[row], partitions), in [0, partitions); partitions >= 1.
extern "C" __global__ void hash_partition_pmod(int* hashes, int count, int partitions) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count;
         row += stride) {
        const int remainder = hashes[row] % partitions;
        hashes[row] = remainder < 0 ? remainder + partitions : remainder;
    }
}
EMBER_REGISTER_KERNEL(hash_partition_pmod)

// ---- the row positions of each partition (splitByPartition), a stable counting sort of the ids ----
// The rows are cut into tiles of tile_rows consecutive rows, one thread per tile. counts is a
// partitions x tile_count matrix, partition-major: counts[p * tile_count + t] = the rows of tile t with id
// p. Its exclusive scan (exclusive_scan_tile_totals) gives each (partition, tile) its first output slot,
// in partition order and, within a partition, in tile order; partition_scatter then walks each tile's rows
// in order, so every partition keeps its rows in input order. Each thread touches only its own tile's
// column of the matrix: no atomics but the one that records a bad id.

// Counts the ids of each tile. A null id or one outside [0, partitions) is skipped and its row recorded
// in first_bad_row (the host fails the call naming the first such row).
extern "C" __global__ void partition_tile_counts(const int* ids, const unsigned char* validity, int count,
                                                 int partitions, int tile_rows, int tile_count, long long* counts,
                                                 int* first_bad_row) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        for (int partition = 0; partition < partitions; partition++) {
            counts[static_cast<long long>(partition) * tile_count + tile] = 0;
        }
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long row = first; row < end; row++) {
            const int id = ids[row];
            if (!ember::bit_at(validity, row) || id < 0 || id >= partitions) {
                atomicMin(first_bad_row, static_cast<int>(row));
                continue;
            }
            counts[static_cast<long long>(id) * tile_count + tile]++;
        }
    }
}
EMBER_REGISTER_KERNEL(partition_tile_counts)

// positions[slot] = row for every row with a good id, slots from the scanned counts, which serve as each
// (partition, tile)'s cursor: afterwards cursors[p * tile_count + tile_count - 1] is partition p's end.
extern "C" __global__ void partition_scatter(const int* ids, const unsigned char* validity, int count, int partitions,
                                             int tile_rows, int tile_count, long long* cursors, int* positions) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long row = first; row < end; row++) {
            const int id = ids[row];
            if (ember::bit_at(validity, row) && id >= 0 && id < partitions) {
                positions[cursors[static_cast<long long>(id) * tile_count + tile]++] = static_cast<int>(row);
            }
        }
    }
}
EMBER_REGISTER_KERNEL(partition_scatter)
