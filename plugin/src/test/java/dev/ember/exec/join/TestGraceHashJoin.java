package dev.ember.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.HostDevice;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.memory.MemoryContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The grace hash join against the in-memory join it replaces: over seeded random batches (null keys,
 * duplicates, a hot key), with a memory limit so small that parts are split again, every join kind with
 * and without an extra condition, both build sides and the null-aware anti join must emit exactly the
 * rows the in-memory {@link JoinStream} emits; a single key too large for the limit fails with the clear
 * error after the bounded re-splits; and every buffer and spill file is released.
 */
class TestGraceHashJoin {
    private static final List<DataType> TYPES = List.of(DataTypes.IntegerType, DataTypes.StringType,
            DataTypes.LongType);
    private static final String[] WORDS = {"", "a", "日本語", "x y", "😀"};
    private static final long LIMIT = 160 << 10;

    private final Device device = new HostDevice();
    private long seed;
    private Random random;
    private BufferAllocator outputs;
    private final List<ColumnarBatch> inputs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestGraceHashJoin seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        random = new Random(seed);
        outputs = new RootAllocator();
    }

    @AfterEach
    void tearDown() {
        inputs.forEach(ColumnarBatch::close);
        inputs.clear();
        outputs.close();
    }

    @Test
    void everyKindMatchesTheInMemoryJoin() {
        List<ColumnarBatch> left = batches(3000, 500, 800, 0);
        List<ColumnarBatch> right = batches(6000, 500, 800, 5);
        for (JoinSpec.Kind kind : JoinSpec.Kind.values()) {
            for (boolean buildLeft : new boolean[] {false, true}) {
                if (buildLeft && kind == JoinSpec.Kind.EXISTENCE) {
                    // an existence join streams its left side, in Spark and in Ember
                    continue;
                }
                for (boolean withCondition : new boolean[] {false, true}) {
                    // built on the left, semi and anti joins emit the build side's own rows
                    assertSame(spec(kind, buildLeft, withCondition, false, false), left, right);
                }
            }
            assertSame(spec(kind, false, false, true, false), left, right);
        }
    }

    @Test
    void nullAwareAntiJoinKeepsItsGlobalRules() {
        List<ColumnarBatch> stream = batches(2000, 400, 500, 0);
        // a build side with null keys: NOT IN is never true
        assertSame(spec(JoinSpec.Kind.LEFT_ANTI, false, false, false, true), stream, batches(5000, 500, 500, 0));
        // without null keys: stream rows with a null key are dropped, the others kept unless matched
        assertSame(spec(JoinSpec.Kind.LEFT_ANTI, false, false, false, true), stream, batches(5000, 500, 500, -1));
    }

    @Test
    void partsTooLargeAreSplitAgain() {
        List<ColumnarBatch> left = batches(2000, 500, 800, 0);
        List<ColumnarBatch> right = batches(12000, 500, 800, 0);
        JoinSpec spec = spec(JoinSpec.Kind.FULL_OUTER, false, true, false, false);
        Outcome grace = assertSame(spec, left, right);
        int firstSplit = 2 * 4;
        assertTrue(grace.spillPartitions() > firstSplit, "no part was split again: " + grace.spillPartitions()
                + " parts written (seed " + seed + ")");
    }

    @Test
    void aKeyTooLargeForTheLimitFailsNamingTheLimit() {
        List<ColumnarBatch> left = batches(500, 250, 10, 0);
        List<ColumnarBatch> right = batches(8000, 500, 1, -1);
        JoinSpec spec = spec(JoinSpec.Kind.INNER, false, false, false, false);
        try (BufferAllocator root = limited()) {
            MemoryContext.LimitExceededException error = assertThrows(MemoryContext.LimitExceededException.class,
                    () -> runGrace(spec, left, right, root));
            assertTrue(error.getMessage().contains("spark.ember.memory.host.limitBytes"), error.getMessage());
            assertTrue(error.getMessage().contains("spark.ember.join.spill.maxDepth"), error.getMessage());
            assertEquals(0, root.getAllocatedMemory(), "the failed join kept memory");
        }
    }

    /** The join's memory: under the test's root (buffers move between them) but with a small limit. */
    private BufferAllocator limited() {
        return outputs.newChildAllocator("join", 0, LIMIT);
    }

    /** The rows and spill counts of one join run. */
    private record Outcome(List<String> rows, long spillPartitions) {}

    private Outcome assertSame(JoinSpec spec, List<ColumnarBatch> left, List<ColumnarBatch> right) {
        List<String> expected = runInMemory(spec, left, right);
        Outcome grace;
        try (BufferAllocator root = limited()) {
            grace = runGrace(spec, left, right, root);
            assertEquals(0, root.getAllocatedMemory(), "the join kept memory");
        }
        assertEquals(expected, grace.rows(), () -> spec + " differs from the in-memory join (seed " + seed + ")");
        assertTrue(grace.spillPartitions() > 0, "nothing was spilled");
        return grace;
    }

    private List<String> runInMemory(JoinSpec spec, List<ColumnarBatch> left, List<ColumnarBatch> right) {
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

    private Outcome runGrace(JoinSpec spec, List<ColumnarBatch> left, List<ColumnarBatch> right,
            BufferAllocator root) {
        List<ColumnarBatch> build = spec.buildLeft() ? left : right;
        List<ColumnarBatch> stream = spec.buildLeft() ? right : left;
        SQLMetric spillPartitions = new SQLMetric("sum", 0);
        JoinSetup setup = new JoinSetup(TYPES, TYPES, 700, metrics(), new SQLMetric("sum", 0),
                new SQLMetric("sum", 0), new SQLMetric("sum", 0), spillPartitions);
        MemoryContext memory = new MemoryContext("EmberShuffledHashJoinExec", root);
        GraceHashJoin.Context context = new GraceHashJoin.Context(spec, setup, new SpillSettings(true, 4, 3),
                new BuildBudget(root), device, outputs, memory);
        GraceHashJoin join = GraceHashJoin.start(context, new HeldRows(memory), iterator(build), iterator(stream));
        return new Outcome(drain(join), spillPartitions.value());
    }

    private static List<String> drain(dev.ember.exec.BatchIterator.Source source) {
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

    private static scala.collection.Iterator<ColumnarBatch> iterator(List<ColumnarBatch> batches) {
        return scala.jdk.javaapi.CollectionConverters.asScala(batches.iterator());
    }

    private static OperatorMetrics metrics() {
        return new OperatorMetrics(new SQLMetric("sum", 0), new SQLMetric("sum", 0), new SQLMetric("sum", 0),
                new SQLMetric("sum", 0), new SQLMetric("sum", 0));
    }

    /**
     * A join of two sides with columns (k int, s string, v bigint) on k (and s with {@code twoKeys}), with
     * {@code left.v < right.v} as the extra condition.
     */
    private static JoinSpec spec(JoinSpec.Kind kind, boolean buildLeft, boolean withCondition, boolean twoKeys,
            boolean nullAwareAnti) {
        List<Attribute> left = attributes("l");
        List<Attribute> right = attributes("r");
        List<Expression> leftKeys = twoKeys ? List.of(left.get(0), left.get(1)) : List.of(left.get(0));
        List<Expression> rightKeys = twoKeys ? List.of(right.get(0), right.get(1)) : List.of(right.get(0));
        ExpressionColumns leftColumns = ExpressionColumns.bind(leftKeys, left);
        ExpressionColumns rightColumns = ExpressionColumns.bind(rightKeys, right);
        List<Attribute> both = new ArrayList<>(left);
        both.addAll(right);
        ExpressionColumns condition = withCondition
                ? ExpressionColumns.bind(List.of(new LessThan(left.get(2), right.get(2))), both) : null;
        return new JoinSpec(kind, buildLeft, buildLeft ? rightColumns : leftColumns,
                buildLeft ? leftColumns : rightColumns, condition, nullAwareAnti);
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
    private List<ColumnarBatch> batches(int rows, int batchRows, int keyRange, int hotEvery) {
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
