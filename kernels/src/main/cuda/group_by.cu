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
//     values, first/last see rows in order, stddev/variance moments update or merge row by row with Spark's
//     formulas, every double operation rounded on its own (rounded_double.cuh).
// State lives in plain arrays (values of a fixed width, one flag byte per group and flag) that the host
// turns into Arrow vectors with group_by_flags_to_bits and the concatenate kernels.
#include "group_fold.cuh"
#include "rounded_double.cuh"
#include "string_fold.cuh"


namespace {

constexpr unsigned long long kEmpty = ~0ull;
constexpr unsigned kCandidate = 0x80000000u;
constexpr unsigned long long kNullHash = 0x5bd1e9955bd1e995ull;
constexpr unsigned long long kHashMultiplier = 0x9E3779B97F4A7C15ull;

__device__ inline unsigned long long mix(unsigned long long value) {
    unsigned long long z = value + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
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

// Doubles per group of a MOMENTS state: the count n, the mean avg and the sum of squared deviations m2,
// interleaved (group g's at 3g, 3g + 1, 3g + 2).
constexpr int kMomentParts = 3;

// Folds a group's rows positions[begin, end) into its MOMENTS state, in row order, with Spark's update (one
// input: rows with a null value skipped) or merge (three inputs, Spark's buffer n, avg, m2: every row), each
// operation rounded as the host's Java rounds it (see Device.AggregateOperation's contract).
__device__ inline void fold_moments(const Fold& fold, const int* positions, long long begin, long long end,
                                    double* state) {
    double n = state[0];
    double avg = state[1];
    double m2 = state[2];
    if (fold.input_count == 1) {
        for (long long at = begin; at < end; at++) {
            const long long row = positions[at];
            if (!bit_at(fold.input.validity, row)) {
                continue;
            }
            const double next_n = ember::add_rn(n, 1.0);
            const double delta = ember::subtract_rn(input_double(fold.input, row), avg);
            const double delta_n = ember::divide_rn(delta, next_n);
            avg = ember::add_rn(avg, delta_n);
            m2 = ember::add_rn(m2, ember::multiply_rn(delta, ember::subtract_rn(delta, delta_n)));
            n = next_n;
        }
    } else {
        const KeyColumn counts = key_column(fold.inputs, 0);
        const KeyColumn means = key_column(fold.inputs, 1);
        const KeyColumn squares = key_column(fold.inputs, 2);
        for (long long at = begin; at < end; at++) {
            const long long row = positions[at];
            const double other_n = input_double(counts, row);
            const double total = ember::add_rn(n, other_n);
            const double delta = ember::subtract_rn(input_double(means, row), avg);
            const double delta_n = total == 0.0 ? 0.0 : ember::divide_rn(delta, total);
            avg = ember::add_rn(avg, ember::multiply_rn(delta_n, other_n));
            const double spread = ember::multiply_rn(ember::multiply_rn(ember::multiply_rn(delta, delta_n), n), other_n);
            m2 = ember::add_rn(ember::add_rn(m2, input_double(squares, row)), spread);
            n = total;
        }
    }
    state[0] = n;
    state[1] = avg;
    state[2] = m2;
}

}  // namespace

// Folds one operation over every group's segment, rows in input order (see the operation kinds in
// Device.AggregateOperation), continuing from each group's state. inputs and constants: see Fold.
// state_values: width bytes per group (MOMENTS: kMomentParts doubles); state_flags: one byte per group (SUM*: a value came; decimal: a row
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
        if (operation == kMoments) {
            fold_moments(fold, positions, begin, end, reinterpret_cast<double*>(state_values) + kMomentParts * group);
            continue;
        }
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

// target[g] = part `part` (0: n, 1: avg, 2: m2) of group g's MOMENTS state, for groups [0, count); copied as
// bits, so a NaN keeps its payload.
extern "C" __global__ void group_by_moment_part(const unsigned long long* state, int part, int count,
                                                unsigned long long* target) {
    for (long long group = grid_start(); group < count; group += grid_stride()) {
        target[group] = state[kMomentParts * group + part];
    }
}
EMBER_REGISTER_KERNEL(group_by_moment_part)

// ---- string min/max/first/last: a state per group in the grouping's own string arena ----
//
// Per batch and string operation (after the sort and segments of the fixed-width fold):
//  1. group_by_fold_strings: one thread per segment folds its group's rows in input order (string_fold.cuh),
//     starting from the group's stored state, and writes the row whose string won (winners, -1: the stored
//     string stays) and the new flag bytes;
//  2. group_by_string_state_lengths -> exclusive_scan_tile_totals: every group's new length and start;
//  3. group_by_store_string_states: every group's string copied into a new arena (from the batch's winning row
//     or the old arena), with its end offset. The old arena is then freed: the state never points into a batch.

// winners[group] = the batch row holding the group's string after this batch, or kStoredString (the host
// fills winners with -1 before the launch: groups without rows in the batch keep theirs). state_offsets and
// state_bytes: the arena of the groups' strings (int32 offsets, Arrow's layout); a string is read there only
// while its group holds one (holds_string).
extern "C" __global__ void group_by_fold_strings(int operation, const long long* inputs, int input_count,
                                                 const long long* constants, const int* positions,
                                                 const int* group_ids, const int* segment_starts, int segments,
                                                 int count, const int* state_offsets, const unsigned char* state_bytes,
                                                 unsigned char* state_flags, unsigned char* state_extra, int* winners) {
    const Fold fold = fold_of(operation, inputs, input_count, constants);
    for (long long segment = grid_start(); segment < segments; segment += grid_stride()) {
        const long long begin = segment_starts[segment];
        const long long end = segment + 1 < segments ? segment_starts[segment + 1] : count;
        const long long group = group_ids[positions[begin]];
        StringFoldState state = {kStoredString, state_flags[group] != 0, state_extra[group] != 0};
        const bool stored = holds_string(operation, state.flag, state.extra);
        const unsigned char* stored_bytes = state_bytes + (stored ? state_offsets[group] : 0);
        const int stored_length = stored ? state_offsets[group + 1] - state_offsets[group] : 0;
        for (long long at = begin; at < end; at++) {
            fold_string_row(fold, state, stored_bytes, stored_length, positions[at]);
        }
        state_flags[group] = state.flag ? 1 : 0;
        state_extra[group] = state.extra ? 1 : 0;
        winners[group] = static_cast<int>(state.row);
    }
}
EMBER_REGISTER_KERNEL(group_by_fold_strings)

// lengths[group] = the byte length of the group's string after the batch (0 for none or null), for groups
// [0, group_count); lengths holds group_count + 1 words for the scan.
extern "C" __global__ void group_by_string_state_lengths(int operation, const long long* inputs, const int* winners,
                                                         int group_count, const int* state_offsets,
                                                         const unsigned char* state_flags,
                                                         const unsigned char* state_extra, long long* lengths) {
    const KeyColumn input = key_column(inputs, 0);
    for (long long group = grid_start(); group < group_count; group += grid_stride()) {
        long long length = 0;
        if (holds_string(operation, state_flags[group] != 0, state_extra[group] != 0)) {
            const int winner = winners[group];
            length = winner != kStoredString ? string_length(input, winner)
                                             : state_offsets[group + 1] - state_offsets[group];
        }
        lengths[group] = length;
    }
}
EMBER_REGISTER_KERNEL(group_by_string_state_lengths)

// Copies every group's string into the new arena: group g takes bytes [starts[g], starts[g + 1]) (the scanned
// lengths) of new_bytes, from its winning batch row or from the old arena, and new_offsets[g + 1] is its end.
extern "C" __global__ void group_by_store_string_states(const long long* inputs, const int* winners, int group_count,
                                                        const int* state_offsets, const unsigned char* state_bytes,
                                                        const long long* starts, int* new_offsets,
                                                        unsigned char* new_bytes) {
    const KeyColumn input = key_column(inputs, 0);
    for (long long group = grid_start(); group < group_count; group += grid_stride()) {
        const long long start = starts[group];
        const long long end = starts[group + 1];
        if (group == 0) {
            new_offsets[0] = 0;
        }
        new_offsets[group + 1] = static_cast<int>(end);
        if (end == start) {
            continue;
        }
        const int winner = winners[group];
        const unsigned char* bytes = winner != kStoredString ? string_bytes(input, winner)
                                                             : state_bytes + state_offsets[group];
        for (long long at = start; at < end; at++) {
            new_bytes[at] = bytes[at - start];
        }
    }
}
EMBER_REGISTER_KERNEL(group_by_store_string_states)

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
