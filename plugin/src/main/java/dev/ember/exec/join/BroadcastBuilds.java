package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.BatchBuilder;
import dev.ember.device.Device;
import dev.ember.memory.EmberMemory;
import dev.ember.exec.broadcast.EmberBroadcastRelation;
import dev.ember.exec.broadcast.EmberBroadcastRelation.Columns;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.joins.EmptyHashedRelation$;
import org.apache.spark.sql.execution.joins.HashedRelation;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * The hash tables of broadcast build sides, one per broadcast per executor, shared by the tasks that
 * probe it: the first task to ask builds it (the broadcast's pieces decoded into one set of columns,
 * then the device's hash table build), later tasks reuse it, and the last task to release it frees it.
 * A task that starts after every earlier user finished builds it again.
 */
final class BroadcastBuilds {
    private static final Map<Long, Shared> BUILDS = new HashMap<>();

    private BroadcastBuilds() {}

    /** A build side in use by one task; closing it releases the task's hold. */
    static final class Lease implements AutoCloseable {
        private final long id;
        private final Shared shared;
        private boolean closed;

        private Lease(long id, Shared shared) {
            this.id = id;
            this.shared = shared;
        }

        BuildTable table() {
            return shared.table;
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
        final BuildTable table;
        int users;

        Shared(MemoryContext memory, BuildTable table) {
            this.memory = memory;
            this.table = table;
        }
    }

    /**
     * The build side of a broadcast, built on first use: from an {@link EmberBroadcastRelation} (its pieces
     * decoded into Arrow, no row conversion) or, where the exchange is Spark's (reused from a Spark join), from
     * Spark's hashed relation.
     */
    static Lease acquire(Broadcast<?> broadcast, List<DataType> types, JoinSpec spec, Device device) {
        long id = broadcast.id();
        synchronized (BUILDS) {
            Shared shared = BUILDS.get(id);
            if (shared == null) {
                shared = build(broadcast, types, spec, device);
                BUILDS.put(id, shared);
            }
            shared.users++;
            return new Lease(id, shared);
        }
    }

    private static void release(long id, Shared shared) {
        synchronized (BUILDS) {
            if (--shared.users > 0) {
                return;
            }
            BUILDS.remove(id);
        }
        try (MemoryContext memory = shared.memory) {
            shared.table.close();
        }
    }

    private static Shared build(Broadcast<?> broadcast, List<DataType> types, JoinSpec spec, Device device) {
        MemoryContext memory = new MemoryContext("EmberBroadcastHashJoinExec-build-" + broadcast.id(),
                EmberMemory.root());
        try {
            Object value = broadcast.value();
            Columns columns = value instanceof EmberBroadcastRelation arrow
                    ? memory.run(() -> fromArrow(arrow, types, device, memory.allocator()))
                    : memory.run(() -> fromRows((HashedRelation) value, types, memory.allocator()));
            BuildTable table;
            try {
                table = memory.run(() -> BuildTable.build(columns.vectors(), columns.rowCount(),
                        () -> ArrowBatches.closeAll(columns.vectors()), spec.buildKeys(), device, memory.allocator()));
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(columns.vectors());
                throw e;
            }
            try {
                memory.setHeapBytes(table.tableBytes());
            } catch (RuntimeException e) {
                table.close();
                throw e;
            }
            return new Shared(memory, table);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /** The pieces of the broadcast as one set of columns. */
    private static Columns fromArrow(EmberBroadcastRelation arrow, List<DataType> types, Device device,
            BufferAllocator allocator) {
        if (!arrow.types().equals(types)) {
            throw new IllegalStateException("the Ember broadcast holds columns " + arrow.types()
                    + " but the join reads " + types + "; please report this with the query's plan");
        }
        if (arrow.pieceCount() == 0) {
            return empty(types, allocator);
        }
        if (arrow.pieceCount() == 1) {
            return arrow.readPiece(0, allocator);
        }
        List<List<FieldVector>> parts = new ArrayList<>(arrow.pieceCount());
        int rows = 0;
        try {
            for (int i = 0; i < arrow.pieceCount(); i++) {
                Columns chunk = arrow.readPiece(i, allocator);
                parts.add(chunk.vectors());
                rows = Math.addExact(rows, chunk.rowCount());
            }
            return new Columns(device.concatenate(parts, parts.get(0), allocator), rows);
        } catch (ArithmeticException e) {
            throw new IllegalStateException("the broadcast build side holds more than " + Integer.MAX_VALUE
                    + " rows, more than one Ember hash table indexes; lower spark.sql.autoBroadcastJoinThreshold", e);
        } finally {
            for (List<FieldVector> part : parts) {
                ArrowBatches.closeAll(part);
            }
        }
    }

    /** No rows: empty columns of the build side's types. */
    private static Columns empty(List<DataType> types, BufferAllocator allocator) {
        try (BatchBuilder builder = new BatchBuilder(types, allocator, 1, Long.MAX_VALUE)) {
            ColumnarBatch batch = builder.build();
            // the columns outlive the batch wrapper: closing them is the caller's
            return new Columns(ArrowBatches.vectors(batch), 0);
        }
    }

    /** Spark's hashed relation copied into Arrow, each key's rows once. */
    private static Columns fromRows(HashedRelation value, List<DataType> types, BufferAllocator allocator) {
        HashedRelation relation = value.asReadOnlyCopy();
        try (BatchBuilder builder = new BatchBuilder(types, allocator, Integer.MAX_VALUE - 8, Long.MAX_VALUE)) {
            if (relation != EmptyHashedRelation$.MODULE$) {
                // a hashed relation may list a key once per row holding it: visit each key once
                Set<InternalRow> seen = new HashSet<>();
                Iterator<InternalRow> keys = relation.keys();
                while (keys.hasNext()) {
                    InternalRow key = keys.next().copy();
                    if (!seen.add(key)) {
                        continue;
                    }
                    Iterator<InternalRow> matches = relation.get(key);
                    while (matches != null && matches.hasNext()) {
                        builder.append(matches.next());
                    }
                }
            }
            int rows = builder.rows();
            ColumnarBatch batch = builder.build();
            // the columns outlive the batch wrapper: closing them is the caller's
            return new Columns(ArrowBatches.vectors(batch), rows);
        }
    }
}
