package dev.ember.exec.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.columnar.BatchBuilder;
import dev.ember.exec.Seqs;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.execution.joins.HashedRelation;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Ember's broadcast relation: its pieces survive Java and Kryo serialization with every Spark codec and
 * decode to the rows that went in; Spark's own {@code BroadcastHashJoinExec} (interpreted and generated
 * code) over Ember's exchange answers as over Spark's; and the relation API answers key by key as Spark's
 * relation of the same rows.
 */
class TestEmberBroadcastRelation {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.IntegerType)
            .add("k", DataTypes.ByteType)
            .add("kl", DataTypes.LongType)
            .add("s", DataTypes.StringType)
            .add("d", DataTypes.createDecimalType(12, 2));
    private static final List<DataType> TYPES = List.of(DataTypes.IntegerType, DataTypes.ByteType,
            DataTypes.LongType, DataTypes.StringType, DataTypes.createDecimalType(12, 2));

    @BeforeAll
    static void createTables() {
        RandomData random = RandomData.create("TestEmberBroadcastRelation");
        SparkSession session = SharedSpark.session();
        session.createDataFrame(random.rows(SCHEMA, 400, 6), SCHEMA).repartition(2)
                .createOrReplaceTempView("spark_reads_facts");
        session.createDataFrame(random.rows(SCHEMA, 150, 6), SCHEMA).createOrReplaceTempView("spark_reads_dim");
        session.sql("SELECT * FROM spark_reads_dim WHERE k IS NOT NULL").createOrReplaceTempView("spark_reads_keys");
    }

    @Test
    void sparksJoinAnswersTheSameOverAnArrowBroadcast() {
        String[] queries = {
            "SELECT /*+ BROADCAST(r) */ l.id, l.s, r.id, r.d FROM spark_reads_facts l JOIN spark_reads_dim r"
                    + " ON l.k = r.k AND l.s = r.s",
            "SELECT /*+ BROADCAST(r) */ l.id, r.id, r.s FROM spark_reads_facts l LEFT OUTER JOIN spark_reads_dim r"
                    + " ON l.kl = r.kl",
            "SELECT /*+ BROADCAST(r) */ l.id, r.id FROM spark_reads_facts l JOIN spark_reads_dim r ON l.k = r.k"
                    + " AND l.d < r.d",
            "SELECT /*+ BROADCAST(r) */ l.* FROM spark_reads_facts l LEFT SEMI JOIN spark_reads_dim r ON l.k = r.k",
            "SELECT /*+ BROADCAST(r) */ l.* FROM spark_reads_facts l LEFT ANTI JOIN spark_reads_dim r ON l.kl = r.kl",
            "SELECT id, k FROM spark_reads_facts WHERE k NOT IN (SELECT k FROM spark_reads_keys)",
        };
        for (String codegen : new String[] {"true", "false"}) {
            SharedSpark.withConf(Map.of("spark.ember.enabled", "false", "spark.sql.adaptive.enabled", "false",
                    "spark.sql.codegen.wholeStage", codegen), () -> {
                for (String sql : queries) {
                    Dataset<Row> dataset = SharedSpark.session().sql(sql);
                    SparkPlan plan = dataset.queryExecution().executedPlan();
                    List<String> expected = rows(plan.executeCollect(), dataset.schema());
                    Switched switched = new Switched();
                    SparkPlan ember = switched.rewrite(plan);
                    assertEquals(1, switched.count, "one broadcast switched to Ember in " + plan);
                    assertTrue(contains(ember, BroadcastHashJoinExec.class), "Spark joins: " + ember);
                    List<String> actual = rows(ember.executeCollect(), dataset.schema());
                    assertEquals(expected, actual, "codegen " + codegen + ": " + sql);
                    assertTrue(switched.emberValue().isPresent(), "the broadcast value was Ember's");
                }
                return null;
            });
        }
    }

    @Test
    void answersTheRelationApiAsSparksRelationDoes() throws Exception {
        List<InternalRow> rows = unsafeRows(RandomData.create("TestEmberBroadcastRelation.api").rows(SCHEMA, 200, 5));
        List<List<Expression>> keySets = List.of(
                List.of(new BoundReference(2, DataTypes.LongType, true)),
                List.of(new BoundReference(1, DataTypes.ByteType, true), new BoundReference(3, DataTypes.StringType, true)),
                List.of(new BoundReference(4, DataTypes.createDecimalType(12, 2), true)));
        for (List<Expression> keys : keySets) {
            HashedRelationBroadcastMode sparkMode = new HashedRelationBroadcastMode(Seqs.from(keys), false);
            HashedRelation spark = sparkMode.transform(iterator(rows), Option.apply((Object) (long) rows.size()));
            // broadcast values travel Java- or Kryo-serialized: both round trips must keep the relation
            HashedRelation arrow = kryoRoundTrip(roundTrip(relation(sparkMode, rows, 32, "lz4")));
            assertTrue(arrow instanceof EmberBroadcastRelation, "value: " + arrow);
            assertTrue(((EmberBroadcastRelation) arrow).pieceCount() > 1, "several pieces of 32 rows");
            HashedRelation copy = arrow.asReadOnlyCopy();
            assertEquals(spark.keyIsUnique(), copy.keyIsUnique());
            List<String> sparkKeys = strings(spark.keys(), keys);
            List<String> arrowKeys = strings(copy.keys(), keys);
            assertEquals(sparkKeys, arrowKeys, "keys over " + keys);
            UnsafeProjection keyOf = UnsafeProjection.create(Seqs.from(keys));
            for (InternalRow row : rows) {
                InternalRow key = keyOf.apply(row).copy();
                if (key.anyNull()) {
                    continue;
                }
                assertEquals(strings(spark.get(key), null), strings(copy.get(key), null), "rows of key " + key);
                if (keys.size() == 1 && keys.get(0).dataType() == DataTypes.LongType) {
                    long value = key.getLong(0);
                    assertEquals(strings(spark.get(value), null), strings(copy.get(value), null));
                }
            }
            copy.close();
            arrow.close();
        }
    }

    @Test
    void roundTripsItsPiecesThroughEveryCodecAndSerializer() throws Exception {
        RandomData random = RandomData.create("TestEmberBroadcastRelation.roundTrip");
        HashedRelationBroadcastMode mode = new HashedRelationBroadcastMode(
                Seqs.of(new BoundReference(1, DataTypes.ByteType, true)), false);
        for (int count : new int[] {0, 1, 7, 500}) {
            // nulls in every column, NaN/-0.0 and extremes through RandomData, empty strings among its words
            List<InternalRow> rows = unsafeRows(random.rows(SCHEMA, count, 4));
            for (String codec : new String[] {"lz4", "lzf", "snappy", "zstd"}) {
                EmberBroadcastRelation written = relation(mode, rows, 64, codec);
                EmberBroadcastRelation read = (EmberBroadcastRelation) kryoRoundTrip(roundTrip(written));
                assertEquals(count, read.rowCount());
                assertEquals(written.dataSize(), read.dataSize());
                assertEquals(TYPES, read.types());
                assertEquals(strings(iterator(rows), null), decoded(read), codec + ", " + count + " rows, seed "
                        + random.seed());
            }
        }
    }

    /** Every row of the relation's pieces, as text. */
    private static List<String> decoded(EmberBroadcastRelation relation) {
        List<InternalRow> rows = new ArrayList<>();
        UnsafeProjection toUnsafe = UnsafeProjection.create(TYPES.toArray(new DataType[0]));
        try (RootAllocator allocator = new RootAllocator(Long.MAX_VALUE)) {
            for (int i = 0; i < relation.pieceCount(); i++) {
                EmberBroadcastRelation.Columns columns = relation.readPiece(i, allocator);
                try (ColumnarBatch batch = dev.ember.columnar.ArrowBatches.toSpark(columns.vectors(),
                        columns.rowCount())) {
                    java.util.Iterator<InternalRow> batchRows = batch.rowIterator();
                    while (batchRows.hasNext()) {
                        rows.add(toUnsafe.apply(batchRows.next()).copy());
                    }
                }
            }
        }
        return strings(iterator(rows), null);
    }

    /**
     * The relation Ember's exchange would broadcast for {@code rows}: batches of {@code rowsPerBatch}
     * rows, each made a piece by the executor side's own code.
     */
    static EmberBroadcastRelation relation(HashedRelationBroadcastMode mode, List<InternalRow> rows, int rowsPerBatch,
            String codec) {
        List<byte[]> pieces = new ArrayList<>();
        long dataSize = 0;
        try (RootAllocator allocator = new RootAllocator(Long.MAX_VALUE)) {
            for (int start = 0; start < rows.size(); start += rowsPerBatch) {
                try (BatchBuilder builder = new BatchBuilder(TYPES, allocator, rowsPerBatch, Long.MAX_VALUE)) {
                    for (InternalRow row : rows.subList(start, Math.min(rows.size(), start + rowsPerBatch))) {
                        builder.append(row);
                    }
                    try (ColumnarBatch batch = builder.build()) {
                        scala.collection.Iterator<byte[]> made = new BroadcastPieces(codec, null)
                                .apply(CollectionConverters.asScala(List.of(batch).iterator()));
                        while (made.hasNext()) {
                            byte[] piece = made.next();
                            dataSize += BroadcastPieces.uncompressedBytes(piece);
                            pieces.add(piece);
                        }
                    }
                }
            }
        }
        return EmberBroadcastRelation.of(mode, TYPES, codec, pieces, rows.size(), dataSize);
    }

    /** Replaces every Spark broadcast exchange of a hashed relation by Ember's exchange. */
    private static final class Switched {
        int count;
        final List<EmberBroadcastExchangeExec> exchanges = new ArrayList<>();

        SparkPlan rewrite(SparkPlan plan) {
            if (plan instanceof BroadcastExchangeExec spark && spark.mode() instanceof HashedRelationBroadcastMode) {
                count++;
                EmberBroadcastExchangeExec ember = EmberBroadcastExchangeExec.over(spark);
                exchanges.add(ember);
                return ember;
            }
            List<SparkPlan> children = new ArrayList<>();
            boolean changed = false;
            for (SparkPlan child : Seqs.toList(plan.children())) {
                SparkPlan rewritten = rewrite(child);
                changed |= rewritten != child;
                children.add(rewritten);
            }
            if (!changed) {
                return plan;
            }
            SparkPlan rebuilt = (SparkPlan) plan.withNewChildrenInternal(Seqs.from(children).toIndexedSeq());
            rebuilt.copyTagsFrom(plan);
            return rebuilt;
        }

        Optional<EmberBroadcastRelation> emberValue() {
            Object value = exchanges.get(0).executeBroadcast().value();
            return value instanceof EmberBroadcastRelation ember ? Optional.of(ember) : Optional.empty();
        }
    }

    private static boolean contains(SparkPlan plan, Class<?> type) {
        if (type.isInstance(plan)) {
            return true;
        }
        for (SparkPlan child : Seqs.toList(plan.children())) {
            if (contains(child, type)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> rows(InternalRow[] rows, StructType schema) {
        List<String> text = new ArrayList<>();
        for (InternalRow row : rows) {
            text.add(row.toSeq(schema).toString());
        }
        text.sort(null);
        return text;
    }

    private static List<InternalRow> unsafeRows(List<Row> rows) {
        UnsafeProjection toUnsafe = UnsafeProjection.create(TYPES.toArray(new DataType[0]));
        org.apache.spark.sql.catalyst.CatalystTypeConverters$ converters =
                org.apache.spark.sql.catalyst.CatalystTypeConverters$.MODULE$;
        scala.Function1<Object, Object> toCatalyst = converters.createToCatalystConverter(SCHEMA);
        List<InternalRow> converted = new ArrayList<>();
        for (Row row : rows) {
            converted.add(toUnsafe.apply((InternalRow) toCatalyst.apply(row)).copy());
        }
        return converted;
    }

    private static scala.collection.Iterator<InternalRow> iterator(List<InternalRow> rows) {
        return CollectionConverters.asScala(rows.iterator());
    }

    private static List<String> strings(scala.collection.Iterator<InternalRow> rows, List<Expression> keys) {
        List<String> text = new ArrayList<>();
        while (rows != null && rows.hasNext()) {
            InternalRow row = rows.next();
            if (keys == null) {
                text.add(row.toSeq(SCHEMA).toString());
            } else {
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    values.add(row.get(i, keys.get(i).dataType()));
                }
                text.add(values.toString());
            }
        }
        text.sort(null);
        return text;
    }

    private static HashedRelation kryoRoundTrip(HashedRelation relation) {
        SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
        ClassTag<HashedRelation> tag = ClassTag$.MODULE$.apply(HashedRelation.class);
        ByteBuffer bytes = kryo.serialize(relation, tag);
        HashedRelation read = kryo.deserialize(bytes, tag);
        assertFalse(read == relation);
        return read;
    }

    private static HashedRelation roundTrip(HashedRelation relation) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(relation);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            HashedRelation read = (HashedRelation) in.readObject();
            assertFalse(read == relation);
            return read;
        }
    }
}
