// Group-by aggregation: a hash table from key to group id, groups numbered in the order their keys first
// appear (as the host twin dev.ember.device.host.HostGroupBy numbers them), then every operation folded
// group by group, each group's rows in input order.
//
// Per batch (dev.ember.device.cuda.KernelGroupBy drives it):
//  1. group_by_hash_rows: a 64-bit hash per row over the key columns (NaN as one value, -0.0 as 0.0, null
//     as a constant, a string by its bytes);
//  2. group_by_insert: open addressing over packed 64-bit slots, one atomicCAS each: the high 32 bits are a
//     tag from the hash, the low 32 bits an existing group id or (bit 31 set) the batch row that claimed the
//     slot for a new key. Keys are compared against the original columns: the stored keys of the groups and
//     the input rows of this batch (strings byte by byte, from the grouping's arena or the batch). Each row
//     records its slot. No thread waits for another: a claim names its row, whose key the batch already
//     holds, so a compare needs nothing another thread has yet to write (safe in any thread order, and on
//     the emulator, which runs a block's threads one after another or as fibers switching only at barriers
//     and warp operations, where a spin on another thread's progress would never end).
//  3. group_by_first_rows + group_by_new_flags: the first row of every new key (atomicMin per slot), as a
//     bitmap; stream compaction (compaction.cu) turns it into the new keys' first rows in row order;
//  4. group_by_number_new: new group ids in that order, their fixed-width keys, key validity and hashes
//     stored; string keys: group_by_new_string_lengths -> exclusive_scan_tile_totals (scan.cu) ->
//     group_by_store_new_strings append the new keys' bytes to the grouping's own arena (its stored offsets
//     and bytes, Arrow's layout), since the batch is gone by the next call; group_by_row_groups: each row's
//     group id;
//  5. the rows sorted by group id, stably (sort.cu), cut into one segment per group (group_by_segment_flags +
//     stream compaction), and group_by_fold_* folds each segment's rows in order on one thread: sums add
//     in row order (so floating sums and ANSI overflow are the host's), min/max keep the first of equal
//     values, first/last see rows in order.
// State lives in plain arrays (values of a fixed width, one flag byte per group and flag) that the host
// turns into Arrow vectors with group_by_flags_to_bits and the concatenate kernels.
#include "ember_cuda.h"
#include "column_kind.h"
#include "string_keys.cuh"

namespace {

// Value kinds: column_kind.h (stored boolean keys and state: one byte, 0 or 1; strings as keys only).

// The operation kinds; must match Device.AggregateOperation.Kind's order.
constexpr int kSumLong = 0;
constexpr int kSumDouble = 1;
constexpr int kSumDecimal = 2;
constexpr int kCount = 3;
constexpr int kMin = 4;
constexpr int kMax = 5;
constexpr int kFirst = 6;
constexpr int kFirstIgnoreNulls = 7;
constexpr int kLast = 8;
constexpr int kLastIgnoreNulls = 9;

constexpr unsigned long long kEmpty = ~0ull;
constexpr unsigned kCandidate = 0x80000000u;
constexpr unsigned long long kNullHash = 0x5bd1e9955bd1e995ull;
constexpr unsigned long long kHashMultiplier = 0x9E3779B97F4A7C15ull;

struct Value {
    unsigned long long low;
    unsigned long long high;
};

__device__ inline bool bit_at(const unsigned char* bits, long long row) {
    return (bits[row >> 3] >> (row & 7)) & 1;
}

__device__ inline int width_of(int kind) {
    switch (kind) {
        case kKindBoolean: case kKindByte: return 1;
        case kKindShort: return 2;
        case kKindInt: case kKindFloat: return 4;
        case kKindLong: case kKindDouble: return 8;
        default: return 16;
    }
}

// A value as sign-extended (integers) or raw (floating, decimal) 128 bits. packed: Arrow layout (booleans as
// bits); otherwise one byte per boolean.
__device__ inline Value read_value(int kind, const unsigned char* values, long long row, bool packed) {
    Value value = {0, 0};
    switch (kind) {
        case kKindBoolean:
            value.low = packed ? bit_at(values, row) : values[row];
            break;
        case kKindByte:
            value.low = static_cast<unsigned long long>(static_cast<long long>(reinterpret_cast<const signed char*>(values)[row]));
            break;
        case kKindShort:
            value.low = static_cast<unsigned long long>(static_cast<long long>(reinterpret_cast<const short*>(values)[row]));
            break;
        case kKindInt:
            value.low = static_cast<unsigned long long>(static_cast<long long>(reinterpret_cast<const int*>(values)[row]));
            break;
        case kKindFloat:
            value.low = reinterpret_cast<const unsigned*>(values)[row];
            break;
        case kKindLong: case kKindDouble:
            value.low = reinterpret_cast<const unsigned long long*>(values)[row];
            break;
        default: {
            const unsigned long long* words = reinterpret_cast<const unsigned long long*>(values) + 2 * row;
            value.low = words[0];
            value.high = words[1];
        }
    }
    value.high = kind == kKindDecimal ? value.high : (static_cast<long long>(value.low) < 0 && kind != kKindFloat
                                                              && kind != kKindDouble ? ~0ull : 0ull);
    return value;
}

// Key equality: every NaN one value, -0.0 equal to 0.0.
__device__ inline Value key_normalized(int kind, Value value) {
    if (kind == kKindFloat) {
        unsigned bits = static_cast<unsigned>(value.low);
        if ((bits & 0x7fffffffu) == 0) {
            bits = 0;
        } else if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
            bits = 0x7fc00000u;
        }
        value.low = bits;
    } else if (kind == kKindDouble) {
        unsigned long long bits = value.low;
        if ((bits & 0x7fffffffffffffffull) == 0) {
            bits = 0;
        } else if ((bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0x000fffffffffffffull) != 0) {
            bits = 0x7ff8000000000000ull;
        }
        value.low = bits;
    }
    return value;
}

__device__ inline unsigned long long mix(unsigned long long value) {
    unsigned long long z = value + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// A key or input table: per column kKeyColumnWords 64-bit words, kind, values address, validity address,
// offsets address (strings: int32 offsets, Arrow's layout, into the values bytes; 0 for other kinds).
// Input columns: Arrow validity bits. Stored keys: one validity byte per group (1 = non-null); a string
// column's offsets and bytes are the grouping's arena, a null key stored as an empty string.
constexpr int kKeyColumnWords = 4;

struct KeyColumn {
    int kind;
    const unsigned char* values;
    const unsigned char* validity;
    const int* offsets;
};

__device__ inline KeyColumn key_column(const long long* table, int column) {
    const long long* words = table + kKeyColumnWords * column;
    KeyColumn key;
    key.kind = static_cast<int>(words[0]);
    key.values = reinterpret_cast<const unsigned char*>(words[1]);
    key.validity = reinterpret_cast<const unsigned char*>(words[2]);
    key.offsets = reinterpret_cast<const int*>(words[3]);
    return key;
}

__device__ inline const unsigned char* string_bytes(const KeyColumn& column, long long row) {
    return column.values + column.offsets[row];
}

__device__ inline int string_length(const KeyColumn& column, long long row) {
    return column.offsets[row + 1] - column.offsets[row];
}

// Whether input row `row` holds the same key as input row `other` (stored == false) or as stored group
// `other` (stored == true); null equals null, and an empty string is not null.
__device__ inline bool same_key(const long long* inputs, const long long* stored_keys, int key_count, long long row,
                                long long other, bool stored) {
    for (int column = 0; column < key_count; column++) {
        const KeyColumn input = key_column(inputs, column);
        const KeyColumn others = stored ? key_column(stored_keys, column) : input;
        const bool row_valid = bit_at(input.validity, row);
        const bool other_valid = stored ? others.validity[other] != 0 : bit_at(input.validity, other);
        if (row_valid != other_valid) {
            return false;
        }
        if (!row_valid) {
            continue;
        }
        if (input.kind == kKindString) {
            // stored strings share the input's layout (offsets into bytes), so one compare serves both
            if (!ember::same_string_key(string_bytes(input, row), string_length(input, row),
                                        string_bytes(others, other), string_length(others, other))) {
                return false;
            }
            continue;
        }
        const Value value = key_normalized(input.kind, read_value(input.kind, input.values, row, true));
        const Value other_value = key_normalized(input.kind, read_value(input.kind, others.values, other, !stored));
        if (value.low != other_value.low || value.high != other_value.high) {
            return false;
        }
    }
    return true;
}

__device__ inline double double_from_bits(unsigned long long bits) {
#ifdef __CUDACC__
    return __longlong_as_double(static_cast<long long>(bits));
#else
    double value;
    __builtin_memcpy(&value, &bits, sizeof value);
    return value;
#endif
}

__device__ inline unsigned long long double_bits(double value) {
#ifdef __CUDACC__
    return static_cast<unsigned long long>(__double_as_longlong(value));
#else
    unsigned long long bits;
    __builtin_memcpy(&bits, &value, sizeof bits);
    return bits;
#endif
}

__device__ inline double float_from_bits(unsigned bits) {
#ifdef __CUDACC__
    return static_cast<double>(__uint_as_float(bits));
#else
    float value;
    __builtin_memcpy(&value, &bits, sizeof value);
    return static_cast<double>(value);
#endif
}

__device__ inline long long grid_start() {
    return static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__device__ inline long long grid_stride() {
    return static_cast<long long>(gridDim.x) * blockDim.x;
}

}  // namespace

// Fills count 64-bit words with value, sign-extended (-1: kEmpty for slot tables; 0 to clear state).
extern "C" __global__ void group_by_fill_longs(long long* target, int count, int value) {
    for (long long at = grid_start(); at < count; at += grid_stride()) {
        target[at] = value;
    }
}
EMBER_REGISTER_KERNEL(group_by_fill_longs)

// Fills count 32-bit words with value (first-row table: INT_MAX; flags: 0).
extern "C" __global__ void group_by_fill_ints(int* target, int count, int value) {
    for (long long at = grid_start(); at < count; at += grid_stride()) {
        target[at] = value;
    }
}
EMBER_REGISTER_KERNEL(group_by_fill_ints)

extern "C" __global__ void group_by_hash_rows(const long long* keys, int key_count, int count,
                                              unsigned long long* hashes) {
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        unsigned long long hash = 17;
        for (int column = 0; column < key_count; column++) {
            const KeyColumn key = key_column(keys, column);
            unsigned long long value_hash = kNullHash;
            if (!bit_at(key.validity, row)) {
                // null: kNullHash
            } else if (key.kind == kKindString) {
                value_hash = mix(ember::string_key_hash(string_bytes(key, row), string_length(key, row)));
            } else {
                const Value value = key_normalized(key.kind, read_value(key.kind, key.values, row, true));
                value_hash = mix(value.low ^ mix(value.high));
            }
            hash = hash * kHashMultiplier + value_hash;
        }
        hashes[row] = mix(hash);
    }
}
EMBER_REGISTER_KERNEL(group_by_hash_rows)

// Re-inserts groups [0, group_count) by their stored hashes into an emptied table (after it grew).
extern "C" __global__ void group_by_rehash(const unsigned long long* group_hashes, int group_count,
                                           unsigned long long* slots, int mask) {
    for (long long group = grid_start(); group < group_count; group += grid_stride()) {
        const unsigned long long hash = group_hashes[group];
        const unsigned long long entry = ((hash >> 32) << 32) | static_cast<unsigned long long>(group);
        for (unsigned long long slot = hash & static_cast<unsigned>(mask);; slot = (slot + 1) & static_cast<unsigned>(mask)) {
            if (atomicCAS(&slots[slot], kEmpty, entry) == kEmpty) {
                break;
            }
        }
    }
}
EMBER_REGISTER_KERNEL(group_by_rehash)

// Finds or claims each row's slot (see the top of the file); the table has room for every row.
extern "C" __global__ void group_by_insert(const long long* keys, const long long* stored_keys, int key_count,
                                           int count, const unsigned long long* hashes, unsigned long long* slots,
                                           int mask, int* row_slots) {
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        const unsigned long long hash = hashes[row];
        const unsigned long long tag = hash >> 32;
        unsigned long long slot = hash & static_cast<unsigned>(mask);
        while (true) {
            unsigned long long current = *reinterpret_cast<volatile unsigned long long*>(&slots[slot]);
            if (current == kEmpty) {
                const unsigned long long claim = (tag << 32) | kCandidate | static_cast<unsigned long long>(row);
                current = atomicCAS(&slots[slot], kEmpty, claim);
                if (current == kEmpty) {
                    row_slots[row] = static_cast<int>(slot);
                    break;
                }
            }
            if ((current >> 32) == tag) {
                const unsigned entry = static_cast<unsigned>(current);
                const bool candidate = (entry & kCandidate) != 0;
                if (same_key(keys, stored_keys, key_count, row, candidate ? (entry & ~kCandidate) : entry, !candidate)) {
                    row_slots[row] = static_cast<int>(slot);
                    break;
                }
            }
            slot = (slot + 1) & static_cast<unsigned>(mask);
        }
    }
}
EMBER_REGISTER_KERNEL(group_by_insert)

// The first row of each slot claimed in this batch.
extern "C" __global__ void group_by_first_rows(int count, const unsigned long long* slots, const int* row_slots,
                                               int* first_rows) {
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        const int slot = row_slots[row];
        if ((static_cast<unsigned>(slots[slot]) & kCandidate) != 0) {
            atomicMin(&first_rows[slot], static_cast<int>(row));
        }
    }
}
EMBER_REGISTER_KERNEL(group_by_first_rows)

// Bit row of flags: whether row is the first row of a new key. One thread per output byte.
extern "C" __global__ void group_by_new_flags(int count, const unsigned long long* slots, const int* row_slots,
                                              const int* first_rows, unsigned char* flags) {
    const long long bytes = (static_cast<long long>(count) + 7) / 8;
    for (long long at = grid_start(); at < bytes; at += grid_stride()) {
        unsigned char byte = 0;
        for (int bit = 0; bit < 8; bit++) {
            const long long row = at * 8 + bit;
            if (row < count) {
                const int slot = row_slots[row];
                if ((static_cast<unsigned>(slots[slot]) & kCandidate) != 0 && first_rows[slot] == row) {
                    byte |= static_cast<unsigned char>(1u << bit);
                }
            }
        }
        flags[at] = byte;
    }
}
EMBER_REGISTER_KERNEL(group_by_new_flags)

// New group base + i for the key first seen at row new_rows[i]: the slot gets the group id, the group its
// hash and its key (copied from the row into the stored keys, booleans as bytes; of a string key only its
// validity: group_by_store_new_strings appends the bytes).
extern "C" __global__ void group_by_number_new(const int* new_rows, int new_count, int base, const int* row_slots,
                                               unsigned long long* slots, int* first_rows,
                                               const unsigned long long* hashes, unsigned long long* group_hashes,
                                               const long long* keys, const long long* stored_keys, int key_count) {
    for (long long i = grid_start(); i < new_count; i += grid_stride()) {
        const int row = new_rows[i];
        const int slot = row_slots[row];
        const long long group = base + i;
        slots[slot] = (slots[slot] & 0xffffffff00000000ull) | static_cast<unsigned long long>(group);
        first_rows[slot] = 0x7fffffff;
        group_hashes[group] = hashes[row];
        for (int column = 0; column < key_count; column++) {
            const KeyColumn input = key_column(keys, column);
            unsigned char* target = reinterpret_cast<unsigned char*>(stored_keys[kKeyColumnWords * column + 1]);
            unsigned char* target_valid = reinterpret_cast<unsigned char*>(stored_keys[kKeyColumnWords * column + 2]);
            const bool valid = bit_at(input.validity, row);
            target_valid[group] = valid ? 1 : 0;
            if (input.kind == kKindString) {
                continue;
            }
            const int width = width_of(input.kind);
            if (input.kind == kKindBoolean) {
                target[group] = valid ? static_cast<unsigned char>(bit_at(input.values, row)) : 0;
            } else {
                for (int b = 0; b < width; b++) {
                    target[group * width + b] = valid ? input.values[static_cast<long long>(row) * width + b] : 0;
                }
            }
        }
    }
}
EMBER_REGISTER_KERNEL(group_by_number_new)

// lengths[i] = the byte length of string key column `column` at row new_rows[i], the first row of new group
// base + i; 0 for a null key (stored as an empty string, as the host stores it). lengths holds new_count + 1
// words: exclusive_scan_tile_totals then turns them into each key's start and the total.
extern "C" __global__ void group_by_new_string_lengths(const int* new_rows, int new_count, const long long* keys,
                                                       int column, long long* lengths) {
    const KeyColumn input = key_column(keys, column);
    for (long long i = grid_start(); i < new_count; i += grid_stride()) {
        const int row = new_rows[i];
        lengths[i] = bit_at(input.validity, row) ? string_length(input, row) : 0;
    }
}
EMBER_REGISTER_KERNEL(group_by_new_string_lengths)

// Appends the string keys of new groups base + i (first seen at rows new_rows[i]) to the stored keys of
// column `column`: key i takes bytes [used + starts[i], used + starts[i + 1]) of the arena (starts: the scanned
// group_by_new_string_lengths), and stored offset base + i + 1 is its end (offset base already holds the end of
// the groups before). The host has made the arena and the offsets large enough.
extern "C" __global__ void group_by_store_new_strings(const int* new_rows, int new_count, const long long* keys,
                                                      const long long* stored_keys, int column, int base, int used,
                                                      const long long* starts) {
    const KeyColumn input = key_column(keys, column);
    const KeyColumn stored = key_column(stored_keys, column);
    unsigned char* arena = const_cast<unsigned char*>(stored.values);
    int* offsets = const_cast<int*>(stored.offsets);
    for (long long i = grid_start(); i < new_count; i += grid_stride()) {
        const int row = new_rows[i];
        const long long start = used + starts[i];
        const long long end = used + starts[i + 1];
        offsets[base + i + 1] = static_cast<int>(end);
        const unsigned char* bytes = string_bytes(input, row);
        for (long long at = start; at < end; at++) {
            arena[at] = bytes[at - start];
        }
    }
}
EMBER_REGISTER_KERNEL(group_by_store_new_strings)

// group_ids[row] = the group id now in the row's slot.
extern "C" __global__ void group_by_row_groups(int count, const unsigned long long* slots, const int* row_slots,
                                               int* group_ids) {
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        group_ids[row] = static_cast<int>(static_cast<unsigned>(slots[row_slots[row]]));
    }
}
EMBER_REGISTER_KERNEL(group_by_row_groups)

// Bit i of flags: whether sorted position i starts a group's segment. One thread per output byte.
extern "C" __global__ void group_by_segment_flags(int count, const int* positions, const int* group_ids,
                                                  unsigned char* flags) {
    const long long bytes = (static_cast<long long>(count) + 7) / 8;
    for (long long at = grid_start(); at < bytes; at += grid_stride()) {
        unsigned char byte = 0;
        for (int bit = 0; bit < 8; bit++) {
            const long long i = at * 8 + bit;
            if (i < count && (i == 0 || group_ids[positions[i]] != group_ids[positions[i - 1]])) {
                byte |= static_cast<unsigned char>(1u << bit);
            }
        }
        flags[at] = byte;
    }
}
EMBER_REGISTER_KERNEL(group_by_segment_flags)

namespace {

// Spark's ordering of two values of a kind: NaN above everything and equal to itself, -0.0 equal to 0.0.
__device__ inline int compare_values(int kind, Value left, Value right) {
    if (kind == kKindFloat || kind == kKindDouble) {
        const double a = kind == kKindFloat ? float_from_bits(static_cast<unsigned>(left.low)) : double_from_bits(left.low);
        const double b = kind == kKindFloat ? float_from_bits(static_cast<unsigned>(right.low)) : double_from_bits(right.low);
        if (a == b) {
            return 0;
        }
        const bool a_nan = a != a;
        const bool b_nan = b != b;
        if (a_nan || b_nan) {
            return a_nan && b_nan ? 0 : (a_nan ? 1 : -1);
        }
        return a < b ? -1 : 1;
    }
    if (left.high != right.high) {
        return static_cast<long long>(left.high) < static_cast<long long>(right.high) ? -1 : 1;
    }
    return left.low == right.low ? 0 : (left.low < right.low ? -1 : 1);
}

// |value| < 10^precision for a 128-bit two's complement value; limit is 10^precision.
__device__ inline bool within_limit(unsigned long long low, long long high, unsigned long long limit_low,
                                    long long limit_high) {
    if (high < 0) {
        low = ~low + 1;
        high = static_cast<long long>(~static_cast<unsigned long long>(high) + (low == 0 ? 1 : 0));
        if (high < 0) {
            return false;
        }
    }
    return high < limit_high || (high == limit_high && low < limit_low);
}


// One operation as a fold reads it: the kind, its inputs (per input column three words, kind, values,
// validity: Arrow layout) and constants [value kind, ansi, 10^precision low, 10^precision high].
struct Fold {
    int operation;
    int value_kind;
    bool ansi;
    unsigned long long limit_low;
    long long limit_high;
    const long long* inputs;
    int input_count;
    KeyColumn input;
};

__device__ inline Fold fold_of(int operation, const long long* inputs, int input_count, const long long* constants) {
    Fold fold;
    fold.operation = operation;
    fold.value_kind = static_cast<int>(constants[0]);
    fold.ansi = constants[1] != 0;
    fold.limit_low = static_cast<unsigned long long>(constants[2]);
    fold.limit_high = constants[3];
    fold.inputs = inputs;
    fold.input_count = input_count;
    fold.input = input_count > 0 ? key_column(inputs, 0) : KeyColumn{0, nullptr, nullptr, nullptr};
    return fold;
}

// The state of one operation over the rows folded so far, in registers. value: SUM_LONG and COUNT the
// long, SUM_DOUBLE the double's bits, SUM_DECIMAL the 128-bit sum, MIN/MAX/FIRST/LAST the value as
// read_value reads it. flag and extra: the state's flag bytes (see group_by_fold).
struct FoldState {
    Value value;
    bool flag;
    bool extra;
};

// Stores a value of a kind into slot `slot` of a state array (width bytes; booleans one byte).
__device__ inline void write_value(int kind, Value value, unsigned char* state, long long slot) {
    if (kind == kKindBoolean) {
        state[slot] = static_cast<unsigned char>(value.low & 1u);
        return;
    }
    const int width = width_of(kind);
    for (int b = 0; b < width; b++) {
        state[slot * width + b] = static_cast<unsigned char>((b < 8 ? value.low >> (8 * b) : value.high >> (8 * (b - 8))) & 0xffu);
    }
}

__device__ inline FoldState load_state(const Fold& fold, const unsigned char* values, const unsigned char* flags,
                                       const unsigned char* extra, long long slot) {
    FoldState state;
    state.flag = flags[slot] != 0;
    state.extra = extra[slot] != 0;
    switch (fold.operation) {
        case kSumLong: case kCount: case kSumDouble:
            state.value = Value{reinterpret_cast<const unsigned long long*>(values)[slot], 0};
            break;
        case kSumDecimal:
            state.value = Value{reinterpret_cast<const unsigned long long*>(values)[2 * slot],
                                reinterpret_cast<const unsigned long long*>(values)[2 * slot + 1]};
            break;
        default:
            state.value = read_value(fold.value_kind, values, slot, false);
    }
    return state;
}

__device__ inline void store_state(const Fold& fold, const FoldState& state, unsigned char* values,
                                   unsigned char* flags, unsigned char* extra, long long slot) {
    switch (fold.operation) {
        case kSumLong: case kCount: case kSumDouble:
            reinterpret_cast<unsigned long long*>(values)[slot] = state.value.low;
            break;
        case kSumDecimal:
            reinterpret_cast<unsigned long long*>(values)[2 * slot] = state.value.low;
            reinterpret_cast<unsigned long long*>(values)[2 * slot + 1] = state.value.high;
            break;
        default:
            write_value(fold.value_kind, state.value, values, slot);
    }
    flags[slot] = state.flag ? 1 : 0;
    extra[slot] = state.extra ? 1 : 0;
}

// Folds input row `row` into `state`, as the host's accumulator adds a row; false on an ANSI long overflow
// (the state is then left as it was: the host throws).
__device__ inline bool fold_row(const Fold& fold, FoldState& state, long long row) {
    const KeyColumn& input = fold.input;
    switch (fold.operation) {
        case kCount: {
            bool all = true;
            for (int i = 0; i < fold.input_count && all; i++) {
                all = bit_at(key_column(fold.inputs, i).validity, row);
            }
            state.value.low += all ? 1 : 0;
            return true;
        }
        case kSumLong: {
            if (!bit_at(input.validity, row)) {
                return true;
            }
            const long long sum = static_cast<long long>(state.value.low);
            const long long value = static_cast<long long>(read_value(input.kind, input.values, row, true).low);
            const long long next = static_cast<long long>(static_cast<unsigned long long>(sum)
                                                          + static_cast<unsigned long long>(value));
            if (fold.ansi && ((sum ^ next) & (value ^ next)) < 0) {
                return false;
            }
            state.value.low = static_cast<unsigned long long>(next);
            state.flag = true;
            return true;
        }
        case kSumDouble: {
            if (!bit_at(input.validity, row)) {
                return true;
            }
            const Value value = read_value(input.kind, input.values, row, true);
            double term;
            if (input.kind == kKindDouble) {
                term = double_from_bits(value.low);
            } else if (input.kind == kKindFloat) {
                term = float_from_bits(static_cast<unsigned>(value.low));
            } else {
                term = static_cast<double>(static_cast<long long>(value.low));
            }
            const double sum = double_from_bits(state.value.low) + term;
            state.value.low = double_bits(sum);
            state.flag = true;
            return true;
        }
        case kSumDecimal: {
            const bool is_value = bit_at(input.validity, row);
            if (fold.input_count > 1) {
                const KeyColumn empty = key_column(fold.inputs, 1);
                if (bit_at(empty.validity, row) && bit_at(empty.values, row)) {
                    return true;
                }
                state.flag = true;
                if (!is_value) {
                    state.extra = true;
                    return true;
                }
            } else {
                if (!is_value) {
                    return true;
                }
                state.flag = true;
            }
            if (state.extra) {
                return true;
            }
            const unsigned long long* value = reinterpret_cast<const unsigned long long*>(input.values) + 2 * row;
            const unsigned long long high = state.value.high;
            const unsigned long long sum_low = state.value.low + value[0];
            const unsigned long long carry = sum_low < value[0] ? 1 : 0;
            const long long sum_high = static_cast<long long>(high + value[1] + carry);
            const bool wrapped = ((static_cast<long long>(high) ^ sum_high) & (static_cast<long long>(value[1]) ^ sum_high)) < 0;
            state.value.low = sum_low;
            state.value.high = static_cast<unsigned long long>(sum_high);
            if (wrapped || !within_limit(sum_low, sum_high, fold.limit_low, fold.limit_high)) {
                state.extra = true;
            }
            return true;
        }
        case kMin:
        case kMax: {
            if (!bit_at(input.validity, row)) {
                return true;
            }
            const Value value = read_value(fold.value_kind, input.values, row, true);
            const int order = state.flag ? compare_values(fold.value_kind, value, state.value) : 0;
            if (!state.flag || (fold.operation == kMin ? order < 0 : order > 0)) {
                state.value = value;
                state.flag = true;
            }
            return true;
        }
        case kFirst:
        case kFirstIgnoreNulls:
        case kLast:
        case kLastIgnoreNulls: {
            const bool first = fold.operation == kFirst || fold.operation == kFirstIgnoreNulls;
            const bool ignore_nulls = fold.operation == kFirstIgnoreNulls || fold.operation == kLastIgnoreNulls;
            const bool valid = bit_at(input.validity, row);
            if (fold.input_count > 1) {
                const KeyColumn flags = key_column(fold.inputs, 1);
                const bool row_set = bit_at(flags.validity, row) && bit_at(flags.values, row);
                if (first) {
                    if (!state.flag) {
                        state.value = read_value(fold.value_kind, input.values, row, true);
                        state.extra = valid;
                        state.flag = row_set;
                    }
                } else if (row_set) {
                    state.value = read_value(fold.value_kind, input.values, row, true);
                    state.extra = valid;
                    state.flag = true;
                }
                return true;
            }
            if ((first && state.flag) || (ignore_nulls && !valid)) {
                return true;
            }
            state.value = read_value(fold.value_kind, input.values, row, true);
            state.extra = valid;
            state.flag = true;
            return true;
        }
        default:
            __trap();  // the host checks the operation before the launch
            return false;
    }
}

}  // namespace

// Folds one operation over every group's segment, rows in input order (see the operation kinds in
// Device.AggregateOperation), continuing from each group's state. inputs and constants: see Fold.
// state_values: width bytes per group; state_flags: one byte per group (SUM*: a value came; decimal: a row
// counted; MIN/MAX: non-null; FIRST/LAST: value set); state_extra: one byte per group (decimal: overflowed;
// FIRST/LAST: the value is non-null). error: set to 1 on an ANSI long overflow (the host throws).
extern "C" __global__ void group_by_fold(int operation, const long long* inputs, int input_count,
                                         const long long* constants, const int* positions, const int* group_ids,
                                         const int* segment_starts, int segments, int count,
                                         unsigned char* state_values, unsigned char* state_flags,
                                         unsigned char* state_extra, int* error) {
    const Fold fold = fold_of(operation, inputs, input_count, constants);
    for (long long segment = grid_start(); segment < segments; segment += grid_stride()) {
        const long long begin = segment_starts[segment];
        const long long end = segment + 1 < segments ? segment_starts[segment + 1] : count;
        const long long group = group_ids[positions[begin]];
        FoldState state = load_state(fold, state_values, state_flags, state_extra, group);
        for (long long at = begin; at < end; at++) {
            if (!fold_row(fold, state, positions[at])) {
                atomicExch(error, 1);
                break;
            }
        }
        store_state(fold, state, state_values, state_flags, state_extra, group);
    }
}
EMBER_REGISTER_KERNEL(group_by_fold)

// bitmap bit g = (flags[g] != 0) != invert, for groups [0, count); one thread per output byte.
extern "C" __global__ void group_by_flags_to_bits(const unsigned char* flags, int count, int invert,
                                                  unsigned char* bitmap) {
    const long long bytes = (static_cast<long long>(count) + 7) / 8;
    for (long long at = grid_start(); at < bytes; at += grid_stride()) {
        unsigned char byte = 0;
        for (int bit = 0; bit < 8; bit++) {
            const long long g = at * 8 + bit;
            if (g < count && (flags[g] != 0) != (invert != 0)) {
                byte |= static_cast<unsigned char>(1u << bit);
            }
        }
        bitmap[at] = byte;
    }
}
EMBER_REGISTER_KERNEL(group_by_flags_to_bits)

// ---- windows: the same folds over each row's window frame (Device.window; host twin HostWindow) ----
//
// window_key_change_flags marks the rows whose keys differ from the previous row's (Device.keyChanges: key
// equality as the group-by's, null equal to null, NaN to NaN, -0.0 to 0.0, strings by bytes); stream
// compaction turns the bitmap into the partition or peer starts. Rows come sorted so that each partition is a run starting at a position of partition_starts and each
// peer group a run starting at a position of peer_starts (every partition start is a peer start).
//  - window_rank: ROW_NUMBER, RANK, DENSE_RANK, one thread per row, which finds its partition and peer
//    group by binary search;
//  - window_fold_growing: frames that start at the partition's first row, one thread per partition, which
//    walks its rows in order, folds the rows up to each row's frame end into one running state and stores
//    that state as the row's, as Spark grows such a frame;
//  - window_fold_sliding: ROWS BETWEEN a AND b, one thread per row, which folds its frame's rows from the
//    first, as Spark recomputes a moving frame.
// States are stored per row in the group-by's state layout (group_by_fold), so the same copies turn them
// into Arrow vectors. A partition is one thread's work: a single huge partition runs serially, as the fold
// of one huge group does.

namespace {

// The ranking kinds; must match Device.WindowOperation.Kind's order.
constexpr int kRowNumber = 0;
constexpr int kRank = 1;

// The frame end kinds; must match Device.WindowFrame.Bound's order.
constexpr int kBoundUnbounded = 0;
constexpr int kBoundPeers = 1;

// The index of the last start at or before `row` (starts rise from 0).
__device__ inline int run_of(const int* starts, int count, long long row) {
    int low = 0;
    int high = count - 1;
    while (low < high) {
        const int middle = low + (high - low + 1) / 2;
        if (starts[middle] <= row) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    return low;
}

__device__ inline long long clamp_row(long long value, long long low, long long high) {
    return value < low ? low : (value > high ? high : value);
}

}  // namespace

// bitmap bit i = row i starts a run of equal keys (row 0 always); one thread per output byte.
extern "C" __global__ void window_key_change_flags(const long long* keys, int key_count, int count,
                                                   unsigned char* flags) {
    const long long bytes = (static_cast<long long>(count) + 7) / 8;
    for (long long at = grid_start(); at < bytes; at += grid_stride()) {
        unsigned char byte = 0;
        for (int bit = 0; bit < 8; bit++) {
            const long long row = at * 8 + bit;
            if (row < count && (row == 0 || !same_key(keys, nullptr, key_count, row, row - 1, false))) {
                byte |= static_cast<unsigned char>(1u << bit);
            }
        }
        flags[at] = byte;
    }
}
EMBER_REGISTER_KERNEL(window_key_change_flags)

extern "C" __global__ void window_rank(int kind, const int* partition_starts, int partitions, const int* peer_starts,
                                       int peers, int count, int* out) {
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        const long long partition_start = partition_starts[run_of(partition_starts, partitions, row)];
        const int peer = run_of(peer_starts, peers, row);
        if (kind == kRowNumber) {
            out[row] = static_cast<int>(row - partition_start + 1);
        } else if (kind == kRank) {
            out[row] = static_cast<int>(peer_starts[peer] - partition_start + 1);
        } else {
            out[row] = peer - run_of(peer_starts, peers, partition_start) + 1;
        }
    }
}
EMBER_REGISTER_KERNEL(window_rank)

// upper: the frame's end bound (UNBOUNDED, PEERS or ROWS with upper_offset); operation, inputs, constants
// and the state arrays as group_by_fold's, one state per row.
extern "C" __global__ void window_fold_growing(int operation, const long long* inputs, int input_count,
                                               const long long* constants, const int* partition_starts,
                                               int partitions, const int* peer_starts, int peers, int count,
                                               int upper, int upper_offset, unsigned char* state_values,
                                               unsigned char* state_flags, unsigned char* state_extra, int* error) {
    const Fold fold = fold_of(operation, inputs, input_count, constants);
    for (long long partition = grid_start(); partition < partitions; partition += grid_stride()) {
        const long long start = partition_starts[partition];
        const long long end = partition + 1 < partitions ? partition_starts[partition + 1] : count;
        FoldState state = FoldState{Value{0, 0}, false, false};
        long long added = start;
        int peer = run_of(peer_starts, peers, start);
        for (long long row = start; row < end; row++) {
            long long frame_end;
            if (upper == kBoundUnbounded) {
                frame_end = end;
            } else if (upper == kBoundPeers) {
                while (peer + 1 < peers && peer_starts[peer + 1] <= row) {
                    peer++;
                }
                frame_end = peer + 1 < peers ? peer_starts[peer + 1] : count;
            } else {
                frame_end = clamp_row(row + upper_offset + 1, start, end);
            }
            while (added < frame_end) {
                if (!fold_row(fold, state, added++)) {
                    atomicExch(error, 1);
                    return;
                }
            }
            store_state(fold, state, state_values, state_flags, state_extra, row);
        }
    }
}
EMBER_REGISTER_KERNEL(window_fold_growing)

// ROWS BETWEEN lower_offset AND upper_offset, clamped to the partition (empty when they cross).
extern "C" __global__ void window_fold_sliding(int operation, const long long* inputs, int input_count,
                                               const long long* constants, const int* partition_starts,
                                               int partitions, int count, int lower_offset, int upper_offset,
                                               unsigned char* state_values, unsigned char* state_flags,
                                               unsigned char* state_extra, int* error) {
    const Fold fold = fold_of(operation, inputs, input_count, constants);
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        const int partition = run_of(partition_starts, partitions, row);
        const long long start = partition_starts[partition];
        const long long end = partition + 1 < partitions ? partition_starts[partition + 1] : count;
        const long long from = clamp_row(row + lower_offset, start, end);
        const long long to = clamp_row(row + upper_offset + 1, start, end);
        FoldState state = FoldState{Value{0, 0}, false, false};
        for (long long at = from; at < to; at++) {
            if (!fold_row(fold, state, at)) {
                atomicExch(error, 1);
                break;
            }
        }
        store_state(fold, state, state_values, state_flags, state_extra, row);
    }
}
EMBER_REGISTER_KERNEL(window_fold_sliding)

// ---- few groups: a shared-memory pre-aggregation instead of the sort and the ordered fold ----
//
// For a grouping of at most kSharedGroups groups whose operations give the same state in any row order
// (counts, sums of integers without ANSI's overflow check, which wrap modulo 2^64 as the host's do, and
// min/max of booleans and integers, whose equal values are equal bits), each block folds its rows into a
// shared-memory state per group with shared-memory atomics (group_by_shared_partials), writes that as its
// partial, and one thread per group folds the blocks' partials into the group's state in block order
// (group_by_merge_partials). No sort by group id and no segments: one pass over the rows per operation.
// Floating and decimal sums, ANSI sums and first/last depend on the row order, so they keep the ordered fold.

namespace {

constexpr int kSharedGroups = 256;

__device__ inline long long identity_of(int operation) {
    if (operation == kMin) {
        return 0x7fffffffffffffffll;
    }
    return operation == kMax ? static_cast<long long>(0x8000000000000000ull) : 0;
}

}  // namespace

// partials: per block `groups` 8-byte values; partial_flags: per block `groups` bytes (a value came).
extern "C" __global__ void group_by_shared_partials(int operation, const long long* inputs, int input_count,
                                                   const long long* constants, const int* group_ids, int count,
                                                   int groups, long long* partials, unsigned char* partial_flags) {
    __shared__ long long values[kSharedGroups];
    __shared__ int seen[kSharedGroups];
    const Fold fold = fold_of(operation, inputs, input_count, constants);
    for (int g = threadIdx.x; g < groups; g += blockDim.x) {
        values[g] = identity_of(operation);
        seen[g] = 0;
    }
    __syncthreads();
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        const int group = group_ids[row];
        if (operation == kCount) {
            bool all = true;
            for (int i = 0; i < input_count && all; i++) {
                all = bit_at(key_column(inputs, i).validity, row);
            }
            if (all) {
                atomicAdd(reinterpret_cast<unsigned long long*>(&values[group]), 1ull);
            }
            continue;
        }
        if (!bit_at(fold.input.validity, row)) {
            continue;
        }
        const long long value = static_cast<long long>(read_value(fold.input.kind, fold.input.values, row, true).low);
        if (operation == kSumLong) {
            atomicAdd(reinterpret_cast<unsigned long long*>(&values[group]), static_cast<unsigned long long>(value));
        } else if (operation == kMin) {
            atomicMin(&values[group], value);
        } else {
            atomicMax(&values[group], value);
        }
        if (seen[group] == 0) {
            atomicExch(&seen[group], 1);
        }
    }
    __syncthreads();
    for (int g = threadIdx.x; g < groups; g += blockDim.x) {
        partials[static_cast<long long>(blockIdx.x) * groups + g] = values[g];
        partial_flags[static_cast<long long>(blockIdx.x) * groups + g] = seen[g] != 0 ? 1 : 0;
    }
}
EMBER_REGISTER_KERNEL(group_by_shared_partials)

// One thread per group: the blocks' partials folded into the group's state, in block order.
extern "C" __global__ void group_by_merge_partials(int operation, const long long* constants,
                                                  const long long* partials, const unsigned char* partial_flags,
                                                  int blocks, int groups, unsigned char* state_values,
                                                  unsigned char* state_flags, unsigned char* state_extra) {
    const Fold fold = fold_of(operation, nullptr, 0, constants);
    for (long long group = grid_start(); group < groups; group += grid_stride()) {
        FoldState state = load_state(fold, state_values, state_flags, state_extra, group);
        for (int block = 0; block < blocks; block++) {
            const long long at = static_cast<long long>(block) * groups + group;
            const long long value = partials[at];
            if (operation == kCount) {
                state.value.low += static_cast<unsigned long long>(value);
                continue;
            }
            if (partial_flags[at] == 0) {
                continue;
            }
            if (operation == kSumLong) {
                state.value.low += static_cast<unsigned long long>(value);
            } else {
                const long long best = static_cast<long long>(state.value.low);
                if (!state.flag || (operation == kMin ? value < best : value > best)) {
                    state.value = Value{static_cast<unsigned long long>(value), value < 0 ? ~0ull : 0ull};
                }
            }
            state.flag = true;
        }
        store_state(fold, state, state_values, state_flags, state_extra, group);
    }
}
EMBER_REGISTER_KERNEL(group_by_merge_partials)
