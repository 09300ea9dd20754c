package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * Runs a {@link Program} on the CPU, column at a time over chunks of {@value #CHUNK_ROWS} rows: each
 * instruction takes its operand columns and makes one result column, with one loop over the chunk's rows;
 * AND and OR run their later operands only on the rows still undecided ({@link ProgramTree}).
 *
 * <p>Errors: every column carries a poison flag per row (see {@link Column}). When the result of a
 * chunk has a poisoned row, the first such row is replayed through Spark's own evaluation of the
 * program's bound expression, which throws Spark's exception for it (see {@link ErrorReplay}).
 *
 * <p>Thread-safe: no state outside one call.
 */
public final class HostInterpreter {
    /** Rows per chunk: large enough to amortize the dispatch, small enough to stay in cache. */
    static final int CHUNK_ROWS = 2048;

    private HostInterpreter() {}

    /**
     * Evaluates {@code program} over the first {@code rowCount} rows of {@code inputs}.
     *
     * @param inputs borrowed; column {@code i} is input ordinal {@code i} of the program, typed as
     *     {@link ArrowTypes} maps the program's input type
     * @return a new vector owned by the caller, allocated from {@code allocator}, holding
     *     {@code rowCount} values of {@link Program#resultType()}
     * @throws RuntimeException Spark's exception for the first row on which Spark raises an error
     */
    public static FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        requireNonNull(program, "program is null");
        return evaluateAll(List.of(program), inputs, rowCount, allocator).get(0);
    }

    /**
     * Evaluates several programs over the same rows, as one projection does, and fails the way
     * Spark's row-at-a-time projection does: with the error of the first failing row, and in that
     * row of the first program (in list order) that fails.
     *
     * @param inputs borrowed; shared by all programs, with the same layout as {@link #evaluate}
     * @return one new vector per program, in order, owned by the caller; none on failure
     * @throws RuntimeException Spark's exception for the first failing row
     */
    public static List<FieldVector> evaluateAll(List<Program> programs, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        requireNonNull(programs, "programs is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(allocator, "allocator is null");
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must be >= 0, got " + rowCount);
        }
        for (Program program : programs) {
            checkInputs(requireNonNull(program, "a program is null"), inputs, rowCount);
        }
        List<FieldVector> results = new ArrayList<>(programs.size());
        try {
            for (Program program : programs) {
                FieldVector result = ArrowTypes.newVector("result", program.resultType(), allocator);
                results.add(result);
                result.setInitialCapacity(rowCount);
                result.allocateNew();
            }
            List<ProgramTree> trees = new ArrayList<>(programs.size());
            for (Program program : programs) {
                trees.add(new ProgramTree(program));
            }
            SharedColumns shared = new SharedColumns(inputs);
            for (int start = 0; start < rowCount; start += CHUNK_ROWS) {
                int size = Math.min(CHUNK_ROWS, rowCount - start);
                shared.startChunk(start, size);
                List<Column> columns = new ArrayList<>(programs.size());
                int failingRow = Integer.MAX_VALUE;
                int failingProgram = -1;
                for (int i = 0; i < programs.size(); i++) {
                    Column column = trees.get(i).evaluate(shared);
                    columns.add(column);
                    int failing = column.firstPoisoned();
                    if (failing >= 0 && failing < failingRow) {
                        failingRow = failing;
                        failingProgram = i;
                    }
                }
                if (failingProgram >= 0) {
                    throw ErrorReplay.raise(programs.get(failingProgram), inputs, start + failingRow);
                }
                for (int i = 0; i < programs.size(); i++) {
                    ColumnIo.write(columns.get(i), results.get(i), start);
                }
            }
            for (FieldVector result : results) {
                result.setValueCount(rowCount);
            }
            return results;
        } catch (RuntimeException | Error e) {
            results.forEach(FieldVector::close);
            throw e;
        }
    }

    private static void checkInputs(Program program, List<FieldVector> inputs, int rowCount) {
        if (inputs.size() < program.inputTypes().size()) {
            throw new IllegalArgumentException("the program reads " + program.inputTypes().size()
                    + " input columns but " + inputs.size() + " were given");
        }
        for (int i = 0; i < program.inputTypes().size(); i++) {
            FieldVector input = requireNonNull(inputs.get(i), "input column " + i + " is null");
            if (input.getValueCount() < rowCount) {
                throw new IllegalArgumentException("input column " + i + " has " + input.getValueCount()
                        + " rows, fewer than rowCount " + rowCount);
            }
        }
    }

    /**
     * Spark's exception for row {@code row} of {@code inputs}, on which another interpreter of the
     * same program (a device kernel) found an error: the row is replayed through Spark's own
     * evaluation, exactly as {@link #evaluate} does for its own errors.
     */
    public static RuntimeException replayError(Program program, List<FieldVector> inputs, int row) {
        requireNonNull(program, "program is null");
        requireNonNull(inputs, "inputs is null");
        return ErrorReplay.raise(program, inputs, row);
    }

    /**
     * Runs one instruction other than AND and OR (which {@link ProgramTree} runs lazily) over the rows of
     * {@code shared}, given its operand columns over the same rows.
     */
    static Column execute(Instruction instruction, List<Column> operands, SharedColumns shared) {
        return switch (instruction.opcode()) {
            case INPUT -> shared.input((int) instruction.longAt(0), instruction.type());
            case LITERAL -> shared.literal(instruction);
            case ADD, SUBTRACT, MULTIPLY ->
                    ArithmeticLoops.addSubtractMultiply(instruction, operands.get(0), operands.get(1));
            case DIVIDE, REMAINDER -> ArithmeticLoops.divideRemainder(instruction, operands.get(0), operands.get(1));
            case NEGATE -> ArithmeticLoops.negate(instruction, operands.get(0));
            case EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, NULL_SAFE_EQUAL ->
                    PredicateLoops.compare(instruction.opcode(), operands.get(0), operands.get(1));
            case AND, OR -> throw new IllegalStateException("AND and OR run lazily in ProgramTree");
            case NOT -> PredicateLoops.not(operands.get(0));
            case IS_NULL -> PredicateLoops.isNull(operands.get(0), true);
            case IS_NOT_NULL -> PredicateLoops.isNull(operands.get(0), false);
            case IN, IN_SET -> PredicateLoops.in(instruction, operands.get(0));
            case IF -> ConditionalLoops.ifThenElse(instruction.type(), operands.get(0), operands.get(1),
                    operands.get(2));
            case CASE_WHEN -> ConditionalLoops.caseWhen(instruction, operands);
            case COALESCE -> ConditionalLoops.coalesce(instruction.type(), operands);
            case CAST -> CastLoops.cast(instruction, operands.get(0));
            case STARTS_WITH, ENDS_WITH, CONTAINS ->
                    StringLoops.binary(instruction.opcode(), operands.get(0), operands.get(1));
            case LIKE -> StringLoops.like(instruction, operands.get(0));
            case SUBSTRING -> StringLoops.substring(operands.get(0), operands.get(1), operands.get(2));
            case LENGTH -> StringLoops.length(operands.get(0));
            case YEAR, MONTH, DAY_OF_MONTH -> StringLoops.dateField(instruction.opcode(), operands.get(0));
            case TRY -> ConditionalLoops.tryEval(operands.get(0));
            case NORMALIZE_FLOATING -> ConditionalLoops.normalizeFloating(operands.get(0));
            case UNSCALED_VALUE -> ConditionalLoops.unscaledValue(operands.get(0));
            case MAKE_DECIMAL -> ConditionalLoops.makeDecimal(instruction, operands.get(0));
            case ABS -> MathLoops.abs(instruction, operands.get(0));
            case BITWISE_AND, BITWISE_OR, BITWISE_XOR -> MathLoops.bitwise(instruction, operands.get(0), operands.get(1));
            case BITWISE_NOT -> MathLoops.bitwiseNot(instruction, operands.get(0));
            case SHIFT_LEFT, SHIFT_RIGHT, SHIFT_RIGHT_UNSIGNED ->
                    MathLoops.shift(instruction, operands.get(0), operands.get(1));
            case DATE_ADD, DATE_SUB, DATE_DIFF -> MathLoops.dateArithmetic(instruction, operands.get(0), operands.get(1));
            case ROUND, BROUND -> MathLoops.round(instruction, operands.get(0));
            case UPPER, LOWER -> ComputedStringLoops.changeCase(instruction, operands.get(0));
            case CONCAT -> ComputedStringLoops.concat(instruction.type(), operands, shared.size());
        };
    }

    static Column literal(Instruction instruction, int size) {
        Column column = new Column(instruction.type(), size);
        if (instruction.hasFlag(Instruction.FLAG_NULL_CONSTANT)) {
            Arrays.fill(column.nulls, true);
            return column;
        }
        switch (instruction.type().kind()) {
            case FLOAT, DOUBLE -> Arrays.fill(column.doubles, instruction.doubleAt(0));
            case DECIMAL -> {
                Int128 unscaled = new Int128();
                unscaled.set(instruction.decimalAt(0).unscaledValue());
                Arrays.fill(column.longs, unscaled.low);
                if (column.highs != null) {
                    Arrays.fill(column.highs, unscaled.high);
                }
            }
            // The loops never modify string values, so all rows can share one copy of the constant.
            case STRING -> Arrays.fill(column.strings, instruction.stringAt(0));
            default -> Arrays.fill(column.longs, instruction.longAt(0));
        }
        return column;
    }
}
