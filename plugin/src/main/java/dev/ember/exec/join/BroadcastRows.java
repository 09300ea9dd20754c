package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.BatchBuilder;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The build sides of broadcast nested loop joins as Arrow columns, one per broadcast per executor, shared by
 * the tasks that join with it: the first task to ask copies Spark's broadcast rows (an
 * {@code IdentityBroadcastMode} broadcast is an array of rows) into one set of columns, later tasks reuse
 * them, and the last task to release them frees them. A task that starts after every earlier user finished
 * copies them again. The columns count against Ember's memory limit through their own
 * {@link MemoryContext}, as {@link BroadcastBuilds}' hash tables do.
 *
 * <p>The broadcast stays Spark's (not an {@code EmberBroadcastExchangeExec}): Spark's own nested loop join
 * reads the same broadcast value as a Java array of rows, which no other class can stand in for, and
 * adaptive execution reuses a broadcast stage across Spark and Ember readers alike. A nested loop join's
 * build side is small by Spark's broadcast threshold, and the copy happens once per executor.
 */
final class BroadcastRows {
    private static final Map<Long, Shared> ROWS = new HashMap<>();

    private BroadcastRows() {}

    /** A build side in use by one task; closing it releases the task's hold. */
    static final class Lease implements AutoCloseable {
        private final long id;
        private final Shared shared;
        private boolean closed;

        private Lease(long id, Shared shared) {
            this.id = id;
            this.shared = shared;
        }

        /** The build side's columns, in the broadcast's column order; shared, never closed by the caller. */
        List<FieldVector> columns() {
            return shared.columns;
        }

        int rowCount() {
            return shared.rowCount;
        }

        long bytes() {
            return shared.memory.bytes();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            release(id, shared);
        }
    }

    private static final class Shared {
        final MemoryContext memory;
        final List<FieldVector> columns;
        final int rowCount;
        int users;

        Shared(MemoryContext memory, List<FieldVector> columns, int rowCount) {
            this.memory = memory;
            this.columns = columns;
            this.rowCount = rowCount;
        }
    }

    /**
     * The rows of {@code broadcast} as columns of {@code types}, copied on first use.
     *
     * @throws IllegalStateException when the broadcast value is not an array of rows
     */
    static Lease acquire(Broadcast<?> broadcast, List<DataType> types) {
        long id = broadcast.id();
        synchronized (ROWS) {
            Shared shared = ROWS.get(id);
            if (shared == null) {
                shared = copy(broadcast, types);
                ROWS.put(id, shared);
            }
            shared.users++;
            return new Lease(id, shared);
        }
    }

    private static void release(long id, Shared shared) {
        synchronized (ROWS) {
            if (--shared.users > 0) {
                return;
            }
            ROWS.remove(id);
        }
        try (MemoryContext memory = shared.memory) {
            ArrowBatches.closeAll(shared.columns);
        }
    }

    private static Shared copy(Broadcast<?> broadcast, List<DataType> types) {
        Object value = broadcast.value();
        if (!(value instanceof InternalRow[] rows)) {
            throw new IllegalStateException("a nested loop join's broadcast holds "
                    + (value == null ? "null" : value.getClass().getName()) + ", not Spark's array of rows;"
                    + " please report this with the query's plan");
        }
        MemoryContext memory = new MemoryContext("EmberBroadcastNestedLoopJoinExec-build-" + broadcast.id(),
                EmberMemory.root());
        try {
            List<FieldVector> columns = memory.run(() -> {
                try (BatchBuilder builder = new BatchBuilder(types, memory.allocator(), Math.max(rows.length, 1),
                        Long.MAX_VALUE)) {
                    for (InternalRow row : rows) {
                        builder.append(row);
                    }
                    ColumnarBatch batch = builder.build();
                    // the columns outlive the batch wrapper: closing them is the last user's
                    return ArrowBatches.vectors(batch);
                }
            });
            return new Shared(memory, columns, rows.length);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }
}
