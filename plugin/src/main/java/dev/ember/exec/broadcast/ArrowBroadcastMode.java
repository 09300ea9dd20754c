package dev.ember.exec.broadcast;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.BatchBuilder;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.joins.EmptyHashedRelation$;
import org.apache.spark.sql.execution.joins.HashedRelation;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.execution.joins.HashedRelationWithAllNullKeys$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The broadcast mode of the build side of an Ember broadcast join: Spark's broadcast exchange collects
 * the rows on the driver as usual, and this mode turns them into an {@link ArrowBroadcast} (Arrow IPC
 * chunks) instead of Spark's hashed relation, so executors read Arrow and never convert rows.
 *
 * <p>It stands for a Spark {@link HashedRelationBroadcastMode} (same keys, same null-awareness) and
 * keeps Spark's answers where Spark's nodes compare them by identity: a null-aware mode (the
 * {@code NOT IN} join) answers {@code EmptyHashedRelation} for no rows and
 * {@code HashedRelationWithAllNullKeys} when a key is null, as Spark's mode does. Rows whose key holds a
 * null are left out otherwise: they never match, and a broadcast join never emits unmatched build rows.
 *
 * <p>It is a {@code HashedRelationBroadcastMode} equal to the Spark mode it stands for (same keys, same
 * null-awareness; its canonical form is the Spark mode's): the broadcast is the same relation in another
 * encoding (see {@link ArrowBroadcast}). So the join that asked for Spark's mode accepts the exchange
 * without Spark's planner adding another one, an Arrow exchange and a Spark exchange of the same rows
 * may reuse each other, and dynamic partition pruning still finds the join's broadcast. Because the
 * exchanges compare equal, whoever switches one must rebuild its parents without Spark's "unchanged
 * child" check ({@code withNewChildrenInternal}, not {@code withNewChildren}).
 */
public final class ArrowBroadcastMode extends HashedRelationBroadcastMode {
    private static final long serialVersionUID = 1L;

    private final HashedRelationBroadcastMode sparkMode;
    private final List<DataType> types;
    private final int rowsPerChunk;
    private final long bytesPerChunk;

    /**
     * @param sparkMode the Spark mode this replaces; its keys are bound to the build side's output
     * @param types the build side's column types, in output order
     * @param rowsPerChunk the most rows in one Arrow chunk
     * @param bytesPerChunk the Arrow bytes after which a chunk is closed (checked every 1,024 rows)
     */
    public ArrowBroadcastMode(HashedRelationBroadcastMode sparkMode, List<DataType> types, int rowsPerChunk,
            long bytesPerChunk) {
        super(requireNonNull(sparkMode, "sparkMode is null").key(), sparkMode.isNullAware());
        this.sparkMode = sparkMode;
        this.types = List.copyOf(requireNonNull(types, "types is null"));
        if (rowsPerChunk <= 0 || bytesPerChunk <= 0) {
            throw new IllegalArgumentException("chunk limits must be positive: " + rowsPerChunk + " rows, "
                    + bytesPerChunk + " bytes");
        }
        this.rowsPerChunk = rowsPerChunk;
        this.bytesPerChunk = bytesPerChunk;
    }

    /** The Spark mode this stands for. */
    public HashedRelationBroadcastMode sparkMode() {
        return sparkMode;
    }

    public List<DataType> types() {
        return types;
    }

    @Override
    public HashedRelation transform(InternalRow[] rows) {
        return transform(CollectionConverters.asScala(java.util.Arrays.asList(rows).iterator()),
                Option.apply((Object) (long) rows.length));
    }

    /**
     * Turns the collected rows into an {@link ArrowBroadcast}, or into Spark's own empty/all-null relation
     * for a null-aware mode (see the class comment). Runs on the driver, in Spark's broadcast thread.
     */
    @Override
    public HashedRelation transform(Iterator<InternalRow> rows, Option<Object> sizeHint) {
        UnsafeProjection keys = UnsafeProjection.create(sparkMode.key());
        List<byte[]> chunks = new ArrayList<>();
        long kept = 0;
        boolean anyRow = false;
        // the driver has no device: a private allocator, released before the bytes are broadcast
        try (RootAllocator allocator = new RootAllocator(Long.MAX_VALUE);
                BatchBuilder builder = new BatchBuilder(types, allocator, rowsPerChunk, Long.MAX_VALUE)) {
            while (rows.hasNext()) {
                InternalRow row = rows.next();
                anyRow = true;
                if (keys.apply(row).anyNull()) {
                    if (sparkMode.isNullAware()) {
                        return HashedRelationWithAllNullKeys$.MODULE$;
                    }
                    continue;
                }
                builder.append(row);
                kept++;
                if (builder.remainingRows() == 0 || (builder.rows() % 1024 == 0 && builder.bytes() >= bytesPerChunk)) {
                    chunks.add(writeChunk(builder));
                }
            }
            if (!anyRow && sparkMode.isNullAware()) {
                return EmptyHashedRelation$.MODULE$;
            }
            if (builder.rows() > 0 || chunks.isEmpty()) {
                chunks.add(writeChunk(builder));
            }
        }
        return ArrowBroadcast.of(sparkMode, types, chunks, kept);
    }

    private static byte[] writeChunk(BatchBuilder builder) {
        try (ColumnarBatch batch = builder.build()) {
            return ArrowIpcChunks.write(ArrowBatches.vectors(batch), batch.numRows());
        }
    }

    /** Shown in explain output after {@code BroadcastExchange}. */
    @Override
    public String toString() {
        return "ArrowBroadcastMode(keys=" + sparkMode.key().mkString("[", ", ", "]") + ", nullAware="
                + sparkMode.isNullAware() + ", Arrow IPC chunks of up to " + rowsPerChunk + " rows)";
    }
}
