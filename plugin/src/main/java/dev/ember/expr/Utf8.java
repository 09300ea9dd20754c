package dev.ember.expr;

import java.util.Arrays;

/**
 * UTF-8 string operations on raw bytes, counting characters the way Spark's {@code UTF8String}
 * does: by the length that each lead byte announces.
 */
final class Utf8 {
    static final byte[] EMPTY = new byte[0];

    private Utf8() {}

    /** The byte length of the character that starts with {@code lead}; 1 for bytes that cannot lead. */
    static int characterLength(byte lead) {
        int value = lead & 0xFF;
        if (value < 0xC2) {
            return 1;
        } else if (value < 0xE0) {
            return 2;
        } else if (value < 0xF0) {
            return 3;
        } else if (value < 0xF5) {
            return 4;
        }
        return 1;
    }

    /** The number of characters. */
    static int length(byte[] text) {
        int characters = 0;
        for (int i = 0; i < text.length; i += characterLength(text[i])) {
            characters++;
        }
        return characters;
    }

    /** Characters {@code [start, until)} (0-based); empty when the range is empty. */
    static byte[] substring(byte[] text, int start, int until) {
        if (until <= start || start >= text.length) {
            return EMPTY;
        }
        int index = 0;
        int character = 0;
        while (index < text.length && character < start) {
            index += characterLength(text[index]);
            character++;
        }
        int begin = index;
        while (index < text.length && character < until) {
            index += characterLength(text[index]);
            character++;
        }
        return index > begin ? Arrays.copyOfRange(text, begin, Math.min(index, text.length)) : EMPTY;
    }

    /**
     * SQL's {@code substring(text, position, length)}: positions count characters from 1; 0 acts as
     * 1; a negative position counts from the end; the length clips at both ends.
     */
    static byte[] substringSql(byte[] text, int position, int length) {
        int characters = length(text);
        int start = position > 0 ? position - 1 : position < 0 ? characters + position : 0;
        long end = (long) start + length;
        int clippedEnd = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, end));
        start = Math.max(start, 0);
        if (start >= clippedEnd) {
            return EMPTY;
        }
        return substring(text, start, clippedEnd);
    }

    static boolean startsWith(byte[] text, byte[] prefix) {
        return prefix.length <= text.length && Arrays.equals(text, 0, prefix.length, prefix, 0, prefix.length);
    }

    static boolean endsWith(byte[] text, byte[] suffix) {
        int from = text.length - suffix.length;
        return from >= 0 && Arrays.equals(text, from, text.length, suffix, 0, suffix.length);
    }

    static boolean contains(byte[] text, byte[] part) {
        if (part.length == 0) {
            return true;
        }
        int last = text.length - part.length;
        for (int from = 0; from <= last; from++) {
            if (text[from] == part[0] && Arrays.equals(text, from, from + part.length, part, 0, part.length)) {
                return true;
            }
        }
        return false;
    }
}
