package dev.ember.expr;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A mutable signed 128-bit integer in two longs, two's complement ({@link #high} holds bits 64 to 127,
 * {@link #low} bits 0 to 63), with the operations the host's decimal loops apply to unscaled values.
 * Decimal values of up to 38 digits are below 2^127 in magnitude, so every operation here works on
 * values in (-2^127, 2^127); an operation whose result would leave that range returns false and
 * leaves the value undefined, and each caller says what that means for it.
 *
 * <p>Scratch space of one loop over a chunk: not thread-safe.
 */
final class Int128 {
    /** The largest number of decimal digits an {@code Int128} value can hold in full. */
    static final int MAX_DIGITS = 38;
    /** 10^i for i in 0..18: the powers of ten that fit in a long. */
    static final long[] LONG_POWERS_OF_TEN = new long[19];
    private static final long[] POWERS_OF_TEN_HIGH = new long[MAX_DIGITS + 1];
    private static final long[] POWERS_OF_TEN_LOW = new long[MAX_DIGITS + 1];

    static {
        for (int i = 0; i <= MAX_DIGITS; i++) {
            BigInteger ten = BigInteger.TEN.pow(i);
            POWERS_OF_TEN_HIGH[i] = ten.shiftRight(64).longValue();
            POWERS_OF_TEN_LOW[i] = ten.longValue();
            if (i < LONG_POWERS_OF_TEN.length) {
                LONG_POWERS_OF_TEN[i] = ten.longValueExact();
            }
        }
    }

    long high;
    long low;
    /** The remainder of the last unsigned division, magnitude. */
    private long remainderHigh;
    private long remainderLow;

    void set(long high, long low) {
        this.high = high;
        this.low = low;
    }

    void setLong(long value) {
        this.high = value >> 63;
        this.low = value;
    }

    /** Whether the value fits a long (the high word is the sign extension of the low word). */
    boolean fitsLong() {
        return high == low >> 63;
    }

    boolean isNegative() {
        return high < 0;
    }

    void negate() {
        low = -low;
        high = ~high + (low == 0 ? 1 : 0);
    }

    /** Adds a value; false when the sum leaves 128 bits. */
    boolean add(long otherHigh, long otherLow) {
        long sumLow = low + otherLow;
        long carry = Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0;
        long sumHigh = high + otherHigh + carry;
        boolean overflow = ((high ^ sumHigh) & (otherHigh ^ sumHigh)) < 0;
        high = sumHigh;
        low = sumLow;
        return !overflow;
    }

    /** Multiplies by a value; false when the product's magnitude reaches 2^127. */
    boolean multiply(long otherHigh, long otherLow) {
        boolean negative = (high ^ otherHigh) < 0;
        if (high < 0) {
            negate();
        }
        long factorHigh = otherHigh;
        long factorLow = otherLow;
        if (factorHigh < 0) {
            factorLow = -otherLow;
            factorHigh = ~otherHigh + (factorLow == 0 ? 1 : 0);
        }
        if (!multiplyMagnitude(factorHigh, factorLow)) {
            return false;
        }
        if (negative) {
            negate();
        }
        return true;
    }

    /** Multiplies by 10^digits ({@code digits >= 0}); false when the product leaves 127 bits. */
    boolean scaleUp(int digits) {
        if (digits == 0) {
            return true;
        }
        if (digits > MAX_DIGITS) {
            // 10^39 > 2^127: only zero stays in range
            return (high | low) == 0;
        }
        boolean negative = high < 0;
        if (negative) {
            negate();
        }
        if (!multiplyMagnitude(POWERS_OF_TEN_HIGH[digits], POWERS_OF_TEN_LOW[digits])) {
            return false;
        }
        if (negative) {
            negate();
        }
        return true;
    }

    /** Divides by 10^digits ({@code digits >= 0}), rounding half away from zero (Java's HALF_UP). */
    void scaleDownHalfUp(int digits) {
        if (digits == 0) {
            return;
        }
        if (digits > MAX_DIGITS) {
            // |value| < 2^127 < 10^39 / 2: less than half of the divisor
            set(0, 0);
            return;
        }
        divideHalfUp(POWERS_OF_TEN_HIGH[digits], POWERS_OF_TEN_LOW[digits]);
    }

    /** Divides by 10^digits ({@code digits >= 0}), truncating towards zero. */
    void scaleDownTruncating(int digits) {
        if (digits == 0) {
            return;
        }
        if (digits > MAX_DIGITS) {
            set(0, 0);
            return;
        }
        boolean negative = high < 0;
        if (negative) {
            negate();
        }
        divideUnsigned(POWERS_OF_TEN_HIGH[digits], POWERS_OF_TEN_LOW[digits]);
        if (negative) {
            negate();
        }
    }

    /** Divides by a non-zero value and rounds half away from zero (Java's HALF_UP). */
    void divideHalfUp(long divisorHigh, long divisorLow) {
        boolean negative = (high ^ divisorHigh) < 0;
        if (high < 0) {
            negate();
        }
        if (divisorHigh < 0) {
            divisorLow = -divisorLow;
            divisorHigh = ~divisorHigh + (divisorLow == 0 ? 1 : 0);
        }
        divideUnsigned(divisorHigh, divisorLow);
        // round up when remainder >= divisor - remainder (no overflow: remainder < divisor)
        long halfLow = divisorLow - remainderLow;
        long halfHigh = divisorHigh - remainderHigh - (Long.compareUnsigned(divisorLow, remainderLow) < 0 ? 1 : 0);
        if (compareUnsigned(remainderHigh, remainderLow, halfHigh, halfLow) >= 0) {
            low++;
            if (low == 0) {
                high++;
            }
        }
        if (negative) {
            negate();
        }
    }

    /** The remainder of truncating division by a non-zero value; it takes the sign of this value. */
    void remainder(long divisorHigh, long divisorLow) {
        boolean negative = high < 0;
        if (negative) {
            negate();
        }
        if (divisorHigh < 0) {
            divisorLow = -divisorLow;
            divisorHigh = ~divisorHigh + (divisorLow == 0 ? 1 : 0);
        }
        divideUnsigned(divisorHigh, divisorLow);
        set(remainderHigh, remainderLow);
        if (negative) {
            negate();
        }
    }

    /** Whether |value| < 10^digits ({@code 0 <= digits <= 38}). */
    boolean fitsDigits(int digits) {
        long magnitudeHigh = high;
        long magnitudeLow = low;
        if (magnitudeHigh < 0) {
            magnitudeLow = -low;
            magnitudeHigh = ~high + (magnitudeLow == 0 ? 1 : 0);
        }
        return compareUnsigned(magnitudeHigh, magnitudeLow, POWERS_OF_TEN_HIGH[digits], POWERS_OF_TEN_LOW[digits]) < 0;
    }

    /** Signed comparison of two values. */
    static int compare(long leftHigh, long leftLow, long rightHigh, long rightLow) {
        return leftHigh != rightHigh ? Long.compare(leftHigh, rightHigh) : Long.compareUnsigned(leftLow, rightLow);
    }

    /** The value as a BigDecimal of scale {@code scale} (the slow path and string conversions). */
    BigDecimal toBigDecimal(int scale) {
        return toBigDecimal(high, low, scale);
    }

    static BigDecimal toBigDecimal(long high, long low, int scale) {
        if (high == low >> 63) {
            return BigDecimal.valueOf(low, scale);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (high >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return new BigDecimal(new BigInteger(bytes), scale);
    }

    /** Sets the value to a BigInteger of fewer than 128 bits. */
    void set(BigInteger value) {
        if (value.bitLength() > 127) {
            throw new IllegalArgumentException("more than 127 bits: " + value);
        }
        set(value.shiftRight(64).longValue(), value.longValue());
    }

    @Override
    public String toString() {
        return toBigDecimal(0).toString();
    }

    private static int compareUnsigned(long leftHigh, long leftLow, long rightHigh, long rightLow) {
        return leftHigh != rightHigh ? Long.compareUnsigned(leftHigh, rightHigh) : Long.compareUnsigned(leftLow, rightLow);
    }

    /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh, which Java 17 lacks). */
    static long unsignedMultiplyHigh(long left, long right) {
        return Math.multiplyHigh(left, right) + ((left >> 63) & right) + ((right >> 63) & left);
    }

    /** Multiplies the magnitude (this, non-negative) by a non-negative factor; false at 2^127 or more. */
    private boolean multiplyMagnitude(long factorHigh, long factorLow) {
        long wideHigh = high;
        long wideLow = low;
        long narrow = factorLow;
        if (wideHigh != 0) {
            if (factorHigh != 0) {
                return false;
            }
        } else {
            // the factor may be the wide one
            wideHigh = factorHigh;
            wideLow = factorLow;
            narrow = low;
        }
        long productLow = wideLow * narrow;
        long productHigh = unsignedMultiplyHigh(wideLow, narrow);
        if (wideHigh != 0) {
            if (unsignedMultiplyHigh(wideHigh, narrow) != 0) {
                return false;
            }
            long sum = productHigh + wideHigh * narrow;
            if (Long.compareUnsigned(sum, productHigh) < 0) {
                return false;
            }
            productHigh = sum;
        }
        if (productHigh < 0) {
            return false;
        }
        high = productHigh;
        low = productLow;
        return true;
    }

    /** Whether the remainder of the last {@link #divideUnsigned} is not zero. */
    boolean hasRemainder() {
        return (remainderHigh | remainderLow) != 0;
    }

    /**
     * Unsigned division of this value by a non-zero divisor: this becomes the quotient, and the
     * remainder is kept for {@link #hasRemainder} (Hacker's Delight, 9-3 and 9-5).
     */
    void divideUnsigned(long divisorHigh, long divisorLow) {
        long dividendHigh = high;
        long dividendLow = low;
        if (divisorHigh == 0) {
            if (dividendHigh == 0) {
                low = Long.divideUnsigned(dividendLow, divisorLow);
                remainderLow = dividendLow - low * divisorLow;
            } else {
                high = Long.divideUnsigned(dividendHigh, divisorLow);
                long carried = dividendHigh - high * divisorLow;
                low = divide128By64(carried, dividendLow, divisorLow);
                remainderLow = dividendLow - low * divisorLow;
            }
            remainderHigh = 0;
            return;
        }
        if (compareUnsigned(dividendHigh, dividendLow, divisorHigh, divisorLow) < 0) {
            remainderHigh = dividendHigh;
            remainderLow = dividendLow;
            set(0, 0);
            return;
        }
        // the quotient fits 64 bits: estimate it from the top 64 bits of the normalized divisor
        int shift = Long.numberOfLeadingZeros(divisorHigh);
        long normalized = shift == 0 ? divisorHigh : (divisorHigh << shift) | (divisorLow >>> (64 - shift));
        long halfHigh = dividendHigh >>> 1;
        long halfLow = (dividendLow >>> 1) | (dividendHigh << 63);
        long quotient = divide128By64(halfHigh, halfLow, normalized) >>> (63 - shift);
        if (quotient != 0) {
            quotient--;
        }
        long productLow = quotient * divisorLow;
        long productHigh = unsignedMultiplyHigh(quotient, divisorLow) + quotient * divisorHigh;
        long restLow = dividendLow - productLow;
        long restHigh = dividendHigh - productHigh - (Long.compareUnsigned(dividendLow, productLow) < 0 ? 1 : 0);
        if (compareUnsigned(restHigh, restLow, divisorHigh, divisorLow) >= 0) {
            quotient++;
            long borrow = Long.compareUnsigned(restLow, divisorLow) < 0 ? 1 : 0;
            restLow -= divisorLow;
            restHigh = restHigh - divisorHigh - borrow;
        }
        set(0, quotient);
        remainderHigh = restHigh;
        remainderLow = restLow;
    }

    /**
     * (high:low) / divisor, unsigned, where {@code high < divisor} (unsigned), so that the quotient fits
     * 64 bits (Hacker's Delight, divlu: two steps of 32-bit long division).
     */
    private static long divide128By64(long high, long low, long divisor) {
        final long base = 1L << 32;
        int shift = Long.numberOfLeadingZeros(divisor);
        divisor <<= shift;
        long divisorHigh = divisor >>> 32;
        long divisorLow = divisor & 0xFFFF_FFFFL;
        long dividend32 = shift == 0 ? high : (high << shift) | (low >>> (64 - shift));
        long dividend10 = low << shift;
        long dividend1 = dividend10 >>> 32;
        long dividend0 = dividend10 & 0xFFFF_FFFFL;

        long quotient1 = Long.divideUnsigned(dividend32, divisorHigh);
        long rest = dividend32 - quotient1 * divisorHigh;
        while (Long.compareUnsigned(quotient1, base) >= 0
                || Long.compareUnsigned(quotient1 * divisorLow, base * rest + dividend1) > 0) {
            quotient1--;
            rest += divisorHigh;
            if (Long.compareUnsigned(rest, base) >= 0) {
                break;
            }
        }
        long dividend21 = dividend32 * base + dividend1 - quotient1 * divisor;
        long quotient0 = Long.divideUnsigned(dividend21, divisorHigh);
        rest = dividend21 - quotient0 * divisorHigh;
        while (Long.compareUnsigned(quotient0, base) >= 0
                || Long.compareUnsigned(quotient0 * divisorLow, base * rest + dividend0) > 0) {
            quotient0--;
            rest += divisorHigh;
            if (Long.compareUnsigned(rest, base) >= 0) {
                break;
            }
        }
        return quotient1 * base + quotient0;
    }
}
