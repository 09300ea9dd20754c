// Decimal arithmetic of the expression interpreter (expression.cu), bit for bit the rules of
// dev.ember.expr.DecimalArithmetic, ArithmeticKernels and CastKernels:
//  - a decimal value is its unscaled value, a signed 128-bit integer; its precision and scale come
//    from the instruction (every decimal(p, s) with p <= 38 has |unscaled| < 10^38 < 2^127);
//  - results are rounded HALF_UP to the result scale and answer "does not fit" (false) when the
//    rounded value needs more digits than the result precision;
//  - exact intermediates that may not fit 128 bits are held in an unsigned 256-bit magnitude (Wide)
//    plus a sign. Every intermediate below stays under 10^77 < 2^256 (bounds at each function; the
//    encoder, dev.ember.device.cuda.ExpressionProgramEncoder, refuses the shapes that would not).
// The functions return whether the result fits; what a misfit means (null, error) is the caller's.
#pragma once

#include "expression.h"

// The decimal functions are big next to the rest of the interpreter: the entry points are not
// inlined and their loops not unrolled, which keeps evaluate_program small (and its build fast).
#ifdef __CUDACC__
#define EMBER_NO_UNROLL _Pragma("unroll 1")
#else
#define EMBER_NO_UNROLL
#endif

namespace ember {
namespace expression {

/** The most digits of a decimal precision (Spark's DecimalType.MAX_PRECISION). */
constexpr int kMaxDecimalDigits = 38;

/** Spark's Decimal.MATH_CONTEXT precision: products are truncated to this many digits. */
constexpr int kProductDigits = 39;

/** BigDecimal's MathContext.DECIMAL128 precision, which Spark's negation rounds to (HALF_EVEN). */
constexpr int kNegationDigits = 34;

typedef unsigned __int128 Magnitude128;

/** The decimal types of one instruction, from bits 32-63 of its header (zero where not decimal). */
struct DecimalShape {
    int precision;    // of the result
    int scale;        // of the result
    int left_scale;   // of the first operand
    int right_scale;  // of the second operand
};

__device__ inline DecimalShape decimal_shape(long long header) {
    DecimalShape shape;
    shape.precision = static_cast<int>((header >> 32) & 0xff);
    shape.scale = static_cast<int>((header >> 40) & 0xff);
    shape.left_scale = static_cast<int>((header >> 48) & 0xff);
    shape.right_scale = static_cast<int>((header >> 56) & 0xff);
    return shape;
}

/** An unsigned 256-bit integer, four 64-bit limbs, least significant first. */
struct Wide {
    unsigned long long limb[4];
};

__device__ inline Wide wide_of(Magnitude128 value) {
    Wide wide;
    wide.limb[0] = static_cast<unsigned long long>(value);
    wide.limb[1] = static_cast<unsigned long long>(value >> 64);
    wide.limb[2] = 0;
    wide.limb[3] = 0;
    return wide;
}

__device__ inline bool wide_fits_128(const Wide& value) {
    return value.limb[2] == 0 && value.limb[3] == 0;
}

__device__ inline Magnitude128 wide_low_128(const Wide& value) {
    return (static_cast<Magnitude128>(value.limb[1]) << 64) | value.limb[0];
}

__device__ inline bool wide_is_zero(const Wide& value) {
    return (value.limb[0] | value.limb[1] | value.limb[2] | value.limb[3]) == 0;
}

__device__ inline int wide_compare(const Wide& left, const Wide& right) {
    for (int limb = 3; limb >= 0; limb--) {
        if (left.limb[limb] != right.limb[limb]) {
            return left.limb[limb] < right.limb[limb] ? -1 : 1;
        }
    }
    return 0;
}

/** left + right; the callers keep the sum under 2^256. */
__device__ inline Wide wide_add(const Wide& left, const Wide& right) {
    Wide sum;
    unsigned long long carry = 0;
    for (int limb = 0; limb < 4; limb++) {
        const Magnitude128 partial = static_cast<Magnitude128>(left.limb[limb]) + right.limb[limb] + carry;
        sum.limb[limb] = static_cast<unsigned long long>(partial);
        carry = static_cast<unsigned long long>(partial >> 64);
    }
    return sum;
}

/** left - right, where left >= right. */
__device__ inline Wide wide_subtract(const Wide& left, const Wide& right) {
    Wide difference;
    unsigned long long borrow = 0;
    for (int limb = 0; limb < 4; limb++) {
        const unsigned long long subtrahend = right.limb[limb] + borrow;
        const bool wrapped = subtrahend < borrow;  // right.limb was all ones and borrow 1
        difference.limb[limb] = left.limb[limb] - subtrahend;
        borrow = (wrapped || left.limb[limb] < subtrahend) ? 1 : 0;
    }
    return difference;
}

/** value * factor; the callers keep the product under 2^256. */
__device__ inline Wide wide_multiply_64(const Wide& value, unsigned long long factor) {
    Wide product;
    unsigned long long carry = 0;
    for (int limb = 0; limb < 4; limb++) {
        const Magnitude128 partial = static_cast<Magnitude128>(value.limb[limb]) * factor + carry;
        product.limb[limb] = static_cast<unsigned long long>(partial);
        carry = static_cast<unsigned long long>(partial >> 64);
    }
    return product;
}

/** The exact product of two 128-bit magnitudes (under 2^256 always). */
__device__ inline Wide wide_multiply_128(Magnitude128 left, Magnitude128 right) {
    const unsigned long long left_limbs[2] = {static_cast<unsigned long long>(left),
                                              static_cast<unsigned long long>(left >> 64)};
    const unsigned long long right_limbs[2] = {static_cast<unsigned long long>(right),
                                               static_cast<unsigned long long>(right >> 64)};
    Wide product = wide_of(0);
    for (int i = 0; i < 2; i++) {
        unsigned long long carry = 0;
        for (int j = 0; j < 2; j++) {
            const Magnitude128 partial =
                    static_cast<Magnitude128>(left_limbs[i]) * right_limbs[j] + product.limb[i + j] + carry;
            product.limb[i + j] = static_cast<unsigned long long>(partial);
            carry = static_cast<unsigned long long>(partial >> 64);
        }
        product.limb[i + 2] = carry;
    }
    return product;
}

/** value / divisor (divisor > 0), truncated; the remainder goes to *remainder. */
__device__ __noinline__ inline Wide wide_divide_64(const Wide& value, unsigned long long divisor, unsigned long long* remainder) {
    Wide quotient;
    unsigned long long rest = 0;
    EMBER_NO_UNROLL
    for (int limb = 3; limb >= 0; limb--) {
        const Magnitude128 partial = (static_cast<Magnitude128>(rest) << 64) | value.limb[limb];
        quotient.limb[limb] = static_cast<unsigned long long>(partial / divisor);
        rest = static_cast<unsigned long long>(partial % divisor);
    }
    *remainder = rest;
    return quotient;
}

/**
 * numerator / divisor, truncated, by binary long division; the remainder goes to *remainder.
 * Requires 0 < divisor < 2^255, so that the running remainder (below 2 * divisor) fits 256 bits.
 */
__device__ __noinline__ inline Wide wide_divide(const Wide& numerator, const Wide& divisor, Wide* remainder) {
    Wide quotient = wide_of(0);
    Wide rest = wide_of(0);
    // Start at the numerator's highest non-zero limb: the bits above it leave everything zero.
    int top_limb = 3;
    while (top_limb > 0 && numerator.limb[top_limb] == 0) {
        top_limb--;
    }
    EMBER_NO_UNROLL
    for (int bit = 64 * top_limb + 63; bit >= 0; bit--) {
        const unsigned long long incoming = (numerator.limb[bit / 64] >> (bit % 64)) & 1ULL;
        rest.limb[3] = (rest.limb[3] << 1) | (rest.limb[2] >> 63);
        rest.limb[2] = (rest.limb[2] << 1) | (rest.limb[1] >> 63);
        rest.limb[1] = (rest.limb[1] << 1) | (rest.limb[0] >> 63);
        rest.limb[0] = (rest.limb[0] << 1) | incoming;
        if (wide_compare(rest, divisor) >= 0) {
            rest = wide_subtract(rest, divisor);
            quotient.limb[bit / 64] |= 1ULL << (bit % 64);
        }
    }
    *remainder = rest;
    return quotient;
}

/** 10^exponent for 0 <= exponent <= 19. */
__device__ inline unsigned long long power_of_ten_64(int exponent) {
    unsigned long long power = 1;
    EMBER_NO_UNROLL
    for (int i = 0; i < exponent; i++) {
        power *= 10;
    }
    return power;
}

/** 10^exponent for 0 <= exponent <= 38. */
__device__ inline Magnitude128 power_of_ten_128(int exponent) {
    return exponent <= 19 ? static_cast<Magnitude128>(power_of_ten_64(exponent))
                          : static_cast<Magnitude128>(power_of_ten_64(19)) * power_of_ten_64(exponent - 19);
}

/** value * 10^exponent; the callers keep the product under 2^256. */
__device__ __noinline__ inline Wide wide_scale_up(Wide value, int exponent) {
    while (exponent > 0) {
        const int step = exponent < 19 ? exponent : 19;
        value = wide_multiply_64(value, power_of_ten_64(step));
        exponent -= step;
    }
    return value;
}

/** 10^exponent for 0 <= exponent <= 76 (under 2^256). */
__device__ inline Wide wide_power_of_ten(int exponent) {
    return wide_scale_up(wide_of(1), exponent);
}

/** The number of decimal digits of value (0 for zero). */
__device__ __noinline__ inline int wide_digits(const Wide& value) {
    int digits = 0;
    Wide power = wide_of(1);
    // 10^77 would overflow; values stay under 10^77 so at most 77 digits are counted.
    EMBER_NO_UNROLL
    while (digits < 77 && wide_compare(power, value) <= 0) {
        power = wide_multiply_64(power, 10);
        digits++;
    }
    return digits;
}

/** value / 10^exponent truncated; *first_dropped_digit gets the most significant dropped digit. */
__device__ __noinline__ inline Wide wide_scale_down(Wide value, int exponent, int* first_dropped_digit) {
    unsigned long long remainder = 0;
    *first_dropped_digit = 0;
    if (exponent <= 0) {
        return value;
    }
    int rest = exponent - 1;
    while (rest > 0) {
        const int step = rest < 19 ? rest : 19;
        value = wide_divide_64(value, power_of_ten_64(step), &remainder);
        rest -= step;
    }
    value = wide_divide_64(value, 10, &remainder);
    *first_dropped_digit = static_cast<int>(remainder);
    return value;
}

__device__ inline Magnitude128 magnitude_of(__int128 value) {
    return value < 0 ? static_cast<Magnitude128>(0) - static_cast<Magnitude128>(value)
                     : static_cast<Magnitude128>(value);
}

__device__ inline __int128 signed_of(bool negative, Magnitude128 magnitude) {
    return negative ? static_cast<__int128>(static_cast<Magnitude128>(0) - magnitude) : static_cast<__int128>(magnitude);
}

/**
 * BigDecimal.setScale(scale, HALF_UP) of the exact value (-1)^negative * magnitude / 10^from_scale,
 * then Spark's precision test. from_scale may be negative (a truncated product); magnitude < 10^77.
 * Returns false when the rounded value has more than precision digits.
 */
__device__ __noinline__ inline bool decimal_fit(bool negative, const Wide& magnitude, int from_scale, int precision, int scale,
                                   __int128* out) {
    Wide rounded = magnitude;
    if (scale >= from_scale) {
        // Scaling up is exact; test the digits first so that the product stays under 10^77.
        if (!wide_is_zero(magnitude) && wide_digits(magnitude) + (scale - from_scale) > precision) {
            return false;
        }
        rounded = wide_scale_up(magnitude, scale - from_scale);
    } else {
        int first_dropped_digit;
        rounded = wide_scale_down(magnitude, from_scale - scale, &first_dropped_digit);
        if (first_dropped_digit >= 5) {
            rounded = wide_add(rounded, wide_of(1));
        }
    }
    if (!wide_fits_128(rounded) || wide_low_128(rounded) >= power_of_ten_128(precision)) {
        return false;
    }
    *out = signed_of(negative, wide_low_128(rounded));
    return true;
}

/**
 * The fast case of decimal_fit for a magnitude in 128 bits rounded to a scale no larger than its
 * own (as 10^k <= 10^38 fits, every step stays in 128 bits).
 */
__device__ __noinline__ inline bool decimal_fit_128(bool negative, Magnitude128 magnitude, int from_scale, int precision, int scale,
                                       __int128* out) {
    if (scale > from_scale) {
        return decimal_fit(negative, wide_of(magnitude), from_scale, precision, scale, out);
    }
    Magnitude128 rounded = magnitude;
    if (scale < from_scale) {
        const int exponent = from_scale - scale;
        if (exponent > kMaxDecimalDigits) {
            return decimal_fit(negative, wide_of(magnitude), from_scale, precision, scale, out);
        }
        const Magnitude128 power = power_of_ten_128(exponent);
        rounded = magnitude / power;
        // HALF_UP: the dropped part is at least half of 10^exponent.
        if (magnitude % power >= power / 2) {
            rounded++;
        }
    }
    if (rounded >= power_of_ten_128(precision)) {
        return false;
    }
    *out = signed_of(negative, rounded);
    return true;
}

/**
 * ADD or SUBTRACT: the exact sum at the larger scale S, then decimal_fit. Both magnitudes at scale S
 * are below 10^38 * 10^38, so the exact sum is below 2 * 10^76 < 2^256. With equal scales the
 * magnitudes are below 10^38 and their sum below 2 * 10^38 < 2^128: the 128-bit path.
 */
__device__ __noinline__ inline bool decimal_add(bool subtract, __int128 left, int left_scale, __int128 right, int right_scale,
                                   int precision, int scale, __int128* out) {
    const bool left_negative = left < 0;
    const bool right_negative = (right < 0) != subtract && right != 0;
    const int common_scale = left_scale > right_scale ? left_scale : right_scale;
    if (left_scale == right_scale) {
        const Magnitude128 left_magnitude = magnitude_of(left);
        const Magnitude128 right_magnitude = magnitude_of(right);
        if (left_negative == right_negative) {
            return decimal_fit_128(left_negative, left_magnitude + right_magnitude, common_scale, precision, scale, out);
        }
        const bool left_larger = left_magnitude >= right_magnitude;
        return decimal_fit_128(left_larger ? left_negative : right_negative,
                               left_larger ? left_magnitude - right_magnitude : right_magnitude - left_magnitude,
                               common_scale, precision, scale, out);
    }
    const Wide left_magnitude = wide_scale_up(wide_of(magnitude_of(left)), common_scale - left_scale);
    const Wide right_magnitude = wide_scale_up(wide_of(magnitude_of(right)), common_scale - right_scale);
    if (left_negative == right_negative) {
        return decimal_fit(left_negative, wide_add(left_magnitude, right_magnitude), common_scale, precision, scale,
                           out);
    }
    const bool left_larger = wide_compare(left_magnitude, right_magnitude) >= 0;
    return decimal_fit(left_larger ? left_negative : right_negative,
                       left_larger ? wide_subtract(left_magnitude, right_magnitude)
                                   : wide_subtract(right_magnitude, left_magnitude),
                       common_scale, precision, scale, out);
}

/**
 * MULTIPLY: Spark's product truncated (DOWN) to 39 significant digits, then decimal_fit. The exact
 * product of two magnitudes below 10^38 is below 10^76 < 2^256. (A result that fits 38 digits is
 * rounded at a digit the truncation keeps, so the truncation never changes it; it is done anyway,
 * as Spark does it.)
 */
__device__ __noinline__ inline bool decimal_multiply(__int128 left, int left_scale, __int128 right, int right_scale,
                                        int precision, int scale, __int128* out) {
    const bool negative = (left < 0) != (right < 0);
    Wide product = wide_multiply_128(magnitude_of(left), magnitude_of(right));
    int product_scale = left_scale + right_scale;
    const int digits = wide_digits(product);
    if (digits > kProductDigits) {
        int ignored;  // truncation (DOWN) ignores the dropped digits
        product = wide_scale_down(product, digits - kProductDigits, &ignored);
        product_scale -= digits - kProductDigits;
    }
    return decimal_fit(negative && !wide_is_zero(product), product, product_scale, precision, scale, out);
}

/**
 * DIVIDE (right != 0): Spark truncates the quotient to 39 decimal places, then rounds HALF_UP to the
 * result scale s <= 38. HALF_UP looks only at digit s + 1, which the truncation at place 39 keeps,
 * so this is the exact quotient rounded HALF_UP: q = left * 10^e / right with e = s + right_scale -
 * left_scale, rounded up when twice the remainder reaches the divisor. The encoder admits only
 * left precision + max(e, 0) <= 76 and right precision + max(-e, 0) <= 76, so numerator and divisor
 * stay below 10^76 < 2^253 (wide_divide needs the divisor below 2^255).
 */
__device__ __noinline__ inline bool decimal_divide(__int128 left, int left_scale, __int128 right, int right_scale,
                                      int precision, int scale, __int128* out) {
    const bool negative = (left < 0) != (right < 0);
    const int exponent = scale + right_scale - left_scale;
    Wide numerator = wide_of(magnitude_of(left));
    Wide divisor = wide_of(magnitude_of(right));
    if (exponent >= 0) {
        numerator = wide_scale_up(numerator, exponent);
    } else {
        divisor = wide_scale_up(divisor, -exponent);
    }
    Wide remainder;
    Wide quotient = wide_divide(numerator, divisor, &remainder);
    if (wide_compare(wide_add(remainder, remainder), divisor) >= 0) {
        quotient = wide_add(quotient, wide_of(1));
    }
    if (!wide_fits_128(quotient) || wide_low_128(quotient) >= power_of_ten_128(precision)) {
        return false;
    }
    *out = signed_of(negative, wide_low_128(quotient));
    return true;
}

/**
 * REMAINDER (right != 0): the exact remainder at the larger scale S with the sign of the dividend
 * (BigDecimal.remainder), then decimal_fit. Spark's remainder fails when the integral quotient
 * needs more than 39 digits; the encoder admits only left precision - left scale + right scale <=
 * 39, where the quotient is below 10^39 and the remainder therefore exact. Operands at scale S are
 * below 10^76.
 */
__device__ __noinline__ inline bool decimal_remainder(__int128 left, int left_scale, __int128 right, int right_scale,
                                         int precision, int scale, __int128* out) {
    const int common_scale = left_scale > right_scale ? left_scale : right_scale;
    const Wide dividend = wide_scale_up(wide_of(magnitude_of(left)), common_scale - left_scale);
    const Wide divisor = wide_scale_up(wide_of(magnitude_of(right)), common_scale - right_scale);
    Wide remainder;
    wide_divide(dividend, divisor, &remainder);
    return decimal_fit(left < 0 && !wide_is_zero(remainder), remainder, common_scale, precision, scale, out);
}

/**
 * NEGATE as Spark does it through Scala's BigDecimal: the negation rounded HALF_EVEN to 34
 * significant digits (MathContext.DECIMAL128), back at the scale (exact), then the precision test.
 * The rounded magnitude is at most 10^38 < 2^127.
 */
__device__ __noinline__ inline bool decimal_negate(__int128 value, int precision, __int128* out) {
    Magnitude128 magnitude = magnitude_of(value);
    const int digits = wide_digits(wide_of(magnitude));
    if (digits > kNegationDigits) {
        const Magnitude128 power = power_of_ten_128(digits - kNegationDigits);
        Magnitude128 kept = magnitude / power;
        const Magnitude128 dropped = magnitude % power;
        const Magnitude128 half = power / 2;
        if (dropped > half || (dropped == half && (kept & 1) != 0)) {
            kept++;
        }
        magnitude = kept * power;
    }
    if (magnitude >= power_of_ten_128(precision)) {
        return false;
    }
    *out = signed_of(value > 0, magnitude);
    return true;
}

/** BigDecimal.compareTo of left / 10^left_scale and right / 10^right_scale (magnitudes at the larger scale < 10^76). */
__device__ __noinline__ inline int decimal_compare(__int128 left, int left_scale, __int128 right, int right_scale) {
    if (left_scale == right_scale) {
        return left < right ? -1 : (left > right ? 1 : 0);
    }
    const int left_sign = left < 0 ? -1 : (left > 0 ? 1 : 0);
    const int right_sign = right < 0 ? -1 : (right > 0 ? 1 : 0);
    if (left_sign != right_sign || left_sign == 0) {
        return left_sign < right_sign ? -1 : (left_sign > right_sign ? 1 : 0);
    }
    const int common_scale = left_scale > right_scale ? left_scale : right_scale;
    const int order = wide_compare(wide_scale_up(wide_of(magnitude_of(left)), common_scale - left_scale),
                                   wide_scale_up(wide_of(magnitude_of(right)), common_scale - right_scale));
    return left_sign > 0 ? order : -order;
}

/** CAST of a boolean or integral value to decimal(precision, scale): value * 10^scale, below 2^64 * 10^38. */
__device__ __noinline__ inline bool decimal_from_long(long long value, int precision, int scale, __int128* out) {
    const unsigned long long magnitude =
            value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
    return decimal_fit(value < 0, wide_of(magnitude), 0, precision, scale, out);
}

/** The value truncated toward zero to an integer (BigDecimal.toBigInteger); |result| < 10^38. */
__device__ __noinline__ inline __int128 decimal_truncate(__int128 value, int scale) {
    return scale == 0 ? value : value / static_cast<__int128>(power_of_ten_128(scale));
}

/**
 * BigDecimal.doubleValue for the shapes the encoder admits: scale 0 with |value| < 10^18 (Java's
 * (double) long, correctly rounded), or |value| < 10^15 < 2^52 with scale <= 15, where both the
 * value and 10^scale are exact doubles and one IEEE division is correctly rounded, as Java's
 * BigDecimal is (by the same division for such values).
 */
__device__ inline double decimal_to_double(__int128 value, int scale) {
    const double numerator = static_cast<double>(static_cast<long long>(value));
    if (scale == 0) {
        return numerator;
    }
    const double power = static_cast<double>(power_of_ten_64(scale));
#ifdef __CUDACC__
    return __ddiv_rn(numerator, power);
#else
    return numerator / power;
#endif
}

/**
 * BigDecimal.floatValue for the shapes the encoder admits: scale 0 with |value| < 10^18 (Java's
 * (float) long, correctly rounded), or |value| < 10^7 < 2^24 with scale <= 7, where the value and
 * 10^scale are exact floats and one IEEE float division is correctly rounded, as Java's is.
 */
__device__ inline float decimal_to_float(__int128 value, int scale) {
    if (scale == 0) {
        return static_cast<float>(static_cast<long long>(value));
    }
    const float numerator = static_cast<float>(static_cast<long long>(value));
    const float power = static_cast<float>(power_of_ten_64(scale));
#ifdef __CUDACC__
    return __fdiv_rn(numerator, power);
#else
    return numerator / power;
#endif
}

/** A decimal constant of the program: two words, low then high, of the unscaled value. */
__device__ inline __int128 decimal_constant(const long long* words) {
    return static_cast<__int128>((static_cast<Magnitude128>(static_cast<unsigned long long>(words[1])) << 64)
                                 | static_cast<unsigned long long>(words[0]));
}

}  // namespace expression
}  // namespace ember
