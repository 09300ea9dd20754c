// Window primitives on the GPU (Java side KernelWindow; host twin HostWindow): key changes, rankings and the
// group-by's folds over each row's window frame (group_fold.cuh).
#include "group_fold.cuh"
#include "string_fold.cuh"

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

// The end (exclusive) of run `run` of `runs` runs over `count` rows: the next run's start, or `count` for the last.
// A template so that an int run (a peer) and a long long one (a partition of the grid loop) compare at their width.
template <typename Run>
__device__ inline long long run_end(const int* starts, int runs, Run run, long long count) {
    return run + 1 < runs ? starts[run + 1] : count;
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

// The end (exclusive) of a growing frame's rows for `row` of the partition [start, end): the partition's end,
// the end of the row's peers (advancing `peer`, the row's run of peer_starts, as rows go forward), or the row's
// offset clamped to the partition.
__device__ long long growing_frame_end(int upper, long long upper_offset, long long row, long long start,
        long long end, long long count, const int* peer_starts, int peers, int& peer) {
    if (upper == kBoundUnbounded) {
        return end;
    }
    if (upper == kBoundPeers) {
        while (peer + 1 < peers && peer_starts[peer + 1] <= row) {
            peer++;
        }
        return run_end(peer_starts, peers, peer, count);
    }
    return clamp_row(row + upper_offset + 1, start, end);
}

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
        const long long end = run_end(partition_starts, partitions, partition, count);
        FoldState state = FoldState{Value{0, 0}, false, false};
        long long added = start;
        int peer = run_of(peer_starts, peers, start);
        for (long long row = start; row < end; row++) {
            const long long frame_end = growing_frame_end(upper, upper_offset, row, start, end, count, peer_starts,
                    peers, peer);
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
        const long long end = run_end(partition_starts, partitions, partition, count);
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


// ---- min and max over strings: the winning row per output row, whose string the host then gathers ----
//
// A string state has no fixed-width slot, so these write for every row the row of its frame that holds the
// frame's min or max (-1 when the frame has no non-null value); ColumnGather's gather-or-null then copies the
// strings. The frames and the walk are window_fold_growing's and window_fold_sliding's, and fold_string_row
// keeps the first of equal strings, as the host's frame state does.

// operation: kMin or kMax; inputs: one string column (a key table of one column); upper and upper_offset as
// window_fold_growing's. One thread per partition.
extern "C" __global__ void window_string_extreme_growing(int operation, const long long* inputs,
                                                         const long long* constants, const int* partition_starts,
                                                         int partitions, const int* peer_starts, int peers, int count,
                                                         int upper, int upper_offset, int* winners) {
    const Fold fold = fold_of(operation, inputs, 1, constants);
    for (long long partition = grid_start(); partition < partitions; partition += grid_stride()) {
        const long long start = partition_starts[partition];
        const long long end = run_end(partition_starts, partitions, partition, count);
        StringFoldState state = {-1, false, false};
        long long added = start;
        int peer = run_of(peer_starts, peers, start);
        for (long long row = start; row < end; row++) {
            const long long frame_end = growing_frame_end(upper, upper_offset, row, start, end, count, peer_starts,
                    peers, peer);
            while (added < frame_end) {
                fold_string_row(fold, state, nullptr, 0, added++);
            }
            winners[row] = state.flag ? static_cast<int>(state.row) : -1;
        }
    }
}
EMBER_REGISTER_KERNEL(window_string_extreme_growing)

// ROWS BETWEEN lower_offset AND upper_offset as window_fold_sliding's; one thread per row.
extern "C" __global__ void window_string_extreme_sliding(int operation, const long long* inputs,
                                                         const long long* constants, const int* partition_starts,
                                                         int partitions, int count, int lower_offset,
                                                         int upper_offset, int* winners) {
    const Fold fold = fold_of(operation, inputs, 1, constants);
    for (long long row = grid_start(); row < count; row += grid_stride()) {
        const int partition = run_of(partition_starts, partitions, row);
        const long long start = partition_starts[partition];
        const long long end = run_end(partition_starts, partitions, partition, count);
        const long long from = clamp_row(row + lower_offset, start, end);
        const long long to = clamp_row(row + upper_offset + 1, start, end);
        StringFoldState state = {-1, false, false};
        for (long long at = from; at < to; at++) {
            fold_string_row(fold, state, nullptr, 0, at);
        }
        winners[row] = state.flag ? static_cast<int>(state.row) : -1;
    }
}
EMBER_REGISTER_KERNEL(window_string_extreme_sliding)
