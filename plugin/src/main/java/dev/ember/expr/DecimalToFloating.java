package dev.ember.expr;

import java.math.BigInteger;

/**
 * Decimals to double and float without BigDecimal, rounded correctly (to nearest, ties to even) as
 * {@link java.math.BigDecimal#doubleValue} and {@code floatValue} round them, which is what Spark's
 * {@code Decimal.toDouble} and {@code toFloat} use.
 */
final class DecimalToFloating {
    /**
     * The largest scale converted within 128 bits: the quotient of a value shifted to 127 bits by 5^scale
     * (at most 2.33 bits a digit) keeps at least 55 bits.
     */
    private static final int MAX_EXACT_SCALE = 30;
    /** 5^i for i in 0..{@value #MAX_EXACT_SCALE}, as (high, low) pairs. */
    private static final long[] POWERS_OF_FIVE_HIGH = new long[MAX_EXACT_SCALE + 1];
    private static final long[] POWERS_OF_FIVE_LOW = new long[MAX_EXACT_SCALE + 1];
    /** 10^i exactly, for i up to 22 (doubles) and 10 (floats): BigDecimal's own fast-path tables. */
    private static final double[] DOUBLE_POWERS_OF_TEN = new double[23];
    private static final float[] FLOAT_POWERS_OF_TEN = new float[11];

    static {
        for (int i = 0; i < DOUBLE_POWERS_OF_TEN.length; i++) {
            DOUBLE_POWERS_OF_TEN[i] = Double.parseDouble("1e" + i);
        }
        for (int i = 0; i < FLOAT_POWERS_OF_TEN.length; i++) {
            FLOAT_POWERS_OF_TEN[i] = Float.parseFloat("1e" + i);
        }
        for (int i = 0; i <= MAX_EXACT_SCALE; i++) {
            BigInteger five = BigInteger.valueOf(5).pow(i);
            POWERS_OF_FIVE_HIGH[i] = five.shiftRight(64).longValue();
            POWERS_OF_FIVE_LOW[i] = five.longValue();
        }
    }

    private DecimalToFloating() {}

    /**
     * The decimal of unscaled value (high, low) at {@code scale}, correctly rounded to a double, or NaN
     * when that needs more than 128 bits ({@code scale} above {@value #MAX_EXACT_SCALE}); callers then
     * take the slow path.
     */
    static double toDouble(long high, long low, int scale) {
        if (high == low >> 63 && low > -(1L << 52) && low < (1L << 52) && scale <= 22) {
            // both operands exact in a double, so the one division rounds correctly (BigDecimal's own fast path)
            return scale == 0 ? (double) low : (double) low / DOUBLE_POWERS_OF_TEN[scale];
        }
        return scaledBinary(high, low, scale, false);
    }

    /**
     * The decimal of unscaled value (high, low) at {@code scale}, correctly rounded to a float, or NaN when
     * that needs more than 128 bits or the result is a subnormal float; callers then take the slow path.
     */
    static float toFloat(long high, long low, int scale) {
        if (high == low >> 63 && low > -(1L << 22) && low < (1L << 22) && scale <= 10) {
            return scale == 0 ? (float) low : (float) low / FLOAT_POWERS_OF_TEN[scale];
        }
        return (float) scaledBinary(high, low, scale, true);
    }

    /**
     * value / 10^scale = (value / 5^scale) * 2^-scale: the quotient by 5^scale is taken to at least 55
     * bits with a sticky bit for the remainder (round to odd), so that one conversion from long rounds it
     * correctly to a double (53 bits) or a float (24 bits); the power of two is exact.
     */
    private static double scaledBinary(long high, long low, int scale, boolean toFloat) {
        if (scale > MAX_EXACT_SCALE) {
            return Double.NaN;
        }
        boolean negative = high < 0;
        long magnitudeHigh = high;
        long magnitudeLow = low;
        if (negative) {
            magnitudeLow = -low;
            magnitudeHigh = ~high + (magnitudeLow == 0 ? 1 : 0);
        }
        if ((magnitudeHigh | magnitudeLow) == 0) {
            return 0.0;
        }
        // shift the magnitude left so that it has 127 bits
        int leadingZeros = magnitudeHigh != 0 ? Long.numberOfLeadingZeros(magnitudeHigh)
                : 64 + Long.numberOfLeadingZeros(magnitudeLow);
        int shift = leadingZeros - 1;
        long shiftedHigh;
        long shiftedLow;
        if (shift >= 64) {
            shiftedHigh = magnitudeLow << (shift - 64);
            shiftedLow = 0;
        } else if (shift > 0) {
            shiftedHigh = (magnitudeHigh << shift) | (magnitudeLow >>> (64 - shift));
            shiftedLow = magnitudeLow << shift;
        } else {
            shiftedHigh = magnitudeHigh;
            shiftedLow = magnitudeLow;
        }
        Int128 quotient = new Int128();
        quotient.set(shiftedHigh, shiftedLow);
        quotient.divideUnsigned(POWERS_OF_FIVE_HIGH[scale], POWERS_OF_FIVE_LOW[scale]);
        boolean sticky = quotient.hasRemainder();
        // keep the top 62 bits of the quotient; everything below goes into the sticky bit
        int quotientBits = quotient.high != 0 ? 128 - Long.numberOfLeadingZeros(quotient.high)
                : 64 - Long.numberOfLeadingZeros(quotient.low);
        int drop = quotientBits - 62;
        long mantissa;
        if (drop <= 0) {
            mantissa = quotient.low << -drop;
        } else if (drop >= 64) {
            mantissa = quotient.high >>> (drop - 64);
            sticky |= quotient.low != 0 || (quotient.high & ((1L << (drop - 64)) - 1)) != 0;
        } else {
            mantissa = (quotient.low >>> drop) | (quotient.high << (64 - drop));
            sticky |= (quotient.low & ((1L << drop) - 1)) != 0;
        }
        if (sticky) {
            mantissa |= 1;
        }
        int exponent = drop - shift - scale;
        double result;
        if (toFloat) {
            float rounded = Math.scalb((float) mantissa, exponent);
            if (Math.abs(rounded) < Float.MIN_NORMAL) {
                return Double.NaN; // a second rounding to a subnormal float would not be exact
            }
            result = rounded;
        } else {
            result = Math.scalb((double) mantissa, exponent);
        }
        return negative ? -result : result;
    }
}
