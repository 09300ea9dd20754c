package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.BatchBuilder;
import dev.ember.device.Device;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * probe it: the first task to ask builds it (Spark's broadcast rows copied into Arrow once, then the
 * device's hash table build), later tasks reuse it, and the last task to release it frees it. A task
 * that starts after every earlier user finished builds it again.
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

    /** The build side of a broadcast, built on first use. */
    static Lease acquire(Broadcast<HashedRelation> broadcast, List<DataType> types, JoinSpec spec, Device device) {
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

    private static Shared build(Broadcast<HashedRelation> broadcast, List<DataType> types, JoinSpec spec,
            Device device) {
        MemoryContext memory = new MemoryContext("EmberBroadcastHashJoinExec-build-" + broadcast.id(),
                EmberMemory.root());
        try {
            HashedRelation relation = broadcast.value().asReadOnlyCopy();
            ColumnarBatch rows;
            try (BatchBuilder builder = new BatchBuilder(types, memory.allocator(), Integer.MAX_VALUE - 8,
                    Long.MAX_VALUE)) {
                if (relation != EmptyHashedRelation$.MODULE$) {
                    memory.run(() -> {
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
                        return null;
                    });
                }
                rows = memory.run(builder::build);
            }
            List<FieldVector> columns = ArrowBatches.vectors(rows);
            BuildTable table;
            try {
                table = memory.run(() -> BuildTable.build(columns, rows.numRows(), rows::close, spec.buildKeys(),
                        device, memory.allocator()));
            } catch (RuntimeException e) {
                rows.close();
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
}
