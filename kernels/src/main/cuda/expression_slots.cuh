// The per-value part of the expression interpreter (expression.cu): the stack slot, and what one
// instruction does to slot values (kind helpers, integral and floating arithmetic, division, casts, IN).
// evaluate_row in expression.cu reads the program and applies these; included there alone, so its
// contents stay in an anonymous namespace like the rest of that file.
#pragma once

#include "expression.h"
#include "expression_decimal.cuh"
#include "expression_math.cuh"
#include "expression_strings.cuh"
#include "rounded_double.cuh"

#ifndef __CUDACC__
#include <math.h>
#endif

namespace {

using ember::bit_at;

using namespace ember::expression;

struct Slot {
    __int128 decimal;   // decimal kind: the unscaled value (precision and scale from the instruction)
    long long integer;  // boolean, integral, date and timestamp kinds
    double floating;    // float (rounded to float after each operation) and double kinds
    StringView text;    // string kind: a view of input or constant bytes
    bool null;
    bool poison;
};

__device__ inline Slot value_slot() {
    Slot slot;
    slot.decimal = 0;
    slot.integer = 0;
    slot.floating = 0.0;
    slot.text = empty_string();
    slot.null = false;
    slot.poison = false;
    return slot;
}

__device__ inline Slot null_slot() {
    Slot slot = value_slot();
    slot.null = true;
    return slot;
}

__device__ inline Slot poison_slot() {
    Slot slot = value_slot();
    slot.poison = true;
    return slot;
}

__device__ inline bool is_floating(int kind) {
    return kind == kFloat || kind == kDouble;
}

// The value truncated to the width of an integral kind, as Java's narrowing casts do.
__device__ inline long long wrap(int kind, long long value) {
    switch (kind) {
        case kByte: return static_cast<signed char>(value);
        case kShort: return static_cast<short>(value);
        case kInt: return static_cast<int>(value);
        default: return value;
    }
}

__device__ inline long long minimum(int kind) {
    switch (kind) {
        case kByte: return -128;
        case kShort: return -32768;
        case kInt: return -2147483647LL - 1;
        default: return -9223372036854775807LL - 1;
    }
}

__device__ inline double round_to_kind(int kind, double value) {
    return kind == kFloat ? static_cast<double>(static_cast<float>(value)) : value;
}

// Java's (long) of a double: NaN is 0, out-of-range values saturate.
__device__ inline long long java_double_to_long(double value) {
    if (value != value) {
        return 0;
    }
    if (value >= 9223372036854775808.0) {
        return 9223372036854775807LL;
    }
    if (value <= -9223372036854775808.0) {
        return -9223372036854775807LL - 1;
    }
    return static_cast<long long>(value);
}

// Java's (int) of a double.
__device__ inline long long java_double_to_int(double value) {
    if (value != value) {
        return 0;
    }
    if (value >= 2147483647.0) {
        return 2147483647;
    }
    if (value <= -2147483648.0) {
        return -2147483647LL - 1;
    }
    return static_cast<int>(value);
}

// Spark's SQLOrderingUtil.compareDoubles: NaN equals NaN and is the largest; -0.0 equals 0.0.
__device__ inline int compare_doubles(double left, double right) {
    if (left < right) {
        return -1;
    }
    if (left > right) {
        return 1;
    }
    if (left == right) {
        return 0;
    }
    const bool left_nan = left != left;
    const bool right_nan = right != right;
    return left_nan == right_nan ? 0 : (left_nan ? 1 : -1);
}

__device__ inline int compare(int kind, const Slot& left, int left_scale, const Slot& right, int right_scale) {
    if (is_floating(kind)) {
        return compare_doubles(left.floating, right.floating);
    }
    if (kind == kString) {
        return compare_strings(left.text, right.text);
    }
    if (kind == kDecimal) {
        return decimal_compare(left.decimal, left_scale, right.decimal, right_scale);
    }
    return left.integer < right.integer ? -1 : (left.integer > right.integer ? 1 : 0);
}

// Computes an integral ADD, SUBTRACT or MULTIPLY wrapped to the kind; returns whether it overflowed.
__device__ inline bool integral_arithmetic(int opcode, int kind, long long left, long long right, long long* out) {
    const unsigned long long unsigned_left = static_cast<unsigned long long>(left);
    const unsigned long long unsigned_right = static_cast<unsigned long long>(right);
    if (kind == kLong) {
        if (opcode == kAdd) {
            const long long result = static_cast<long long>(unsigned_left + unsigned_right);
            *out = result;
            return ((left ^ result) & (right ^ result)) < 0;
        }
        if (opcode == kSubtract) {
            const long long result = static_cast<long long>(unsigned_left - unsigned_right);
            *out = result;
            return ((left ^ right) & (left ^ result)) < 0;
        }
        const long long result = static_cast<long long>(unsigned_left * unsigned_right);
        *out = result;
        const unsigned long long magnitudes = (left < 0 ? 0ULL - unsigned_left : unsigned_left)
                | (right < 0 ? 0ULL - unsigned_right : unsigned_right);
        if ((magnitudes >> 31) == 0) {
            return false;
        }
        if (left == minimum(kLong) && right == -1) {
            return true;
        }
        return right != 0 && right != -1 && result / right != left;
    }
    // Narrower kinds: the exact result fits a long.
    const long long exact = opcode == kAdd ? left + right : (opcode == kSubtract ? left - right : left * right);
    const long long wrapped = wrap(kind, exact);
    *out = wrapped;
    return wrapped != exact;
}

__device__ inline double floating_arithmetic(int opcode, double left, double right) {
    // rounded after each operation (rounded_double.cuh): nvcc must not fuse a multiply and an add of two slots
    switch (opcode) {
        case kAdd: return ember::add_rn(left, right);
        case kSubtract: return ember::subtract_rn(left, right);
        case kMultiply: return ember::multiply_rn(left, right);
        default: return ember::divide_rn(left, right);
    }
}

__device__ inline double canonical_nan() {
    return bits_to_double(0x7ff8000000000000LL);
}

// Days since 1970-01-01 to the proleptic Gregorian year, month and day (as java.time.LocalDate).
__device__ inline void civil_from_days(long long days, long long* year, long long* month, long long* day) {
    const long long shifted = days + 719468;
    const long long era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    const long long day_of_era = shifted - era * 146097;
    const long long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const long long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const long long month_index = (5 * day_of_year + 2) / 153;
    *day = day_of_year - (153 * month_index + 2) / 5 + 1;
    *month = month_index < 10 ? month_index + 3 : month_index - 9;
    *year = year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

__device__ inline Slot read_input(const long long* columns, int ordinal, int kind, long long row) {
    const long long* column = columns + kColumnWords * ordinal;
    const unsigned char* data = reinterpret_cast<const unsigned char*>(column[0]);
    const unsigned char* validity = reinterpret_cast<const unsigned char*>(column[1]);
    if (!bit_at(validity, row)) {
        return null_slot();
    }
    Slot slot = value_slot();
    switch (kind) {
        case kBoolean: slot.integer = bit_at(data, row) ? 1 : 0; break;
        case kByte: slot.integer = reinterpret_cast<const signed char*>(data)[row]; break;
        case kShort: slot.integer = reinterpret_cast<const short*>(data)[row]; break;
        case kInt:
        case kDate: slot.integer = reinterpret_cast<const int*>(data)[row]; break;
        case kFloat: slot.floating = reinterpret_cast<const float*>(data)[row]; break;
        case kDouble: slot.floating = reinterpret_cast<const double*>(data)[row]; break;
        case kString: slot.text = column_string(data, reinterpret_cast<const int*>(column[2]), row); break;
        case kDecimal: slot.decimal = decimal_constant(reinterpret_cast<const long long*>(data) + 2 * row); break;
        default: slot.integer = reinterpret_cast<const long long*>(data)[row]; break;
    }
    return slot;
}

// DIVIDE and REMAINDER: right first (Spark's DivModLike); a zero divisor is null or an error.
__device__ inline Slot divide_remainder(int opcode, int kind, int flags, const DecimalShape& shape, const Slot& left,
                                        const Slot& right) {
    if (right.poison) {
        return poison_slot();
    }
    const bool zero = !right.null
            && (is_floating(kind) ? right.floating == 0.0 : (kind == kDecimal ? right.decimal == 0 : right.integer == 0));
    if (right.null || (zero && (flags & kFailOnError) == 0)) {
        return null_slot();
    }
    if (left.poison) {
        return poison_slot();
    }
    if (left.null) {
        return null_slot();
    }
    if (zero) {
        return poison_slot();
    }
    Slot out = value_slot();
    if (kind == kDecimal) {
        // A quotient or remainder too wide for the result type: null, or the error in ANSI mode.
        const bool fits = opcode == kDivide
                ? decimal_divide(left.decimal, shape.left_scale, right.decimal, shape.right_scale, shape.precision,
                                 shape.scale, &out.decimal)
                : decimal_remainder(left.decimal, shape.left_scale, right.decimal, shape.right_scale, shape.precision,
                                    shape.scale, &out.decimal);
        if (!fits) {
            out = (flags & kFailOnError) != 0 ? poison_slot() : null_slot();
        }
    } else if (is_floating(kind)) {
        out.floating = round_to_kind(kind, opcode == kDivide ? floating_arithmetic(kDivide, left.floating, right.floating)
                                                             : fmod(left.floating, right.floating));
    } else {
        // Java's % of MIN_VALUE by -1 is 0; in C++ it traps.
        out.integer = right.integer == -1 ? 0 : left.integer % right.integer;
    }
    return out;
}

// CAST to or from a decimal (dev.ember.expr.CastKernels): to decimal from a decimal, boolean or
// integral value; from a decimal to boolean, an integral kind (truncating), float or double.
__device__ inline Slot cast_decimal(int from, int to, int flags, const DecimalShape& shape, const Slot& value) {
    const bool fail_on_error = (flags & kFailOnError) != 0;
    Slot out = value_slot();
    bool error = false;
    if (to == kDecimal) {
        const bool fits = from == kDecimal
                ? decimal_fit(value.decimal < 0, wide_of(magnitude_of(value.decimal)), shape.left_scale,
                              shape.precision, shape.scale, &out.decimal)
                : decimal_from_long(value.integer, shape.precision, shape.scale, &out.decimal);
        if (!fits && !fail_on_error) {
            return null_slot();
        }
        error = !fits;
    } else {
        switch (to) {
            case kBoolean: out.integer = value.decimal != 0 ? 1 : 0; break;
            case kFloat: out.floating = decimal_to_float(value.decimal, shape.left_scale); break;
            case kDouble: out.floating = decimal_to_double(value.decimal, shape.left_scale); break;
            default: {
                const __int128 truncated = decimal_truncate(value.decimal, shape.left_scale);
                // The low 64 bits, as BigInteger.longValue takes them.
                const long long low = static_cast<long long>(static_cast<unsigned long long>(truncated));
                if (!fail_on_error) {
                    out.integer = wrap(to, low);
                } else {
                    // The encoder admits only casts to long or from precisions up to 18, where Spark
                    // tests the truncated value itself.
                    error = truncated != static_cast<__int128>(low) || wrap(to, low) != low;
                    out.integer = low;
                }
            }
        }
    }
    if (error) {
        return (flags & kNullOnOwnError) != 0 ? null_slot() : poison_slot();
    }
    return out;
}

// CAST among boolean, the integral kinds, float and double, with Spark's (Java's) rules, and to or
// from decimals (cast_decimal).
__device__ inline Slot cast(int from, int to, int flags, const DecimalShape& shape, const Slot& value) {
    if (value.poison || value.null) {
        return value;
    }
    if (from == kDecimal || to == kDecimal) {
        return cast_decimal(from, to, flags, shape, value);
    }
    Slot out = value_slot();
    const bool fail_on_error = (flags & kFailOnError) != 0;
    bool error = false;
    if (from == to) {
        return value;
    }
    if (!is_floating(from)) {
        const long long input = value.integer;
        switch (to) {
            case kBoolean: out.integer = input != 0 ? 1 : 0; break;
            case kFloat: out.floating = static_cast<float>(input); break;
            case kDouble: out.floating = static_cast<double>(input); break;
            default: {
                const long long wrapped = wrap(to, input);
                error = wrapped != input && fail_on_error;
                out.integer = wrapped;
            }
        }
    } else {
        const double input = value.floating;
        switch (to) {
            case kBoolean: out.integer = input != 0.0 ? 1 : 0; break;
            case kFloat: out.floating = static_cast<float>(input); break;
            case kDouble: out.floating = input; break;
            default:
                if (fail_on_error) {
                    const double upper = to == kLong ? 9223372036854775807.0 : 2147483647.0;
                    const double lower = to == kLong ? -9223372036854775808.0 : -2147483648.0;
                    if (!(floor(input) <= upper && ceil(input) >= lower)) {
                        error = true;
                    } else {
                        const long long truncated = to == kLong ? java_double_to_long(input) : java_double_to_int(input);
                        error = wrap(to, truncated) != truncated;
                        out.integer = truncated;
                    }
                } else {
                    out.integer = to == kLong ? java_double_to_long(input) : wrap(to, java_double_to_int(input));
                }
        }
    }
    if (error) {
        return (flags & kNullOnOwnError) != 0 ? null_slot() : poison_slot();
    }
    return out;
}

// IN and IN_SET over the constant list in the lane of the value's kind.
// Decimal constants are two words each, at the value's scale (the encoder leaves out the constants
// that no value of that scale can equal).
__device__ inline Slot in_list(int opcode, int kind, int flags, const long long* constants, long long count,
                               const Slot& value) {
    if (value.poison || value.null) {
        return value;
    }
    bool found = kind == kString && string_in_list(value.text, constants);
    const long long elements = kind == kString ? 0 : (kind == kDecimal ? count / 2 : count);
    for (long long element = 0; element < elements && !found; element++) {
        if (kind == kDecimal) {
            found = value.decimal == decimal_constant(constants + 2 * element);
        } else if (is_floating(kind)) {
            found = compare_doubles(value.floating, bits_to_double(constants[element])) == 0;
        } else {
            found = value.integer == constants[element];
        }
    }
    Slot out = value_slot();
    if (found) {
        out.integer = 1;
    } else if ((flags & kListHasNull) != 0
               && !(opcode == kInSet && is_floating(kind) && value.floating != value.floating)) {
        out.null = true;
    }
    return out;
}

}  // namespace
