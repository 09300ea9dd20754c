package dev.ember.expr;

import java.math.BigDecimal;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Operands of a lazy AND or OR chain that {@link ProgramTree} runs straight over the Arrow buffers of the
 * still-undecided rows, narrowing them in place instead of building operand and result columns: an
 * input's {@code IS_NULL} / {@code IS_NOT_NULL}, and an input compared ({@code =}, {@code <},
 * {@code <=}, {@code >}, {@code >=}) with a non-null constant of its own type, for integral values,
 * dates, timestamps, decimals of up to 18 digits and floating values. These are the conjuncts of most
 * scan filters (TPC-H q6's date and decimal ranges with Spark's null checks), where the general path
 * read each input into a {@link Column}, expanded the constant into another and wrote a third.
 *
 * <p>The answers are the general loops' ({@link PredicateLoops}, {@link Comparisons}): null when the input
 * is null, floating values in Spark's order ({@code NaN} equal to itself and above every other value,
 * {@code -0.0} equal to {@code 0.0}). Neither shape can fail, so running one changes no error Spark
 * would raise. Stateless.
 */
final class NarrowingLeaves {
    /** Bits of an accepting mask: the comparison holds when the value is below, equal to, or above the constant. */
    private static final int BELOW = 1;
    private static final int EQUAL = 2;
    private static final int ABOVE = 4;

    private NarrowingLeaves() {}

    /**
     * The operand whose subtree ends at {@code at}, compiled for narrowing when it has one of the shapes
     * above, else null.
     *
     * @param subtreeStart for each instruction, the first instruction of the subtree it ends
     */
    static Leaf compile(List<Instruction> instructions, int[] subtreeStart, int at) {
        Instruction instruction = instructions.get(at);
        Opcode opcode = instruction.opcode();
        if (opcode == Opcode.IS_NULL || opcode == Opcode.IS_NOT_NULL) {
            int ordinal = at > 0 ? inputOrdinal(instructions.get(at - 1)) : -1;
            // IS_NULL holds for a null (validity bit 0): with the comparison mask, "below" is null here
            return ordinal < 0 ? null : new Leaf(Shape.NULL_CHECK, ordinal, 0,
                    opcode == Opcode.IS_NULL ? BELOW : ABOVE, 0, 0);
        }
        int mask = switch (opcode) {
            case EQUAL -> EQUAL;
            case LESS_THAN -> BELOW;
            case LESS_THAN_OR_EQUAL -> BELOW | EQUAL;
            case GREATER_THAN -> ABOVE;
            case GREATER_THAN_OR_EQUAL -> ABOVE | EQUAL;
            default -> 0;
        };
        // both operands must be single instructions: the right one ends at at - 1, the left one at at - 2
        if (mask == 0 || at < 2 || subtreeStart[at - 1] != at - 1 || subtreeStart[at - 2] != at - 2) {
            return null;
        }
        Instruction left = instructions.get(at - 2);
        Instruction right = instructions.get(at - 1);
        Instruction input = left;
        Instruction constant = right;
        if (inputOrdinal(left) < 0) {
            input = right;
            constant = left;
            // constant OP value is value OP' constant with the sides of the order swapped
            mask = (mask & EQUAL) | ((mask & BELOW) != 0 ? ABOVE : 0) | ((mask & ABOVE) != 0 ? BELOW : 0);
        }
        int ordinal = inputOrdinal(input);
        if (ordinal < 0 || constant.opcode() != Opcode.LITERAL || constant.hasFlag(Instruction.FLAG_NULL_CONSTANT)) {
            return null;
        }
        ValueType type = input.type();
        ValueType constantType = constant.type();
        ValueKind kind = type.kind();
        if (kind.isFloating() && constantType.kind() == kind) {
            return new Leaf(Shape.DOUBLES, ordinal, kind == ValueKind.FLOAT ? 4 : 8, mask, 0, constant.doubleAt(0));
        }
        if (kind == ValueKind.DECIMAL) {
            if (constantType.kind() != ValueKind.DECIMAL || type.precision() > 18
                    || constantType.scale() != type.scale()) {
                return null;
            }
            BigDecimal decimal = constant.decimalAt(0);
            if (decimal.scale() != type.scale() || decimal.unscaledValue().bitLength() > 63) {
                return null;
            }
            // decimals of up to 18 digits are their low 8 little-endian bytes
            return new Leaf(Shape.LONGS, ordinal, 16, mask, decimal.unscaledValue().longValue(), 0);
        }
        if (kind.isStoredAsLong() && kind != ValueKind.BOOLEAN && constantType.equals(type)) {
            return new Leaf(Shape.LONGS, ordinal, longWidth(kind), mask, constant.longAt(0), 0);
        }
        return null;
    }

    private enum Shape { NULL_CHECK, LONGS, DOUBLES }

    /**
     * One compiled operand: its shape, the input it reads (of {@code width} bytes a value), the comparison
     * as a mask of {@link #BELOW}, {@link #EQUAL}, {@link #ABOVE}, and the constant.
     */
    record Leaf(Shape shape, int ordinal, int width, int mask, long longConstant, double doubleConstant) {
        /**
         * Runs this operand over the rows {@code undecided[0 .. count)} of {@code rows}: a row whose
         * operand value equals {@code deciding} (0 for AND, 1 for OR) is decided in {@code out} (not null,
         * that value); a row whose value is null is marked null in {@code out} and stays undecided, as does
         * a row with the other value.
         *
         * @return the number of rows still undecided, now first in {@code undecided} in their order; or
         *     -1, having changed nothing, when the input vector is not laid out as expected
         */
        int narrow(SharedColumns rows, int[] undecided, int count, Column out, long deciding) {
            FieldVector vector = rows.inputVector(ordinal);
            if (shape == Shape.NULL_CHECK) {
                return narrowNullChecks(vector, rows, undecided, count, out, deciding, mask);
            }
            if (!(vector instanceof BaseFixedWidthVector fixed) || fixed.getTypeWidth() != width) {
                return -1;
            }
            return shape == Shape.LONGS
                    ? narrowLongs(fixed, width, longConstant, rows, undecided, count, out, deciding, mask)
                    : narrowDoubles(fixed, width, doubleConstant, rows, undecided, count, out, deciding, mask);
        }
    }

    private static int longWidth(ValueKind kind) {
        return switch (kind) {
            case BYTE -> 1;
            case SHORT -> 2;
            case INT, DATE -> 4;
            default -> 8;
        };
    }

    private static int narrowNullChecks(FieldVector vector, SharedColumns rows, int[] undecided, int count,
            Column out, long deciding, int mask) {
        long validity = validityAddress(vector, rows);
        int[] inputRows = rows.inputRows();
        int start = rows.start();
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int row = undecided[i];
            int inputRow = inputRows == null ? start + row : inputRows[row];
            int order = ColumnIo.bit(validity, inputRow) ? ABOVE : BELOW;
            kept = decide(undecided, kept, row, (mask & order) != 0, out, deciding);
        }
        return kept;
    }

    private static int narrowLongs(BaseFixedWidthVector vector, int width, long constant, SharedColumns rows,
            int[] undecided, int count, Column out, long deciding, int mask) {
        long validity = validityAddress(vector, rows);
        long data = dataAddress(vector, rows, width);
        int[] inputRows = rows.inputRows();
        int start = rows.start();
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int row = undecided[i];
            int inputRow = inputRows == null ? start + row : inputRows[row];
            if (!ColumnIo.bit(validity, inputRow)) {
                out.nulls[row] = true;
                undecided[kept++] = row;
                continue;
            }
            long at = data + (long) inputRow * width;
            // decimals of up to 18 digits are their low 8 little-endian bytes
            long value = switch (width) {
                case 1 -> MemoryUtil.getByte(at);
                case 2 -> MemoryUtil.getShort(at);
                case 4 -> MemoryUtil.getInt(at);
                default -> MemoryUtil.getLong(at);
            };
            int order = value < constant ? BELOW : value == constant ? EQUAL : ABOVE;
            kept = decide(undecided, kept, row, (mask & order) != 0, out, deciding);
        }
        return kept;
    }

    private static int narrowDoubles(BaseFixedWidthVector vector, int width, double constant, SharedColumns rows,
            int[] undecided, int count, Column out, long deciding, int mask) {
        long validity = validityAddress(vector, rows);
        long data = dataAddress(vector, rows, width);
        int[] inputRows = rows.inputRows();
        int start = rows.start();
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int row = undecided[i];
            int inputRow = inputRows == null ? start + row : inputRows[row];
            if (!ColumnIo.bit(validity, inputRow)) {
                out.nulls[row] = true;
                undecided[kept++] = row;
                continue;
            }
            long at = data + (long) inputRow * width;
            double value = width == 4 ? Float.intBitsToFloat(MemoryUtil.getInt(at))
                    : Double.longBitsToDouble(MemoryUtil.getLong(at));
            int compared = Comparisons.compareDoubles(value, constant);
            int order = compared < 0 ? BELOW : compared == 0 ? EQUAL : ABOVE;
            kept = decide(undecided, kept, row, (mask & order) != 0, out, deciding);
        }
        return kept;
    }

    /** Decides {@code row} when {@code holds} is its deciding value, else keeps it undecided; the new kept count. */
    private static int decide(int[] undecided, int kept, int row, boolean holds, Column out, long deciding) {
        if ((holds ? 1 : 0) == deciding) {
            out.nulls[row] = false;
            out.longs[row] = deciding;
            return kept;
        }
        undecided[kept] = row;
        return kept + 1;
    }

    /** The validity bits' address, checked to cover every input row of {@code rows}. */
    private static long validityAddress(FieldVector vector, SharedColumns rows) {
        ArrowBuf buffer = vector.getValidityBuffer();
        ColumnIo.requireCapacity(buffer, ((long) rows.lastInputRow() >>> 3) + 1, vector);
        return buffer.memoryAddress();
    }

    /** The values' address, checked to cover every input row of {@code rows}. */
    private static long dataAddress(BaseFixedWidthVector vector, SharedColumns rows, int width) {
        ArrowBuf buffer = vector.getDataBuffer();
        ColumnIo.requireCapacity(buffer, ((long) rows.lastInputRow() + 1) * width, vector);
        return buffer.memoryAddress();
    }

    /** The ordinal an {@code INPUT} instruction reads, or -1 for another instruction. */
    private static int inputOrdinal(Instruction instruction) {
        return instruction.opcode() == Opcode.INPUT ? (int) instruction.longAt(0) : -1;
    }
}
