// Hash join: the build and probe of Ember's join hash table; the Java twin is
// dev.ember.device.host.HostJoinTable, whose results these kernels reproduce exactly.
//
// Key columns are described by a table of KeyColumn records (kind and buffer addresses) in managed
// memory, so one launch reads every key column of a row; keys are always compared against these
// original columns, never by hash alone. A row whose key has a null value is never stored and never
// matches. Floating keys compare as Spark's normalized keys: every NaN equals every NaN, -0.0 equals 0.0.
// Integral keys (1, 2, 4 and 8 bytes, dates, timestamps) compare by value across widths, as the host does.
//
// Build (one table per build side):
//   join_build_init     every slot empty, every entry count zero;
//   join_build_insert   one thread per row: open addressing with linear probing over a power-of-two
//                       array of packed 64-bit slots (high 32 bits: the hash's high half, low 32 bits:
//                       the entry, a build row holding the key), claimed with one atomicCAS. A key's
//                       entry is whichever of its rows won the CAS; every row records its entry and
//                       counts itself in the entry's count;
//   join_radix_tile_counts / exclusive_scan_tile_totals / join_radix_scatter
//                       a stable LSD radix sort of the rows by entry, 8 bits a pass (rows in input order
//                       stay in input order within an entry: the host's ascending build rows per key);
//   join_build_segments where each entry's rows start in the sorted rows.
// Probe (count, then fill):
//   join_probe_count    one thread per probe row: its entry and its number of matches;
//   exclusive_scan_tile_totals over the counts: each row's first output pair;
//   join_probe_cutoff   the rows a call covers: up to the first row at which max_pairs pairs are reached
//                       (a row's pairs are never split), as the host's loop stops;
//   join_probe_fill     one thread per output pair, which finds its probe row by binary search over the
//                       scanned counts: balanced however many matches one key has.
#include "ember_cuda.h"
#include "column_kind.h"
#include "string_keys.cuh"

namespace {

// Key kinds: column_kind.h; the integral kinds read as sign-extended 64-bit values, decimals of one
// scale on both sides.

// One key column as the host describes it: four 8-byte words.
struct KeyColumn {
    long long kind;
    const unsigned char* validity;
    const unsigned char* values;
    const int* offsets;  // strings only
};

constexpr unsigned long long kEmptySlot = ~0ull;
constexpr unsigned long long kHashMultiplier = 0x9E3779B97F4A7C15ull;
constexpr unsigned long long kInitialHash = 17;

__device__ inline unsigned long long mix(unsigned long long value) {
    unsigned long long z = value + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

__device__ inline long long integral_value(const KeyColumn& column, long long row) {
    switch (column.kind) {
        case kKindByte:
            return reinterpret_cast<const signed char*>(column.values)[row];
        case kKindShort:
            return reinterpret_cast<const short*>(column.values)[row];
        case kKindInt:
            return reinterpret_cast<const int*>(column.values)[row];
        case kKindLong:
        default:
            return reinterpret_cast<const long long*>(column.values)[row];
    }
}

// Float bits with -0.0 as 0.0 and every NaN as Float.floatToIntBits' NaN (the host's value + 0.0f).
__device__ inline unsigned normalized_float(const KeyColumn& column, long long row) {
    const unsigned bits = reinterpret_cast<const unsigned*>(column.values)[row];
    if ((bits & 0x7fffffffu) == 0) {
        return 0;
    }
    if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
        return 0x7fc00000u;
    }
    return bits;
}

__device__ inline unsigned long long normalized_double(const KeyColumn& column, long long row) {
    const unsigned long long bits = reinterpret_cast<const unsigned long long*>(column.values)[row];
    if ((bits & 0x7fffffffffffffffull) == 0) {
        return 0;
    }
    if ((bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0x000fffffffffffffull) != 0) {
        return 0x7ff8000000000000ull;
    }
    return bits;
}

// The hash of a non-null value; equal keys hash equally.
__device__ inline unsigned long long value_hash(const KeyColumn& column, long long row) {
    switch (column.kind) {
        case kKindBoolean:
            return mix(ember::bit_value(column.values, row));
        case kKindFloat:
            return mix(normalized_float(column, row));
        case kKindDouble:
            return mix(normalized_double(column, row));
        case kKindDecimal: {
            const unsigned long long* words = reinterpret_cast<const unsigned long long*>(column.values) + 2 * row;
            return mix(words[0] ^ mix(words[1]));
        }
        case kKindString: {
            const int begin = column.offsets[row];
            return mix(ember::string_key_hash(column.values + begin, column.offsets[row + 1] - begin));
        }
        default:
            return mix(static_cast<unsigned long long>(integral_value(column, row)));
    }
}

// The combined hash of a row's key over every column; false when some value is null.
__device__ inline bool row_hash(const KeyColumn* columns, int column_count, long long row, unsigned long long* hash) {
    unsigned long long combined = kInitialHash;
    for (int i = 0; i < column_count; i++) {
        if (!ember::bit_at(columns[i].validity, row)) {
            return false;
        }
        combined = combined * kHashMultiplier + value_hash(columns[i], row);
    }
    *hash = mix(combined);
    return true;
}

// Whether non-null keys are equal: row of left and other_row of right, column by column (same kinds,
// or integral kinds of any widths, as the host checks before a launch).
__device__ inline bool same_key(const KeyColumn* left, long long row, const KeyColumn* right, long long other_row,
                                int column_count) {
    for (int i = 0; i < column_count; i++) {
        const KeyColumn& a = left[i];
        const KeyColumn& b = right[i];
        switch (a.kind) {
            case kKindBoolean:
                if (ember::bit_value(a.values, row) != ember::bit_value(b.values, other_row)) {
                    return false;
                }
                break;
            case kKindFloat:
                if (normalized_float(a, row) != normalized_float(b, other_row)) {
                    return false;
                }
                break;
            case kKindDouble:
                if (normalized_double(a, row) != normalized_double(b, other_row)) {
                    return false;
                }
                break;
            case kKindDecimal: {
                const unsigned long long* x = reinterpret_cast<const unsigned long long*>(a.values) + 2 * row;
                const unsigned long long* y = reinterpret_cast<const unsigned long long*>(b.values) + 2 * other_row;
                if (x[0] != y[0] || x[1] != y[1]) {
                    return false;
                }
                break;
            }
            case kKindString: {
                const int begin = a.offsets[row];
                const int other_begin = b.offsets[other_row];
                if (!ember::same_string_key(a.values + begin, a.offsets[row + 1] - begin, b.values + other_begin,
                                            b.offsets[other_row + 1] - other_begin)) {
                    return false;
                }
                break;
            }
            default:
                if (integral_value(a, row) != integral_value(b, other_row)) {
                    return false;
                }
        }
    }
    return true;
}

// A slot read that sees other threads' CAS results (not a value cached from before them).
__device__ inline unsigned long long load_slot(const unsigned long long* slot) {
    return *reinterpret_cast<const volatile unsigned long long*>(slot);
}

__device__ inline unsigned slot_hash(unsigned long long slot) {
    return static_cast<unsigned>(slot >> 32);
}

__device__ inline int slot_entry(unsigned long long slot) {
    return static_cast<int>(slot & 0xffffffffull);
}

}  // namespace

// slots[0, capacity) = empty; entry_counts[0, count) = 0.
extern "C" __global__ void join_build_init(unsigned long long* slots, int capacity, int* entry_counts, int count) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    const long long end = capacity > count ? capacity : count;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < end; i += stride) {
        if (i < capacity) {
            slots[i] = kEmptySlot;
        }
        if (i < count) {
            entry_counts[i] = 0;
        }
    }
}
EMBER_REGISTER_KERNEL(join_build_init)

// Inserts build rows [0, count): sort_keys[row] = the row's entry (count for a row with a null key, which
// sorts after every entry), sort_rows[row] = row, entry_counts[entry] += 1. capacity is a power of two
// above count, so a free slot always exists.
extern "C" __global__ void join_build_insert(const long long* columns, int column_count, int count,
                                             unsigned long long* slots, int capacity, int* sort_keys, int* sort_rows,
                                             int* entry_counts) {
    const KeyColumn* keys = reinterpret_cast<const KeyColumn*>(columns);
    const unsigned mask = static_cast<unsigned>(capacity) - 1u;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < count; row += stride) {
        sort_rows[row] = static_cast<int>(row);
        unsigned long long hash;
        if (!row_hash(keys, column_count, row, &hash)) {
            sort_keys[row] = count;
            continue;
        }
        const unsigned tag = static_cast<unsigned>(hash >> 32);
        const unsigned long long mine = (static_cast<unsigned long long>(tag) << 32) | static_cast<unsigned>(row);
        unsigned slot = static_cast<unsigned>(hash) & mask;
        int entry = -1;
        unsigned long long current = load_slot(slots + slot);
        while (entry < 0) {
            if (current == kEmptySlot) {
                current = atomicCAS(slots + slot, kEmptySlot, mine);
                if (current == kEmptySlot) {
                    entry = static_cast<int>(row);
                }
                continue;  // lost the race: look at the key that won it
            }
            if (slot_hash(current) == tag && same_key(keys, slot_entry(current), keys, row, column_count)) {
                entry = slot_entry(current);
            } else {
                slot = (slot + 1) & mask;
                current = load_slot(slots + slot);
            }
        }
        sort_keys[row] = entry;
        atomicAdd(entry_counts + entry, 1);
    }
}
EMBER_REGISTER_KERNEL(join_build_insert)

// ---- the stable radix sort of (key, row) pairs by key, one 8-bit digit a pass ----
// As the partition sort of hash_partition.cu: the pairs are cut into tiles of tile_rows, one thread per
// tile; counts is a 256 x tile_count matrix, digit-major; its exclusive scan gives each (digit, tile) its
// first output slot, and the scatter walks each tile in order, so equal digits keep their order.

extern "C" __global__ void join_radix_tile_counts(const int* keys, int count, int shift, int tile_rows, int tile_count,
                                                  long long* counts) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        for (int digit = 0; digit < 256; digit++) {
            counts[static_cast<long long>(digit) * tile_count + tile] = 0;
        }
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long i = first; i < end; i++) {
            counts[static_cast<long long>((keys[i] >> shift) & 0xff) * tile_count + tile]++;
        }
    }
}
EMBER_REGISTER_KERNEL(join_radix_tile_counts)

extern "C" __global__ void join_radix_scatter(const int* keys, const int* rows, int count, int shift, int tile_rows,
                                              int tile_count, long long* cursors, int* sorted_keys, int* sorted_rows) {
    for (long long tile = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; tile < tile_count;
         tile += static_cast<long long>(gridDim.x) * blockDim.x) {
        const long long first = tile * tile_rows;
        const long long end = first + tile_rows < count ? first + tile_rows : count;
        for (long long i = first; i < end; i++) {
            const int key = keys[i];
            const long long target = cursors[static_cast<long long>((key >> shift) & 0xff) * tile_count + tile]++;
            sorted_keys[target] = key;
            sorted_rows[target] = rows[i];
        }
    }
}
EMBER_REGISTER_KERNEL(join_radix_scatter)

// entry_starts[entry] = the position of the entry's first row in the sorted rows. Keys equal to count
// (null keys) sort last and are skipped.
extern "C" __global__ void join_build_segments(const int* sorted_keys, int count, int* entry_starts) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
        const int key = sorted_keys[i];
        if (key < count && (i == 0 || sorted_keys[i - 1] != key)) {
            entry_starts[key] = static_cast<int>(i);
        }
    }
}
EMBER_REGISTER_KERNEL(join_build_segments)

// For probe rows [first_row, first_row + count): entries[i] = the entry whose key equals the row's
// (-1 for none or a null key) and match_counts[i] = its number of build rows (0 for none).
extern "C" __global__ void join_probe_count(const long long* build_columns, const long long* probe_columns,
                                            int column_count, const unsigned long long* slots, int capacity,
                                            const int* entry_counts, int first_row, int count, int* entries,
                                            long long* match_counts) {
    const KeyColumn* build = reinterpret_cast<const KeyColumn*>(build_columns);
    const KeyColumn* probe = reinterpret_cast<const KeyColumn*>(probe_columns);
    const unsigned mask = static_cast<unsigned>(capacity) - 1u;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
        const long long row = first_row + i;
        unsigned long long hash;
        int entry = -1;
        if (row_hash(probe, column_count, row, &hash)) {
            const unsigned tag = static_cast<unsigned>(hash >> 32);
            for (unsigned slot = static_cast<unsigned>(hash) & mask;; slot = (slot + 1) & mask) {
                const unsigned long long current = slots[slot];  // the table is read-only here
                if (current == kEmptySlot) {
                    break;
                }
                if (slot_hash(current) == tag && same_key(build, slot_entry(current), probe, row, column_count)) {
                    entry = slot_entry(current);
                    break;
                }
            }
        }
        entries[i] = entry;
        match_counts[i] = entry < 0 ? 0 : entry_counts[entry];
    }
}
EMBER_REGISTER_KERNEL(join_probe_count)

// offsets: the exclusive scan of the match counts of count rows (offsets[count] = their total). *covered,
// set to count by the host, becomes the number of rows the call takes: the first i with
// offsets[i] >= max_pairs (max_pairs >= 1), so that row i - 1 is the one at which max_pairs is reached.
extern "C" __global__ void join_probe_cutoff(const long long* offsets, int count, int max_pairs, int* covered) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x + 1; i <= count; i += stride) {
        if (offsets[i] >= max_pairs && offsets[i - 1] < max_pairs) {
            *covered = static_cast<int>(i);  // offsets never decrease: exactly one i passes
        }
    }
}
EMBER_REGISTER_KERNEL(join_probe_cutoff)

// Writes pair_count pairs: pair p belongs to the probe row i (of rows [0, covered)) with
// offsets[i] <= p < offsets[i + 1], and takes the entry's (p - offsets[i])-th build row.
extern "C" __global__ void join_probe_fill(const long long* offsets, const int* entries, int covered, int first_row,
                                           const int* entry_starts, const int* sorted_rows, int pair_count,
                                           int* probe_rows, int* build_rows) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long pair = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; pair < pair_count;
         pair += stride) {
        // the last row whose first pair is at or before this one: it has at least one pair
        int low = 0;
        int high = covered - 1;
        while (low < high) {
            const int middle = low + (high - low + 1) / 2;
            if (offsets[middle] <= pair) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        probe_rows[pair] = first_row + low;
        build_rows[pair] = sorted_rows[entry_starts[entries[low]] + (pair - offsets[low])];
    }
}
EMBER_REGISTER_KERNEL(join_probe_fill)
