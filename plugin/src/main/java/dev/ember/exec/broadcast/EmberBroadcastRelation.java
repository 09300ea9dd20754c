package dev.ember.exec.broadcast;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import dev.ember.exec.exchange.BatchBlobs;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
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
 * The value an {@link EmberBroadcastExchangeExec} broadcasts: the build side's Ember batches as
 * {@link BatchBlobs} pieces (the shuffle exchange's format), each compressed with Spark's
 * {@code spark.io.compression.codec}. Ember's broadcast join decodes them straight into Arrow vectors
 * ({@link #readPiece}); no row is made on the way.
 *
 * <p>It is also a {@link HashedRelation}, because a Spark node may end up reading it: a Spark
 * {@code BroadcastHashJoinExec} or a dynamic-pruning subquery that reuses the exchange (an Ember and a
 * Spark broadcast of the same rows are the same result, see {@link EmberBroadcastExchangeExec}). Those
 * calls are answered by a real Spark relation that Spark's own {@link HashedRelationBroadcastMode} builds
 * from the decoded rows on first use, once per value (so once per JVM); {@link #asReadOnlyCopy} gives each
 * Spark task its own view of it, as Spark's relations do.
 *
 * <p>Every serialized field is a byte array or a number, so Java and Kryo serialization both carry it as
 * is; the Spark mode, the column types and the codec's name travel Java-serialized inside {@code header}.
 */
public final class EmberBroadcastRelation implements HashedRelation, Serializable {
    private static final long serialVersionUID = 2L;

    private byte[] header;
    private byte[][] pieces;
    private long rowCount;
    private long dataSize;
    private transient Header decoded;
    private transient HashedRelation rows;

    /** The Spark mode, the column types and the codec that compressed the pieces. */
    private record Header(HashedRelationBroadcastMode sparkMode, DataType[] types, String codec)
            implements Serializable {}

    /** One piece as {@link #readPiece} hands it out: the caller owns the vectors. */
    public record Columns(List<FieldVector> vectors, int rowCount) {}

    private EmberBroadcastRelation(byte[] header, byte[][] pieces, long rowCount, long dataSize, Header decoded,
            HashedRelation rows) {
        this.header = header;
        this.pieces = pieces;
        this.rowCount = rowCount;
        this.dataSize = dataSize;
        this.decoded = decoded;
        this.rows = rows;
    }

    /**
     * A relation over compressed pieces.
     *
     * @param sparkMode the Spark mode whose relation this value stands for (keys bound to {@code types})
     * @param types the build side's column types, in order
     * @param codec the short name of the Spark codec that compressed every piece
     * @param pieces compressed {@link BatchBlobs} pieces, possibly none; the relation keeps the arrays
     * @param rowCount the rows of all pieces together
     * @param dataSize the uncompressed bytes of all pieces together
     */
    public static EmberBroadcastRelation of(HashedRelationBroadcastMode sparkMode, List<DataType> types, String codec,
            List<byte[]> pieces, long rowCount, long dataSize) {
        requireNonNull(sparkMode, "sparkMode is null");
        requireNonNull(types, "types is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(pieces, "pieces is null");
        if (rowCount < 0 || dataSize < 0) {
            throw new IllegalArgumentException("negative size: " + rowCount + " rows, " + dataSize + " bytes");
        }
        Header decoded = new Header(sparkMode, types.toArray(new DataType[0]), codec);
        return new EmberBroadcastRelation(serialize(decoded), pieces.toArray(new byte[0][]), rowCount, dataSize,
                decoded, null);
    }

    /** The rows of the build side, null keys included. */
    public long rowCount() {
        return rowCount;
    }

    /** How many pieces the build side travels in (one per non-empty batch of the build side). */
    public int pieceCount() {
        return pieces.length;
    }

    /** The compressed bytes of all pieces: what the broadcast carries. */
    public long compressedBytes() {
        long total = 0;
        for (byte[] piece : pieces) {
            total += piece.length;
        }
        return total;
    }

    /** The uncompressed bytes of all pieces. */
    public long dataSize() {
        return dataSize;
    }

    /** The build side's column types. */
    public List<DataType> types() {
        return List.of(header().types());
    }

    /** Decompresses and decodes piece {@code index} into vectors of {@code allocator}; the caller owns them. */
    public Columns readPiece(int index, BufferAllocator allocator) {
        if (index < 0 || index >= pieces.length) {
            throw new IndexOutOfBoundsException("piece " + index + " of " + pieces.length);
        }
        Header parts = header();
        byte[] blob = BroadcastPieces.decompress(pieces[index], parts.codec());
        List<FieldVector> vectors = BatchBlobs.read(blob, List.of(parts.types()), allocator);
        return new Columns(vectors, BatchBlobs.rowCount(blob));
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
    public EmberBroadcastRelation asReadOnlyCopy() {
        return new EmberBroadcastRelation(header, pieces, rowCount, dataSize, header(), rows().asReadOnlyCopy());
    }

    @Override
    public synchronized void close() {
        if (rows != null) {
            rows.close();
        }
    }

    /** The uncompressed bytes: what Spark's broadcast size limit and data size metric count. */
    @Override
    public long estimatedSize() {
        return dataSize;
    }

    /** Spark's own relation over the same rows, built on first use. */
    private synchronized HashedRelation rows() {
        if (rows == null) {
            Header parts = header();
            try (RelationRows all = new RelationRows(this, List.of(parts.types()))) {
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
                throw new UncheckedIOException("could not read an Ember broadcast's header", e);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("could not read an Ember broadcast's header: the driver and the"
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
            throw new UncheckedIOException("could not write an Ember broadcast's header", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public String toString() {
        return "EmberBroadcastRelation(" + rowCount + " rows in " + pieces.length + " pieces, " + dataSize
                + " bytes, " + compressedBytes() + " compressed)";
    }
}
