package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.expr.Instruction;
import dev.ember.expr.Opcode;
import dev.ember.expr.Program;
import dev.ember.expr.ValueKind;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;

/**
 * The size of the arena in which {@code evaluate_program} writes the strings that UPPER, LOWER and
 * CONCAT make (see {@code arena_take} in {@code expression_strings.cuh}): the bytes the kernel may take
 * for a batch, bounded from above by the inputs' byte counts, so that the kernel never runs out.
 *
 * <p>Every string value of a program is at most a linear function of its row's input string lengths
 * plus a constant: an input column is its own length, a constant its byte count, SUBSTRING, UPPER,
 * LOWER, casts and TRY at most their operand, IF, CASE_WHEN and COALESCE at most one of their values
 * and CONCAT the sum (summing the operands bounds all of these). Summed over the rows of a batch, a
 * computed string takes at most {@code sum(coefficient * bytes of input column) + constant * rows}.
 * Stateless.
 */
final class ComputedStringArena {
    /** Bytes before the arena's data: the bump cursor and the capacity (two words). */
    static final int HEADER_BYTES = 2 * Long.BYTES;

    private ComputedStringArena() {}

    /** Whether the program computes strings at all (else the arena is empty). */
    static boolean computesStrings(Program program) {
        return program.instructions().stream().anyMatch(ComputedStringArena::isComputed);
    }

    /**
     * The arena bytes the program may take over rows {@code [0, rowCount)} of {@code inputs}, saturating at
     * {@link Long#MAX_VALUE}.
     */
    static long capacity(Program program, List<FieldVector> inputs, int rowCount) {
        requireNonNull(program, "program is null");
        int inputCount = program.inputTypes().size();
        long[] inputBytes = new long[inputCount];
        for (int ordinal = 0; ordinal < inputCount; ordinal++) {
            if (program.inputTypes().get(ordinal).kind() == ValueKind.STRING
                    && inputs.get(ordinal) instanceof BaseVariableWidthVector strings && rowCount > 0) {
                inputBytes[ordinal] = strings.getOffsetBuffer().getInt((long) rowCount * Integer.BYTES)
                        - strings.getOffsetBuffer().getInt(0);
            }
        }
        Deque<long[]> stack = new ArrayDeque<>();
        long total = 0;
        for (Instruction instruction : program.instructions()) {
            // bound[0 .. inputCount) are the coefficients of the input lengths, bound[inputCount] the constant
            long[] bound = new long[inputCount + 1];
            for (int i = 0; i < instruction.operandCount(); i++) {
                long[] operand = stack.pop();
                for (int j = 0; j < bound.length; j++) {
                    bound[j] = saturatedAdd(bound[j], operand[j]);
                }
            }
            if (instruction.type().kind() != ValueKind.STRING) {
                bound = new long[inputCount + 1];
            } else if (instruction.opcode() == Opcode.INPUT) {
                bound[(int) instruction.longAt(0)] = 1;
            } else if (instruction.opcode() == Opcode.LITERAL) {
                bound[inputCount] = instruction.hasFlag(Instruction.FLAG_NULL_CONSTANT) ? 0 : instruction.stringAt(0).length;
            }
            if (isComputed(instruction)) {
                for (int ordinal = 0; ordinal < inputCount; ordinal++) {
                    total = saturatedAdd(total, saturatedMultiply(bound[ordinal], inputBytes[ordinal]));
                }
                total = saturatedAdd(total, saturatedMultiply(bound[inputCount], rowCount));
            }
            stack.push(bound);
        }
        return total;
    }

    private static boolean isComputed(Instruction instruction) {
        Opcode opcode = instruction.opcode();
        return opcode == Opcode.UPPER || opcode == Opcode.LOWER || opcode == Opcode.CONCAT;
    }

    private static long saturatedAdd(long left, long right) {
        long sum = left + right;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long left, long right) {
        return left != 0 && right > Long.MAX_VALUE / left ? Long.MAX_VALUE : left * right;
    }
}
