package dev.ember.expr;

import java.util.List;
import org.apache.spark.sql.catalyst.util.CollationSupport;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * UPPER, LOWER and CONCAT: the string loops whose results are new bytes rather than parts of their
 * operands (the CUDA kernel writes them into an arena; see {@code ComputedStringArena}).
 */
final class ComputedStringLoops {
    /** Spark's id of the UTF8_BINARY collation, the only one Ember's columns carry. */
    private static final int UTF8_BINARY = 0;

    private ComputedStringLoops() {}

    /**
     * UPPER and LOWER: ASCII strings map A-Z and a-z byte by byte, which is what Spark's
     * {@code UTF8String.toUpperCase}/{@code toLowerCase} (and its ICU path) do for them; any other
     * string goes through Spark's own {@code CollationSupport.Upper/Lower.exec}, with the session's
     * {@code spark.sql.icu.caseMappings.enabled} captured at compile time ({@code longs[0]}), so
     * non-ASCII text gets exactly Spark's answer.
     */
    static Column changeCase(Instruction instruction, Column value) {
        boolean upper = instruction.opcode() == Opcode.UPPER;
        boolean useIcu = instruction.longAt(0) != 0;
        Column out = new Column(instruction.type(), value.size);
        for (int row = 0; row < out.size; row++) {
            if (!Rows.unary(value, out, row)) {
                continue;
            }
            byte[] text = value.strings[row];
            byte[] changed = asciiCase(text, upper);
            if (changed == null) {
                UTF8String input = UTF8String.fromBytes(text);
                UTF8String result = upper ? CollationSupport.Upper.exec(input, UTF8_BINARY, useIcu)
                        : CollationSupport.Lower.exec(input, UTF8_BINARY, useIcu);
                changed = result.getBytes();
            }
            out.strings[row] = changed;
        }
        return out;
    }

    /** The ASCII case mapping of {@code text}, or null when it holds a byte outside ASCII. */
    private static byte[] asciiCase(byte[] text, boolean upper) {
        byte[] changed = new byte[text.length];
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b < 0) {
                return null;
            }
            if (upper && b >= 'a' && b <= 'z') {
                b = (byte) (b - ('a' - 'A'));
            } else if (!upper && b >= 'A' && b <= 'Z') {
                b = (byte) (b + ('a' - 'A'));
            }
            changed[i] = b;
        }
        return changed;
    }

    /**
     * CONCAT: Spark evaluates every operand, in order (so any operand's error is raised), and the
     * result is null when one of them is null.
     */
    static Column concat(ValueType type, List<Column> operands, int size) {
        Column out = new Column(type, size);
        for (int row = 0; row < size; row++) {
            boolean isNull = false;
            int length = 0;
            for (Column operand : operands) {
                if (operand.poison[row]) {
                    out.poison[row] = true;
                    break;
                }
                if (operand.nulls[row]) {
                    isNull = true;
                } else {
                    length += operand.strings[row].length;
                }
            }
            if (out.poison[row]) {
                continue;
            }
            if (isNull) {
                out.nulls[row] = true;
                continue;
            }
            byte[] joined = new byte[length];
            int at = 0;
            for (Column operand : operands) {
                byte[] part = operand.strings[row];
                System.arraycopy(part, 0, joined, at, part.length);
                at += part.length;
            }
            out.strings[row] = joined;
        }
        return out;
    }
}
