// The group-by's values, key tables and folds, shared by group_by.cu (groups) and window.cu (window frames):
// how a column is described (KeyColumn), how a value reads (Value, read_value), key equality (same_key), and
// one operation's fold over rows (Fold, FoldState, fold_row, load_state, store_state).
#pragma once

#include "ember_cuda.h"
#include "column_kind.h"
#include "string_keys.cuh"

namespace {

using ember::bit_at;

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
constexpr int kMoments = 10;


struct Value {
    unsigned long long low;
    unsigned long long high;
};

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

// Input row `row` of a double, float or integral column as a double, as the host's doubleAt reads it
// (a null row reads the value stored under it).
__device__ inline double input_double(const KeyColumn& input, long long row) {
    const Value value = read_value(input.kind, input.values, row, true);
    if (input.kind == kKindDouble) {
        return double_from_bits(value.low);
    } else if (input.kind == kKindFloat) {
        return float_from_bits(static_cast<unsigned>(value.low));
    }
    return static_cast<double>(static_cast<long long>(value.low));
}

__device__ inline long long grid_start() {
    return static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__device__ inline long long grid_stride() {
    return static_cast<long long>(gridDim.x) * blockDim.x;
}

}  // namespace

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
            const double sum = double_from_bits(state.value.low) + input_double(input, row);
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
