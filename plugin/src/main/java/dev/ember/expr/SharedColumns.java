package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;

/**
 * The operand columns one interpreter call shares between instructions and chunks: each input column of
 * the current chunk is read from Arrow once, however many instructions (and programs of one projection)
 * name it, and each literal is expanded into a column once per chunk size instead of once per chunk.
 *
 * <p>Sharing is safe because no loop modifies its operand columns: each writes a new output column.
 *
 * <p>Scratch state of one {@link HostInterpreter#evaluateAll} call; not thread-safe.
 */
final class SharedColumns {
    private final List<FieldVector> inputs;
    private final Column[] chunkInputs;
    private final Map<Instruction, Column> literals = new IdentityHashMap<>();
    private int start;
    private int size = -1;

    /** @param inputs borrowed, for the whole call */
    SharedColumns(List<FieldVector> inputs) {
        this.inputs = requireNonNull(inputs, "inputs is null");
        this.chunkInputs = new Column[inputs.size()];
    }

    /** Moves on to rows {@code [start, start + size)}. */
    void startChunk(int start, int size) {
        if (size != this.size) {
            // only the last chunk is shorter: its literals are expanded again at its size
            literals.clear();
        }
        this.start = start;
        this.size = size;
        Arrays.fill(chunkInputs, null);
    }

    /** Input {@code ordinal} over the current chunk, as {@code type}; read on first use. */
    Column input(int ordinal, ValueType type) {
        Column column = chunkInputs[ordinal];
        if (column == null || !column.type.equals(type)) {
            column = new Column(type, size);
            ColumnIo.read(inputs.get(ordinal), start, column);
            chunkInputs[ordinal] = column;
        }
        return column;
    }

    /** The constant column of a {@code LITERAL} instruction at the current chunk size. */
    Column literal(Instruction instruction) {
        return literals.computeIfAbsent(instruction, literal -> HostInterpreter.literal(literal, size));
    }
}
