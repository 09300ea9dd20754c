package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;

/**
 * The rows an interpreter loop runs over, and the operand columns shared between the instructions that
 * run over them: each input column is read from Arrow once for these rows, however many instructions
 * (and programs of one projection) name it, and each literal is expanded into a column once.
 *
 * <p>The rows are either a contiguous chunk of the input vectors (the root, moved on with
 * {@link #startChunk}) or a selection of another view's rows ({@link #select}): the rows on which a lazy
 * AND or OR still has to evaluate its next operand. A selection reads its inputs straight from the
 * selected Arrow rows, so an operand is never read, nor its strings copied, for rows already decided.
 *
 * <p>Sharing is safe because no loop modifies its operand columns: each writes a new output column.
 *
 * <p>Scratch state of one {@link HostInterpreter#evaluateAll} call; not thread-safe.
 */
final class SharedColumns {
    private final List<FieldVector> inputs;
    private final Column[] chunkInputs;
    private final Map<Instruction, Column> literals = new IdentityHashMap<>();
    /** The view a selection selects from, and the positions of its rows there; null for a root. */
    private final SharedColumns parent;
    private final int[] positions;
    /** The input rows of a selection, one per row of this view, computed on first use. */
    private int[] rows;
    private int start;
    private int size = -1;

    /** A root view; call {@link #startChunk} before use. @param inputs borrowed, for the whole call */
    SharedColumns(List<FieldVector> inputs) {
        this(inputs, null, null, -1);
    }

    private SharedColumns(List<FieldVector> inputs, SharedColumns parent, int[] positions, int size) {
        this.inputs = requireNonNull(inputs, "inputs is null");
        this.chunkInputs = new Column[inputs.size()];
        this.parent = parent;
        this.positions = positions;
        this.size = size;
    }

    /** Moves a root view on to rows {@code [start, start + size)}. */
    void startChunk(int start, int size) {
        if (parent != null) {
            throw new IllegalStateException("a selection does not move");
        }
        if (size != this.size) {
            // only the last chunk is shorter: its literals are expanded again at its size
            literals.clear();
        }
        this.start = start;
        this.size = size;
        Arrays.fill(chunkInputs, null);
    }

    /** The number of rows of this view. */
    int size() {
        return size;
    }

    /**
     * A view of {@code count} of this view's rows: row {@code i} of the result is row {@code positions[i]}
     * of this one ({@code positions} ascending and below {@link #size()}; copied).
     */
    SharedColumns select(int[] positions, int count) {
        if (count < 0 || count > size) {
            throw new IllegalArgumentException("cannot select " + count + " of " + size + " rows");
        }
        return new SharedColumns(inputs, this, Arrays.copyOf(positions, count), count);
    }

    /**
     * Input {@code ordinal} over this view's rows, as {@code type}; read on first use. A selection takes
     * the rows from its parent's column where the parent has read it already, else from Arrow.
     */
    Column input(int ordinal, ValueType type) {
        Column column = chunkInputs[ordinal];
        if (column == null || !column.type.equals(type)) {
            Column parentColumn = parent == null ? null : parent.chunkInputs[ordinal];
            if (parentColumn != null && parentColumn.type.equals(type)) {
                column = parentColumn.select(positions, size);
            } else {
                column = new Column(type, size);
                if (parent == null) {
                    ColumnIo.read(inputs.get(ordinal), start, column);
                } else {
                    ColumnIo.readRows(inputs.get(ordinal), rows(), column);
                }
            }
            chunkInputs[ordinal] = column;
        }
        return column;
    }

    /** Whether input {@code ordinal} has been read for these rows (or, for a selection, for its parent's). */
    boolean hasRead(int ordinal) {
        return chunkInputs[ordinal] != null || (parent != null && parent.chunkInputs[ordinal] != null);
    }

    /** The null flags of input {@code ordinal} over this view's rows, from its validity bits alone. */
    boolean[] inputNulls(int ordinal) {
        boolean[] nulls = new boolean[size];
        ColumnIo.readNulls(inputs.get(ordinal), start, parent == null ? null : rows(), nulls);
        return nulls;
    }

    /**
     * Sets {@code out} (a boolean column of this view's size) to whether string input {@code ordinal}
     * equals one of {@code candidates}, null where the input is null; the strings are compared in place.
     */
    void matchStrings(int ordinal, byte[][] candidates, Column out) {
        ColumnIo.matchStrings(inputs.get(ordinal), start, parent == null ? null : rows(), candidates, out);
    }

    /** Input column {@code ordinal} itself, borrowed, for the loops that read Arrow directly. */
    FieldVector inputVector(int ordinal) {
        return inputs.get(ordinal);
    }

    /** The first input row of a root view (its rows are {@code start() + i}). */
    int start() {
        return start;
    }

    /** For a selection, the input row of each of its rows (ascending; not to be modified); null for a root. */
    int[] inputRows() {
        return parent == null ? null : rows();
    }

    /** The last input row of this view's rows; -1 when it has none. */
    int lastInputRow() {
        if (size == 0) {
            return -1;
        }
        return parent == null ? start + size - 1 : rows()[size - 1];
    }

    /** The input rows of this selection's rows. */
    private int[] rows() {
        if (rows == null) {
            int[] selected = new int[size];
            for (int i = 0; i < size; i++) {
                selected[i] = parent.parent == null ? parent.start + positions[i] : parent.rows()[positions[i]];
            }
            rows = selected;
        }
        return rows;
    }

    /** The constant column of a {@code LITERAL} instruction at this view's size. */
    Column literal(Instruction instruction) {
        return literals.computeIfAbsent(instruction, literal -> HostInterpreter.literal(literal, size));
    }
}
