package dev.ember.device.conformance;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;

/**
 * Seeded string values for the checks of min, max, first and last over strings, made of what an unsigned
 * byte compare gets wrong first: nulls, the empty string, zero bytes (inside and at the end), the bytes
 * 0x7F, 0x80 and 0xFF (the sign boundary of a signed compare), multi-byte characters, strings that are
 * prefixes of others, long strings (over 256 bytes) that share all but their last byte, and many repeats.
 */
final class FoldStrings {

    private static final byte[][] POOL = {
        bytes(""), bytes("a"), bytes("ab"), bytes("abc"), {0}, {'a', 0}, {'a', 0, 'b'}, {0, 0}, {0x7F}, {(byte) 0x80},
        {(byte) 0xFF}, {(byte) 0xFF, (byte) 0xFF}, {'a', (byte) 0xFF}, {'a', (byte) 0x80}, bytes("é"), bytes("日本語"),
        bytes("😀"), bytes("x".repeat(300)), bytes("x".repeat(300) + "y"), bytes("x".repeat(299) + "y"),
        bytes("x".repeat(257)), bytes("x".repeat(300) + "\u0000"), bytes("x".repeat(256) + "é"),
    };

    private FoldStrings() {}

    /**
     * A column of {@code rows} strings drawn with {@code random}: about one in seven null, half from the edge
     * pool, the rest random bytes of length 0 to 40 (sometimes 260 to 600) over a small alphabet that holds 0,
     * 0x7F, 0x80 and 0xFF, so equal and prefix-sharing strings are common. Owned by the caller.
     */
    static VarCharVector column(Random random, int rows, BufferAllocator allocator) {
        VarCharVector vector = new VarCharVector("strings", allocator);
        try {
            vector.allocateNew(Math.max(rows, 1));
            byte[] alphabet = {0, 'a', 'b', 0x7F, (byte) 0x80, (byte) 0xC3, (byte) 0xA9, (byte) 0xFF};
            for (int row = 0; row < rows; row++) {
                int draw = random.nextInt(14);
                if (draw < 2) {
                    vector.setNull(row);
                } else if (draw < 8) {
                    vector.setSafe(row, POOL[random.nextInt(POOL.length)]);
                } else {
                    int length = random.nextInt(10) == 0 ? 260 + random.nextInt(341) : random.nextInt(41);
                    byte[] text = new byte[length];
                    for (int i = 0; i < length; i++) {
                        text[i] = alphabet[random.nextInt(i < 2 ? 2 : alphabet.length)];
                    }
                    vector.setSafe(row, text);
                }
            }
            vector.setValueCount(rows);
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
