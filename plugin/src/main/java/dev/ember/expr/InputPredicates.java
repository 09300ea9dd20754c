package dev.ember.expr;

import java.util.List;

/**
 * Predicates on an input column that the host interpreter answers from the Arrow buffers themselves,
 * without reading the column into an interpreter {@link Column}: {@code IS_NULL} and {@code IS_NOT_NULL}
 * of an input (its validity bits only), and a string input {@code = 'constant'} or {@code IN} a short
 * list of constants (compared in place, with no {@code byte[]} per value). These are the leaves of most
 * filters (Spark adds a null check for every column a filter compares; TPC-H q12 and q19 compare strings
 * with constants), and reading a string column for them was most of their cost.
 *
 * <p>The answers are those of the general loops ({@link PredicateLoops}): the same null rules, and
 * strings equal when their UTF-8 bytes are (the UTF8_BINARY collation). Inputs and constants never fail,
 * so no row is poisoned. Where an input is already read for the current rows, the general loop runs.
 */
final class InputPredicates {
    /** Longer lists go through the general loop's hash set. */
    private static final int LIST_LIMIT = 8;

    private InputPredicates() {}

    /**
     * The result of the instruction at {@code at} over the rows of {@code rows} when it has one of the
     * shapes above, else null.
     *
     * @param subtreeStart for each instruction, the first instruction of the subtree it ends
     */
    static Column tryEvaluate(List<Instruction> instructions, int[] subtreeStart, int at, SharedColumns rows) {
        Instruction instruction = instructions.get(at);
        switch (instruction.opcode()) {
            case IS_NULL, IS_NOT_NULL -> {
                int ordinal = inputOrdinal(instructions.get(at - 1));
                if (ordinal < 0 || rows.hasRead(ordinal)) {
                    return null;
                }
                boolean[] nulls = rows.inputNulls(ordinal);
                long wanted = instruction.opcode() == Opcode.IS_NULL ? 1 : 0;
                Column out = new Column(ValueType.BOOLEAN, nulls.length);
                for (int row = 0; row < nulls.length; row++) {
                    out.longs[row] = nulls[row] ? wanted : 1 - wanted;
                }
                return out;
            }
            case EQUAL -> {
                if (subtreeStart[at - 1] != at - 1) {
                    return null;
                }
                // the right operand is one instruction, so the left one ends just before it
                Instruction right = instructions.get(at - 1);
                Instruction left = instructions.get(at - 2);
                Instruction input = inputOrdinal(left) >= 0 ? left : right;
                Instruction constant = input == left ? right : left;
                if (!isStringConstant(constant)) {
                    return null;
                }
                return matches(input, new byte[][] {constant.stringAt(0)}, false, rows);
            }
            case IN, IN_SET -> {
                if (instruction.stringCount() > LIST_LIMIT) {
                    return null;
                }
                byte[][] candidates = new byte[instruction.stringCount()][];
                for (int i = 0; i < candidates.length; i++) {
                    candidates[i] = instruction.stringAt(i);
                }
                return matches(instructions.get(at - 1), candidates,
                        instruction.hasFlag(Instruction.FLAG_LIST_HAS_NULL), rows);
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code input} IN {@code candidates}, when {@code input} is a string input not yet read, else null. */
    private static Column matches(Instruction input, byte[][] candidates, boolean listHasNull, SharedColumns rows) {
        int ordinal = inputOrdinal(input);
        if (ordinal < 0 || input.type().kind() != ValueKind.STRING || rows.hasRead(ordinal)) {
            return null;
        }
        Column out = new Column(ValueType.BOOLEAN, rows.size());
        rows.matchStrings(ordinal, candidates, out);
        if (listHasNull) {
            // not found in a list that holds a null: null, as IN says
            for (int row = 0; row < out.size; row++) {
                if (out.longs[row] == 0) {
                    out.nulls[row] = true;
                }
            }
        }
        return out;
    }

    /** The ordinal an {@code INPUT} instruction reads, or -1 for another instruction. */
    private static int inputOrdinal(Instruction instruction) {
        return instruction.opcode() == Opcode.INPUT ? (int) instruction.longAt(0) : -1;
    }

    private static boolean isStringConstant(Instruction instruction) {
        return instruction.opcode() == Opcode.LITERAL && instruction.type().kind() == ValueKind.STRING
                && !instruction.hasFlag(Instruction.FLAG_NULL_CONSTANT) && instruction.stringCount() == 1;
    }
}
