package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.aggregate.ExpressionColumns;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Join inputs and the reference join for the join tests: seeded random batches of (k int, s string,
 * v bigint) allocated from {@code outputs} (closed by {@link #close}), join specs over them, and the
 * in-memory {@link JoinStream} every other way of joining must match. Used by one test thread.
 */
final class JoinFixtures implements AutoCloseable {
    static final List<DataType> TYPES = List.of(DataTypes.IntegerType, DataTypes.StringType, DataTypes.LongType);
    private static final String[] WORDS = {"", "a", "日本語", "x y", "😀"};

    private final Device device = new HostDevice();
    private final Random random;
    private final BufferAllocator outputs;
    private final List<ColumnarBatch> inputs = new ArrayList<>();

    /** Fixtures drawing from {@code random}, allocating from {@code outputs} (owned by the caller). */
    JoinFixtures(Random random, BufferAllocator outputs) {
        this.random = random;
        this.outputs = outputs;
    }

    Device device() {
        return device;
    }

    /** Closes every batch made by {@link #batches}. */
    @Override
    public void close() {
        inputs.forEach(ColumnarBatch::close);
        inputs.clear();
    }

    List<String> runInMemory(JoinSpec spec, List<ColumnarBatch> left, List<ColumnarBatch> right) {
        List<ColumnarBatch> build = spec.buildLeft() ? left : right;
        List<ColumnarBatch> stream = spec.buildLeft() ? right : left;
        List<List<FieldVector>> parts = new ArrayList<>();
        build.forEach(batch -> parts.add(ArrowBatches.vectors(batch)));
        int rows = build.stream().mapToInt(ColumnarBatch::numRows).sum();
        List<FieldVector> columns = device.concatenate(parts, parts.get(0), outputs);
        BuildTable side = BuildTable.build(columns, rows, () -> ArrowBatches.closeAll(columns), spec.buildKeys(),
                device, outputs);
        JoinStream join = new JoinStream(spec, side, iterator(stream), TYPES, 700, metrics(), device, outputs,
                side);
        return drain(join);
    }

    static List<String> drain(dev.ember.exec.BatchIterator.Source source) {
        List<String> rows = new ArrayList<>();
        try (source) {
            while (true) {
                ColumnarBatch next = source.next();
                if (next == null) {
                    break;
                }
                try (ColumnarBatch batch = next) {
                    List<FieldVector> columns = ArrowBatches.vectors(batch);
                    for (int row = 0; row < batch.numRows(); row++) {
                        StringBuilder text = new StringBuilder();
                        for (FieldVector column : columns) {
                            text.append(column.getObject(row)).append('|');
                        }
                        rows.add(text.toString());
                    }
                }
            }
        }
        Collections.sort(rows);
        return rows;
    }

    static scala.collection.Iterator<ColumnarBatch> iterator(List<ColumnarBatch> batches) {
        return scala.jdk.javaapi.CollectionConverters.asScala(batches.iterator());
    }

    static OperatorMetrics metrics() {
        return new OperatorMetrics("TestJoin", new SQLMetric("sum", 0), new SQLMetric("sum", 0),
                new SQLMetric("sum", 0), new SQLMetric("sum", 0), new SQLMetric("sum", 0),
                new SQLMetric("sum", 0));
    }

    /**
     * A join of two sides with columns (k int, s string, v bigint) on k (and s with {@code twoKeys}), with
     * {@code left.v < right.v} as the extra condition.
     */
    static JoinSpec spec(JoinSpec.Kind kind, boolean buildLeft, boolean withCondition, boolean twoKeys,
            boolean nullAwareAnti) {
        List<Attribute> left = attributes("l");
        List<Attribute> right = attributes("r");
        List<Expression> leftKeys = twoKeys ? List.of(left.get(0), left.get(1)) : List.of(left.get(0));
        List<Expression> rightKeys = twoKeys ? List.of(right.get(0), right.get(1)) : List.of(right.get(0));
        ExpressionColumns leftColumns = ExpressionColumns.bind(leftKeys, left);
        ExpressionColumns rightColumns = ExpressionColumns.bind(rightKeys, right);
        // bound over the columns it reads, as JoinSpec.plan binds it: l.v and r.v, positions 2 and 5 of l ++ r
        ExpressionColumns condition = withCondition
                ? ExpressionColumns.bind(List.of(new LessThan(left.get(2), right.get(2))),
                        List.of(left.get(2), right.get(2))) : null;
        return new JoinSpec(kind, buildLeft, buildLeft ? rightColumns : leftColumns,
                buildLeft ? leftColumns : rightColumns, condition, withCondition ? new int[] {2, 5} : null,
                nullAwareAnti);
    }

    private static List<Attribute> attributes(String prefix) {
        List<Attribute> attributes = new ArrayList<>();
        String[] names = {"k", "s", "v"};
        for (int i = 0; i < names.length; i++) {
            attributes.add(new AttributeReference(prefix + names[i], TYPES.get(i), true, Metadata.empty(),
                    NamedExpression.newExprId(), dev.ember.exec.Seqs.<String>from(List.of())));
        }
        return attributes;
    }

    /**
     * {@code rows} rows in batches of {@code batchRows}: keys in {@code [0, keyRange)}, every
     * {@code hotEvery}-th key 7 (none when 0), about 3% null keys unless {@code hotEvery} is negative.
     */
    List<ColumnarBatch> batches(int rows, int batchRows, int keyRange, int hotEvery) {
        List<ColumnarBatch> batches = new ArrayList<>();
        for (int start = 0; start < rows; start += batchRows) {
            int count = Math.min(batchRows, rows - start);
            IntVector keys = new IntVector("k", outputs);
            VarCharVector words = new VarCharVector("s", outputs);
            BigIntVector values = new BigIntVector("v", outputs);
            keys.allocateNew(count);
            words.allocateNew(count);
            values.allocateNew(count);
            for (int i = 0; i < count; i++) {
                int row = start + i;
                if (hotEvery >= 0 && random.nextInt(33) == 0) {
                    keys.setNull(i);
                } else {
                    keys.set(i, hotEvery > 0 && row % hotEvery == 0 ? 7 : random.nextInt(keyRange));
                }
                if (random.nextInt(20) == 0) {
                    words.setNull(i);
                } else {
                    words.setSafe(i, WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.UTF_8));
                }
                values.set(i, random.nextInt(100));
            }
            keys.setValueCount(count);
            words.setValueCount(count);
            values.setValueCount(count);
            ColumnarBatch batch = ArrowBatches.toSpark(List.of(keys, words, values), count);
            inputs.add(batch);
            batches.add(batch);
        }
        return batches;
    }
}
