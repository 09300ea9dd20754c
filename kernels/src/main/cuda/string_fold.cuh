// Min, max, first and last over strings (group_by.cu's group_by_fold_strings, window.cu's string extremes).
// A string state cannot live in a fixed-width slot, so these folds keep the row that holds the state's string
// instead of the string: a batch row, or kStoredString for the string a grouping stored before the batch
// (its own arena: the batch that held it is gone). The host then copies the winners' bytes once, after the
// fold, instead of moving strings at every row.
#pragma once

#include "group_fold.cuh"

namespace {

// The state's string is the one stored before this batch (not a row of it).
constexpr long long kStoredString = -1;

// One string operation's state over the rows folded so far: row is the row whose string is the state's value
// (kStoredString: the stored one); flag and extra are the state's flag bytes as group_by_fold keeps them
// (MIN/MAX: flag = a non-null value came; FIRST/LAST: flag = value set, extra = the value is non-null).
struct StringFoldState {
    long long row;
    bool flag;
    bool extra;
};

// Whether the state holds a string (not null): what the copy-out and the next batch read.
__device__ inline bool holds_string(int operation, bool flag, bool extra) {
    return operation == kMin || operation == kMax ? flag : extra;
}

// Folds input row `row` into `state` exactly as fold_row folds a fixed-width value (the first of equal
// extremes kept; first/last by input order, in update and merge form), comparing against `stored` (the
// stored string's bytes and length) while the state still holds it.
__device__ inline void fold_string_row(const Fold& fold, StringFoldState& state, const unsigned char* stored,
                                       int stored_length, long long row) {
    const KeyColumn& input = fold.input;
    const bool valid = bit_at(input.validity, row);
    switch (fold.operation) {
        case kMin:
        case kMax: {
            if (!valid) {
                return;
            }
            if (state.flag) {
                const bool stored_best = state.row == kStoredString;
                const int order = ember::compare_strings(string_bytes(input, row), string_length(input, row),
                                                  stored_best ? stored : string_bytes(input, state.row),
                                                  stored_best ? stored_length : string_length(input, state.row));
                if (fold.operation == kMin ? order >= 0 : order <= 0) {
                    return;
                }
            }
            state.row = row;
            state.flag = true;
            return;
        }
        default: {
            const bool first = fold.operation == kFirst || fold.operation == kFirstIgnoreNulls;
            const bool ignore_nulls = fold.operation == kFirstIgnoreNulls || fold.operation == kLastIgnoreNulls;
            if (fold.input_count > 1) {
                // merge form: the second input is the incoming "value set" flags
                const KeyColumn flags = key_column(fold.inputs, 1);
                const bool row_set = bit_at(flags.validity, row) && bit_at(flags.values, row);
                if (first) {
                    if (!state.flag) {
                        state.row = row;
                        state.extra = valid;
                        state.flag = row_set;
                    }
                } else if (row_set) {
                    state.row = row;
                    state.extra = valid;
                    state.flag = true;
                }
                return;
            }
            if ((first && state.flag) || (ignore_nulls && !valid)) {
                return;
            }
            state.row = row;
            state.extra = valid;
            state.flag = true;
        }
    }
}

}  // namespace
