package dev.ember.bench.jmh;

import dev.ember.columnar.BatchBuilder;
import dev.ember.exec.scan.ColumnVectorImport;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.execution.datasources.parquet.VectorizedParquetRecordReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Turning one Parquet column of {@value #ROWS} rows (about 5% nulls, uncompressed, plain encoding
 * except {@code string_dict}: 100 distinct values, dictionary-encoded) into Ember batches, per type.
 * The file is one row group; each state decodes it once into one Spark batch, so the copies are
 * measured apart from the decoding:
 * <ul>
 *   <li>{@code decode}: Spark's vectorized reader alone (off-heap vectors), file opened each time; the
 *       floor for any route, also for decoding pages straight into Arrow (route B);</li>
 *   <li>{@code copyPerValue}: Ember's copy before {@code EmberParquetScanExec}: Spark's default
 *       on-heap vectors copied value by value, 4096 rows (Spark's reader batch) at a time, and coalesced
 *       into batches of 2^18 rows by {@code BatchBuilder} ({@code EmberCopyToArrowExec});</li>
 *   <li>{@code copyBulk}: route A, {@code EmberParquetScanExec}'s copy: off-heap vectors copied in bulk
 *       by {@code ColumnVectorImport}, 2^18 rows (one reader batch of Ember's size) at a time.</li>
 * </ul>
 * Scores are rows per second. Run as docs/benchmark.md ("Micro-benchmarks") says, e.g.
 * {@code -Djmh.args="ParquetScanBench -wi 2 -w 1s -i 3 -r 1s -f 1"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class ParquetScanBench {
    static final int ROWS = 1 << 20;
    /** Spark's default {@code spark.sql.parquet.columnarReaderBatchSize}. */
    static final int SPARK_BATCH = 4096;
    /** Ember's default {@code spark.ember.batchSizeRows}. */
    static final int EMBER_BATCH = 1 << 18;

    @Param({"int", "long", "double", "decimal", "boolean", "string", "string_dict"})
    public String type;

    private BufferAllocator allocator;
    private String path;
    private VectorizedParquetRecordReader onHeap;
    private VectorizedParquetRecordReader offHeap;
    private List<DataType> types;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        allocator = new RootAllocator();
        File file = new File(System.getProperty("java.io.tmpdir"), "ember-parquet-bench-" + type + ".parquet");
        path = file.getAbsolutePath();
        if (!file.exists()) {
            write(file);
        }
        onHeap = open(false, ROWS);
        offHeap = open(true, ROWS);
        if (!onHeap.nextBatch() || !offHeap.nextBatch() || offHeap.resultBatch().numRows() != ROWS) {
            throw new IllegalStateException("the file is not one batch of " + ROWS + " rows");
        }
        types = List.of(offHeap.resultBatch().column(0).dataType());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        onHeap.close();
        offHeap.close();
        allocator.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void decode(Blackhole sink) throws IOException {
        try (VectorizedParquetRecordReader reader = open(true, EMBER_BATCH)) {
            ColumnarBatch batch = reader.resultBatch();
            while (reader.nextBatch()) {
                sink.consume(batch.numRows());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void copyPerValue(Blackhole sink) {
        ColumnarBatch batch = onHeap.resultBatch();
        try (BatchBuilder builder = new BatchBuilder(types, allocator, EMBER_BATCH, 128L << 20)) {
            for (int start = 0; start < ROWS; start += SPARK_BATCH) {
                builder.append(batch, start, SPARK_BATCH);
                if (builder.isFull()) {
                    try (ColumnarBatch built = builder.build()) {
                        sink.consume(built.numRows());
                    }
                }
            }
            if (builder.rows() > 0) {
                try (ColumnarBatch built = builder.build()) {
                    sink.consume(built.numRows());
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void copyBulk(Blackhole sink) {
        ColumnarBatch batch = offHeap.resultBatch();
        for (int start = 0; start < ROWS; start += EMBER_BATCH) {
            try (FieldVector imported = ColumnVectorImport.importColumn("c", batch.column(0), types.get(0), start,
                    EMBER_BATCH, allocator)) {
                sink.consume(imported.getValueCount());
            }
        }
    }

    private VectorizedParquetRecordReader open(boolean offHeap, int capacity) throws IOException {
        VectorizedParquetRecordReader reader = new VectorizedParquetRecordReader(offHeap, capacity);
        reader.initialize(path, null);
        reader.enableReturningBatches();
        // creates the reader's batch, which nextBatch fills
        reader.resultBatch();
        return reader;
    }

    private void write(File file) throws IOException {
        String column = switch (type) {
            case "int" -> "optional int32 v;";
            case "long" -> "optional int64 v;";
            case "double" -> "optional double v;";
            case "decimal" -> "optional int64 v (DECIMAL(12,2));";
            case "date" -> "optional int32 v (DATE);";
            case "boolean" -> "optional boolean v;";
            case "string", "string_dict" -> "optional binary v (UTF8);";
            default -> throw new IllegalArgumentException(type);
        };
        MessageType schema = MessageTypeParser.parseMessageType("message bench { " + column + " }");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        Random random = new Random(42);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new Path(file.getAbsolutePath()))
                .withConf(new Configuration()).withType(schema).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withDictionaryEncoding(type.equals("string_dict")).withRowGroupSize(256L << 20).build()) {
            for (int row = 0; row < ROWS; row++) {
                Group group = groups.newGroup();
                if (random.nextInt(20) != 0) {
                    switch (type) {
                        case "int", "date" -> group.add("v", random.nextInt(30_000));
                        case "long", "decimal" -> group.add("v", random.nextLong() % 1_000_000_000_000L);
                        case "double" -> group.add("v", random.nextDouble() * 1e6);
                        case "boolean" -> group.add("v", random.nextBoolean());
                        case "string" -> group.add("v", Binary.fromString("value-" + random.nextInt(1_000_000)));
                        case "string_dict" -> group.add("v", Binary.fromString("category-" + random.nextInt(100)));
                        default -> throw new IllegalArgumentException(type);
                    }
                }
                writer.write(group);
            }
        }
    }

}
