package dev.ember.exec.broadcast;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.execution.joins.HashedRelation;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.execution.joins.LongHashedRelation;
import org.apache.spark.sql.execution.joins.ValueRowWithKeyIndex;
import org.apache.spark.sql.types.ByteType$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType$;
import org.apache.spark.sql.types.LongType$;
import org.apache.spark.sql.types.ShortType$;
import scala.Option;
import scala.collection.Iterator;

/**
 * The value of an Arrow broadcast ({@link ArrowBroadcastMode}): the build side's rows as Arrow IPC
 * chunks ({@link ArrowIpcChunks}), which Ember's broadcast join reads straight into Arrow vectors.
 *
 * <p>It is also a {@link HashedRelation}, because Spark's broadcast exchange accepts only that (or row
 * arrays) and because a Spark node may end up reading it: a Spark {@code BroadcastHashJoinExec} or a
 * dynamic-pruning subquery that reuses this exchange. Those calls are answered by a real Spark relation
 * that Spark's own {@link HashedRelationBroadcastMode} builds from the Arrow rows on first use, once per
 * value (so once per executor); {@link #asReadOnlyCopy} gives each Spark task its own view of it, as
 * Spark's relations do.
 *
 * <p>Every serialized field is a byte array, so Java and Kryo serialization both carry it as is; the
 * Spark mode and column types travel Java-serialized inside {@code header}.
 */
public final class ArrowBroadcast implements HashedRelation, Serializable {
    private static final long serialVersionUID = 1L;

    private byte[] header;
    private byte[][] chunks;
    private long rowCount;
    private transient Header decoded;
    private transient HashedRelation rows;

    /** The Spark mode and column types, Java-serialized into {@code header}. */
    private record Header(HashedRelationBroadcastMode sparkMode, DataType[] types) implements Serializable {}

    private ArrowBroadcast(byte[] header, byte[][] chunks, long rowCount, Header decoded, HashedRelation rows) {
        this.header = header;
        this.chunks = chunks;
        this.rowCount = rowCount;
        this.decoded = decoded;
        this.rows = rows;
    }

    /**
     * A broadcast value over chunks written by {@link ArrowIpcChunks#write}.
     *
     * @param sparkMode the Spark mode whose relation this value stands for (keys bound to {@code types})
     * @param types the build side's column types, in order
     * @param chunks at least one chunk; the value keeps the arrays
     * @param rowCount the rows of all chunks together
     */
    static ArrowBroadcast of(HashedRelationBroadcastMode sparkMode, List<DataType> types, List<byte[]> chunks,
            long rowCount) {
        requireNonNull(sparkMode, "sparkMode is null");
        requireNonNull(types, "types is null");
        requireNonNull(chunks, "chunks is null");
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a broadcast holds at least one chunk");
        }
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount is negative: " + rowCount);
        }
        Header decoded = new Header(sparkMode, types.toArray(new DataType[0]));
        return new ArrowBroadcast(serialize(decoded), chunks.toArray(new byte[0][]), rowCount, decoded, null);
    }

    /** The rows of the build side (rows with a null key are left out: they never match). */
    public long rowCount() {
        return rowCount;
    }

    /** How many Arrow chunks the build side travels in. */
    public int chunkCount() {
        return chunks.length;
    }

    /** The Arrow bytes of all chunks. */
    public long arrowBytes() {
        long total = 0;
        for (byte[] chunk : chunks) {
            total += chunk.length;
        }
        return total;
    }

    /** The build side's column types. */
    public List<DataType> types() {
        return List.of(header().types());
    }

    /** Reads chunk {@code index} into vectors of {@code allocator}; the caller owns them. */
    public ArrowIpcChunks.Columns readChunk(int index, BufferAllocator allocator) {
        if (index < 0 || index >= chunks.length) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + chunks.length);
        }
        return ArrowIpcChunks.read(chunks[index], allocator);
    }

    // ---- HashedRelation, for Spark nodes that read this broadcast

    @Override
    public Iterator<InternalRow> get(InternalRow key) {
        return rows().get(key);
    }

    @Override
    public Iterator<InternalRow> get(long key) {
        return rows().get(key);
    }

    @Override
    public InternalRow getValue(InternalRow key) {
        return rows().getValue(key);
    }

    @Override
    public InternalRow getValue(long key) {
        return rows().getValue(key);
    }

    @Override
    public Iterator<ValueRowWithKeyIndex> getWithKeyIndex(InternalRow key) {
        return rows().getWithKeyIndex(key);
    }

    @Override
    public ValueRowWithKeyIndex getValueWithKeyIndex(InternalRow key) {
        return rows().getValueWithKeyIndex(key);
    }

    @Override
    public Iterator<ValueRowWithKeyIndex> valuesWithKeyIndex() {
        return rows().valuesWithKeyIndex();
    }

    @Override
    public int maxNumKeysIndex() {
        return rows().maxNumKeysIndex();
    }

    @Override
    public boolean keyIsUnique() {
        return rows().keyIsUnique();
    }

    /**
     * The keys as Spark's {@code SubqueryBroadcastExec} (dynamic partition pruning) reads them. It reads
     * a {@code LongHashedRelation}'s keys as longs and casts them back to the build key's type, but only
     * when the broadcast value is one, which this wrapper is not: a single integral key that Spark packed
     * into a long ({@code cast(key as bigint)}) is handed out in its own type here.
     */
    @Override
    public Iterator<InternalRow> keys() {
        HashedRelation relation = rows();
        Iterator<InternalRow> keys = relation.keys();
        scala.collection.immutable.Seq<Expression> buildKeys = header().sparkMode().key();
        if (!(relation instanceof LongHashedRelation) || buildKeys.size() != 1
                || !(buildKeys.head() instanceof Cast cast) || cast.dataType() != LongType$.MODULE$) {
            return keys;
        }
        DataType original = cast.child().dataType();
        return keys.map(row -> {
            long value = row.getLong(0);
            Object unpacked;
            if (original == IntegerType$.MODULE$) {
                unpacked = (int) value;
            } else if (original == ShortType$.MODULE$) {
                unpacked = (short) value;
            } else if (original == ByteType$.MODULE$) {
                unpacked = (byte) value;
            } else {
                unpacked = value;
            }
            return (InternalRow) new GenericInternalRow(new Object[] {unpacked});
        });
    }

    /**
     * A view for one Spark task, over a read-only copy of the Spark relation. The return type is this
     * class: Spark's generated join code casts the copy to the broadcast value's class.
     */
    @Override
    public ArrowBroadcast asReadOnlyCopy() {
        return new ArrowBroadcast(header, chunks, rowCount, header(), rows().asReadOnlyCopy());
    }

    @Override
    public synchronized void close() {
        if (rows != null) {
            rows.close();
        }
    }

    /** The Arrow bytes: what travels, and what Spark's broadcast size limit and metric count. */
    @Override
    public long estimatedSize() {
        return arrowBytes();
    }

    /** Spark's own relation over the same rows, built on first use. */
    private synchronized HashedRelation rows() {
        if (rows == null) {
            Header parts = header();
            try (ArrowRows all = new ArrowRows(this, List.of(parts.types()))) {
                rows = parts.sparkMode().transform(all, Option.apply((Object) rowCount));
            }
        }
        return rows;
    }

    private synchronized Header header() {
        if (decoded == null) {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(header))) {
                decoded = (Header) in.readObject();
            } catch (IOException e) {
                throw new UncheckedIOException("could not read an Arrow broadcast's header", e);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("could not read an Arrow broadcast's header: the driver and the"
                        + " executors run different Spark or Ember versions", e);
            }
        }
        return decoded;
    }

    private static byte[] serialize(Header header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(header);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write an Arrow broadcast's header", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public String toString() {
        return "ArrowBroadcast(" + rowCount + " rows in " + chunks.length + " Arrow chunks, " + arrowBytes()
                + " bytes)";
    }
}
