package dev.ember.expr;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Parsing of UTF-8 strings into numbers and booleans the way Spark's casts parse them. */
final class StringParsing {
    private StringParsing() {}

    /** Spark trims blanks and ASCII control characters (bytes up to the space, and DEL). */
    private static boolean isTrimmed(byte value) {
        return (value >= 0 && value <= ' ') || value == 0x7F;
    }

    /**
     * An integral number: optional blanks, an optional sign, decimal digits, optional blanks. With
     * {@code allowFraction} (Spark's legacy casts) a '.' and more digits may follow the digits and
     * are dropped; "." alone and ".5" then parse as 0, as Spark's do.
     *
     * @throws NumberFormatException when the text is not such a number or does not fit an int
     *     ({@code asLong} false) or a long
     */
    static long parseIntegral(byte[] text, boolean asLong, boolean allowFraction) {
        int start = 0;
        int end = text.length - 1;
        while (start <= end && isTrimmed(text[start])) {
            start++;
        }
        while (end > start && isTrimmed(text[end])) {
            end--;
        }
        if (start > end) {
            throw new NumberFormatException("empty");
        }
        boolean negative = text[start] == '-';
        if (negative || text[start] == '+') {
            if (start == end) {
                throw new NumberFormatException("sign only");
            }
            start++;
        }
        long limit = asLong ? Long.MIN_VALUE : Integer.MIN_VALUE;
        long stop = limit / 10;
        long result = 0;
        int index = start;
        while (index <= end) {
            byte current = text[index++];
            if (current == '.' && allowFraction) {
                break;
            }
            if (current < '0' || current > '9') {
                throw new NumberFormatException("not a digit");
            }
            if (result < stop) {
                throw new NumberFormatException("overflow");
            }
            result = result * 10 - (current - '0');
            if (result > 0 || result < limit) {
                throw new NumberFormatException("overflow");
            }
        }
        while (index <= end) {
            byte current = text[index++];
            if (current < '0' || current > '9') {
                throw new NumberFormatException("not a digit");
            }
        }
        if (!negative) {
            result = -result;
            if (result < 0) {
                throw new NumberFormatException("overflow");
            }
        }
        return result;
    }

    /** 1 for a true word, 0 for a false word, -1 for anything else (after trimming, any case). */
    static int parseBoolean(byte[] text) {
        int start = 0;
        int end = text.length;
        while (start < end && isTrimmed(text[start])) {
            start++;
        }
        while (end > start && isTrimmed(text[end - 1])) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (text[i] < 0) {
                return -1;
            }
        }
        String word = new String(text, start, end - start, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        return switch (word) {
            case "t", "true", "y", "yes", "1" -> 1;
            case "f", "false", "n", "no", "0" -> 0;
            default -> -1;
        };
    }

    /** Java's floating point syntax, plus Spark's words for infinity and NaN; null when invalid. */
    static Double parseFloating(byte[] text, boolean asFloat) {
        String string = new String(text, StandardCharsets.UTF_8);
        try {
            return asFloat ? (double) Float.parseFloat(string) : Double.parseDouble(string);
        } catch (NumberFormatException e) {
            return switch (string.trim().toLowerCase(Locale.ROOT)) {
                case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
                case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
                case "nan" -> Double.NaN;
                default -> null;
            };
        }
    }

    /** A decimal in Java's BigDecimal syntax after trimming; null when invalid or wider than 38 integral digits. */
    static BigDecimal parseDecimal(byte[] text) {
        BigDecimal value;
        try {
            value = new BigDecimal(new String(text, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return null;
        }
        if (value.precision() - value.scale() > 38) {
            return null;
        }
        return value.scale() < 0 ? value.setScale(0) : value;
    }

    /**
     * A date in Spark's cast syntax: optional blanks, an optional sign, a year of 4 to 7 digits,
     * optionally "-" and a month of 1 or 2 digits, optionally "-" and a day of 1 or 2 digits; after a
     * full date, a blank or 'T' may start anything. Days since the epoch, or null when invalid.
     */
    static Long parseDate(byte[] text) {
        int start = 0;
        int end = text.length;
        while (start < end && isTrimmed(text[start])) {
            start++;
        }
        while (end > start && isTrimmed(text[end - 1])) {
            end--;
        }
        if (start == end) {
            return null;
        }
        int sign = 1;
        if (text[start] == '-' || text[start] == '+') {
            sign = text[start] == '-' ? -1 : 1;
            start++;
        }
        int[] segments = {1, 1, 1};
        int segment = 0;
        int value = 0;
        int digits = 0;
        int index = start;
        while (index < end && segment < 3 && text[index] != ' ' && text[index] != 'T') {
            byte current = text[index];
            if (segment < 2 && current == '-') {
                if (!validDigits(segment, digits)) {
                    return null;
                }
                segments[segment++] = value;
                value = 0;
                digits = 0;
            } else if (current < '0' || current > '9') {
                return null;
            } else {
                value = value * 10 + (current - '0');
                digits++;
            }
            index++;
        }
        if (!validDigits(segment, digits) || (segment < 2 && index < end)) {
            return null;
        }
        segments[segment] = value;
        try {
            return java.time.LocalDate.of(sign * segments[0], segments[1], segments[2]).toEpochDay();
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static boolean validDigits(int segment, int digits) {
        return segment == 0 ? digits >= 4 && digits <= 7 : digits > 0 && digits <= 2;
    }
}
