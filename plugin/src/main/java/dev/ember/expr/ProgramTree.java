package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A program's postfix instructions seen as the expression tree they encode, run by the host interpreter
 * one operand subtree at a time, so that AND and OR can be lazy.
 *
 * <p>A chain of ANDs (or of ORs) is flattened into its operands in Spark's evaluation order, and each
 * operand runs only on the rows that the operands before it left undecided: a filter's later conjuncts
 * see only the rows its earlier ones kept. That is Spark's own rule ({@code And.eval} evaluates its
 * right side only when the left is not false, {@code Or.eval} only when it is not true), so an error of
 * a later operand is raised exactly where Spark raises it, and the work shrinks with the selectivity.
 * Operands that are an input's null check or its comparison with a constant narrow the undecided rows
 * straight from the Arrow buffers ({@link NarrowingLeaves}). Every other instruction evaluates its operands
 * over all of its rows, as the stack machine did, except the null checks and string matches of an input
 * that {@link InputPredicates} answers from Arrow directly.
 *
 * <p>Immutable; built once per program and interpreter call.
 */
final class ProgramTree {
    private final Program program;
    private final List<Instruction> instructions;
    /** For each instruction, the index of the first instruction of the subtree it ends. */
    private final int[] subtreeStart;
    /** For each instruction, its subtree compiled for {@link NarrowingLeaves}, or null. */
    private final NarrowingLeaves.Leaf[] leaves;

    ProgramTree(Program program) {
        this.program = requireNonNull(program, "program is null");
        this.instructions = program.instructions();
        this.subtreeStart = new int[instructions.size()];
        int[] stack = new int[instructions.size()];
        int depth = 0;
        for (int at = 0; at < instructions.size(); at++) {
            int operandCount = instructions.get(at).operandCount();
            if (operandCount > depth) {
                throw new IllegalStateException("malformed program pops an empty stack: " + program);
            }
            depth -= operandCount;
            subtreeStart[at] = operandCount == 0 ? at : stack[depth];
            stack[depth++] = subtreeStart[at];
        }
        if (depth != 1) {
            throw new IllegalStateException("malformed program leaves " + depth + " columns: " + program);
        }
        this.leaves = new NarrowingLeaves.Leaf[instructions.size()];
        for (int at = 0; at < instructions.size(); at++) {
            leaves[at] = NarrowingLeaves.compile(instructions, subtreeStart, at);
        }
    }

    /** How many of the program's instructions end a subtree that {@link NarrowingLeaves} runs (for tests). */
    int narrowingLeaves() {
        int count = 0;
        for (NarrowingLeaves.Leaf leaf : leaves) {
            count += leaf == null ? 0 : 1;
        }
        return count;
    }

    /** Runs the program over the rows of {@code rows} and returns its result column. */
    Column evaluate(SharedColumns rows) {
        return evaluate(instructions.size() - 1, rows);
    }

    private Column evaluate(int at, SharedColumns rows) {
        Instruction instruction = instructions.get(at);
        if (instruction.opcode() == Opcode.AND || instruction.opcode() == Opcode.OR) {
            return lazyAndOr(at, rows);
        }
        Column answered = InputPredicates.tryEvaluate(instructions, subtreeStart, at, rows);
        if (answered != null) {
            return answered;
        }
        int[] ends = operandEnds(at);
        Column[] operands = new Column[ends.length];
        for (int i = 0; i < ends.length; i++) {
            operands[i] = evaluate(ends[i], rows);
        }
        return HostInterpreter.execute(instruction, Arrays.asList(operands), rows);
    }

    /** The last instruction of each operand subtree of the instruction at {@code at}, in operand order. */
    private int[] operandEnds(int at) {
        int[] ends = new int[instructions.get(at).operandCount()];
        int end = at - 1;
        for (int i = ends.length - 1; i >= 0; i--) {
            ends[i] = end;
            end = subtreeStart[end] - 1;
        }
        return ends;
    }

    /** Adds the operands of the chain of {@code opcode}s ending at {@code at}, left to right. */
    private void flatten(Opcode opcode, int at, List<Integer> operands) {
        if (instructions.get(at).opcode() != opcode) {
            operands.add(at);
            return;
        }
        for (int end : operandEnds(at)) {
            flatten(opcode, end, operands);
        }
    }

    /**
     * AND or OR of the flattened chain ending at {@code at}, with three-valued logic: a row is decided
     * by the first operand that is false (AND) or true (OR), or poisoned by the first that fails; later
     * operands never run on it. A row no operand decided is null when one of them was null, else true
     * (AND) or false (OR).
     */
    private Column lazyAndOr(int at, SharedColumns rows) {
        Opcode opcode = instructions.get(at).opcode();
        List<Integer> operands = new ArrayList<>();
        flatten(opcode, at, operands);
        long deciding = opcode == Opcode.AND ? 0 : 1;
        int size = rows.size();
        Column out = new Column(ValueType.BOOLEAN, size);
        // the undecided rows, as positions in rows; the view over them is rebuilt when they shrink
        int[] undecided = new int[size];
        for (int row = 0; row < size; row++) {
            undecided[row] = row;
        }
        int count = size;
        SharedColumns view = rows;
        for (int operand : operands) {
            if (count == 0) {
                break;
            }
            int narrowed = leaves[operand] == null ? -1
                    : leaves[operand].narrow(rows, undecided, count, out, deciding);
            if (narrowed >= 0) {
                if (narrowed != count) {
                    count = narrowed;
                    view = null;
                }
                continue;
            }
            if (view == null) {
                view = rows.select(undecided, count);
            }
            Column value = evaluate(operand, view);
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int row = undecided[i];
                if (value.poison[i]) {
                    // Spark raises this row's error here; no later operand runs on it
                    out.poison[row] = true;
                    out.nulls[row] = false;
                } else if (value.nulls[i]) {
                    out.nulls[row] = true;
                    undecided[kept++] = row;
                } else if (value.longs[i] == deciding) {
                    out.nulls[row] = false;
                    out.longs[row] = deciding;
                } else {
                    undecided[kept++] = row;
                }
            }
            if (kept != count) {
                count = kept;
                view = null;
            }
        }
        for (int i = 0; i < count; i++) {
            int row = undecided[i];
            if (!out.nulls[row]) {
                out.longs[row] = 1 - deciding;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "ProgramTree[" + program + "]";
    }
}
