// The math family of the expression interpreter (expression.cu): ABS, the bitwise operators and
// shifts, date arithmetic and ROUND/BROUND, with the rules of dev.ember.expr.MathLoops. Float and
// double rounding is left to the host by the encoder (Spark rounds them through Double.toString).
#pragma once

#include "expression.h"
#include "expression_decimal.cuh"

namespace ember {
namespace expression {

// Java's shifts: the distance is taken modulo the width (C++ leaves larger distances undefined).
__device__ inline long long java_shift(int opcode, bool is_long, long long value, long long distance) {
    if (is_long) {
        const int by = static_cast<int>(distance & 63);
        const unsigned long long bits = static_cast<unsigned long long>(value);
        switch (opcode) {
            case kShiftLeft: return static_cast<long long>(bits << by);
            case kShiftRight: return value >> by;
            default: return static_cast<long long>(bits >> by);
        }
    }
    const int by = static_cast<int>(distance & 31);
    const unsigned int bits = static_cast<unsigned int>(value);
    switch (opcode) {
        case kShiftLeft: return static_cast<int>(bits << by);
        case kShiftRight: return static_cast<int>(value) >> by;
        default: return static_cast<int>(bits >> by);
    }
}

// Java's int arithmetic on days (DateAdd, DateSub, DateDiff wrap as Spark's do).
__device__ inline long long date_arithmetic(bool add, long long left, long long right) {
    const unsigned int left_bits = static_cast<unsigned int>(left);
    const unsigned int right_bits = static_cast<unsigned int>(right);
    return static_cast<int>(add ? left_bits + right_bits : left_bits - right_bits);
}

// magnitude / 10^digits rounded HALF_UP or HALF_EVEN (digits <= 38; magnitude < 10^38).
__device__ __noinline__ inline Magnitude128 round_magnitude(Magnitude128 magnitude, int digits, bool half_even) {
    if (digits <= 0) {
        return magnitude;
    }
    const Magnitude128 power = power_of_ten_128(digits);
    Magnitude128 kept = magnitude / power;
    const Magnitude128 dropped = magnitude % power;
    const Magnitude128 rest = power - dropped;
    if (dropped > rest || (dropped == rest && (!half_even || (kept & 1) != 0))) {
        kept++;
    }
    return kept;
}

// ROUND/BROUND of an integral value to scale (negative: to tens, hundreds...): BigDecimal.setScale
// then Java's narrowing; *overflow says whether the rounded value leaves the kind (ANSI errors).
__device__ inline long long round_integral(int kind, long long value, int scale, bool half_even, bool* overflow) {
    *overflow = false;
    if (scale >= 0) {
        return value;
    }
    const int digits = -scale;
    // |value| < 2^63 < 0.5 * 10^20: twenty or more dropped digits round to zero.
    if (digits >= 20) {
        return 0;
    }
    const bool negative = value < 0;
    const Magnitude128 magnitude = magnitude_of(static_cast<__int128>(value));
    const Magnitude128 rounded = round_magnitude(magnitude, digits, half_even) * power_of_ten_128(digits);
    const __int128 exact = signed_of(negative, rounded);
    // BigDecimal.longValue (and intValue, under byteValue and shortValue) keeps the low bits.
    const long long low = static_cast<long long>(static_cast<unsigned long long>(static_cast<Magnitude128>(exact)));
    long long narrowed = low;
    switch (kind) {
        case kByte: narrowed = static_cast<signed char>(low); break;
        case kShort: narrowed = static_cast<short>(low); break;
        case kInt: narrowed = static_cast<int>(low); break;
        default: break;
    }
    *overflow = exact != static_cast<__int128>(narrowed);
    return narrowed;
}

// ROUND/BROUND of a decimal at value_scale to scale, stored at the result's scale and checked against
// its precision. Returns false when the result has too many digits: Spark answers null for a scale
// >= 0 (Decimal.toPrecision) and fails for a negative scale (Decimal(value, p, 0)); the caller decides.
__device__ __noinline__ inline bool round_decimal(__int128 value, int value_scale, int scale, bool half_even,
                                                  int precision, __int128* out) {
    const int target = scale < value_scale ? scale : value_scale;
    const int digits = value_scale - target;
    const bool negative = value < 0;
    Magnitude128 magnitude = magnitude_of(value);
    // |value| < 10^38: dropping more than 38 digits leaves zero.
    if (digits > kMaxDecimalDigits) {
        magnitude = 0;
    } else {
        magnitude = round_magnitude(magnitude, digits, half_even);
        if (target < 0) {
            // The value rounded to a multiple of 10^-target is at most 10^38, under 2^127.
            magnitude *= power_of_ten_128(-target);
        }
    }
    if (magnitude >= power_of_ten_128(precision)) {
        return false;
    }
    *out = signed_of(negative, magnitude);
    return true;
}

}  // namespace expression
}  // namespace ember
