package dev.ember.exec.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import dev.ember.memory.MemoryContext;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The external sort against a stable sort of the same rows in Java, under a memory limit small enough that
 * it writes many runs and merges them in several passes; and spill files damaged between write and read
 * (truncated at a message boundary, truncated inside one, a flipped byte) fail with
 * {@link CorruptSpillFileException}, never with rows missing or wrong. Every buffer and file is released.
 */
class TestExternalSort {
    private static final long LIMIT = 256 << 10;

    private long seed;
    private Random random;
    private RootAllocator root;
    private BufferAllocator inputs;
    private BufferAllocator limited;
    private Device device;

    @BeforeEach
    void setUp() {
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestExternalSort seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        random = new Random(seed);
        // one root: the sort shares the input batches' buffers into its own (limited) allocator
        root = new RootAllocator();
        inputs = root.newChildAllocator("inputs", 0, Long.MAX_VALUE);
        limited = root.newChildAllocator("limited", 0, LIMIT);
        device = new HostDevice();
    }

    @AfterEach
    void tearDown() {
        device.close();
        limited.close();
        inputs.close();
        root.close();
    }

    /** A row of the test data: a key (null or a few values, so ties abound), its input position and a word. */
    private record Row(Integer key, int position, String word) {}

    private List<Row> rows(int count) {
        String[] words = {"", "a", "日本語", "NaN", "😀"};
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Integer key = random.nextInt(20) == 0 ? null
                    : random.nextInt(10) == 0 ? (random.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE)
                    : random.nextInt(50) - 25;
            rows.add(new Row(key, i, words[random.nextInt(words.length)] + i));
        }
        return rows;
    }

    private ColumnarBatch batch(List<Row> rows) {
        IntVector keys = new IntVector("key", inputs);
        IntVector positions = new IntVector("position", inputs);
        VarCharVector words = new VarCharVector("word", inputs);
        keys.allocateNew(Math.max(rows.size(), 1));
        positions.allocateNew(Math.max(rows.size(), 1));
        words.allocateNew();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (row.key() == null) {
                keys.setNull(i);
            } else {
                keys.set(i, row.key());
            }
            positions.set(i, row.position());
            words.setSafe(i, row.word().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        keys.setValueCount(rows.size());
        positions.setValueCount(rows.size());
        words.setValueCount(rows.size());
        return ArrowBatches.toSpark(List.of(keys, positions, words), rows.size());
    }

    private ExternalSort newSort(boolean descending, MemoryContext memory, SpillFiles files, SpillMetrics metrics) {
        // key: column 0, shared into the target
        ExternalSort.Keys keys = (columns, rowCount, target) -> List.of(ArrowBatches.slice(columns.get(0), 0, rowCount,
                target));
        return new ExternalSort("test sort", keys, List.of(new Device.SortKey(!descending, !descending)),
                new ExternalSort.Settings(true, 3), 500, new BuildBudget(limited), device, memory, files, metrics);
    }

    private static SpillMetrics metrics() {
        return new SpillMetrics(new SQLMetric("sum", 0L), new SQLMetric("sum", 0L));
    }

    @Test
    void spilledRunsMergeIntoTheStableOrder() {
        for (boolean descending : new boolean[] {false, true}) {
            List<Row> rows = rows(30_000);
            SpillMetrics metrics = metrics();
            List<Row> sorted = new ArrayList<>();
            try (MemoryContext memory = new MemoryContext("sort", limited); SpillFiles files = SpillFiles.forTask();
                    ExternalSort sort = newSort(descending, memory, files, metrics)) {
                for (int start = 0; start < rows.size(); start += 700) {
                    try (ColumnarBatch batch = batch(rows.subList(start, Math.min(rows.size(), start + 700)))) {
                        sort.add(batch);
                    }
                }
                sort.finish();
                for (ColumnarBatch out = sort.next(inputs); out != null; out = sort.next(inputs)) {
                    try (ColumnarBatch batch = out) {
                        assertTrue(batch.numRows() <= 500, "batches hold at most maxRows rows");
                        for (int r = 0; r < batch.numRows(); r++) {
                            sorted.add(new Row(batch.column(0).isNullAt(r) ? null : batch.column(0).getInt(r),
                                    batch.column(1).getInt(r), batch.column(2).getUTF8String(r).toString()));
                        }
                    }
                }
                assertTrue(sort.hasSpilled(), "30,000 rows under a 256 KiB limit must spill");
            }
            // more runs than the merge width: some were merged in an earlier pass
            assertTrue(metrics.partitions().value() > 3, "runs written: " + metrics.partitions().value());
            Comparator<Integer> keyOrder = descending ? Comparator.nullsLast(Comparator.<Integer>reverseOrder())
                    : Comparator.nullsFirst(Comparator.<Integer>naturalOrder());
            List<Row> expected = new ArrayList<>(rows);
            // List.sort is stable: ties keep their input order
            expected.sort(Comparator.comparing(Row::key, keyOrder));
            assertEquals(expected, sorted, "seed " + seed);
            assertEquals(0, limited.getAllocatedMemory());
        }
    }

    @Test
    void damagedRunsFailClearly() throws IOException {
        for (String damage : new String[] {"truncate", "flip", "cut-inside"}) {
            List<Row> rows = rows(20_000);
            SpillMetrics metrics = metrics();
            try (MemoryContext memory = new MemoryContext("sort", limited); SpillFiles files = SpillFiles.forTask();
                    ExternalSort sort = newSort(false, memory, files, metrics)) {
                for (int start = 0; start < rows.size(); start += 700) {
                    try (ColumnarBatch batch = batch(rows.subList(start, Math.min(rows.size(), start + 700)))) {
                        sort.add(batch);
                    }
                }
                List<SpilledPart> runs = sort.runs();
                assertTrue(!runs.isEmpty(), "no run was written");
                damage(runs.get(runs.size() / 2).file(), damage);
                CorruptSpillFileException error = assertThrows(CorruptSpillFileException.class, () -> {
                    sort.finish();
                    for (ColumnarBatch out = sort.next(inputs); out != null; out = sort.next(inputs)) {
                        out.close();
                    }
                }, damage);
                assertTrue(error.getMessage().contains("is damaged"), error.getMessage());
            }
            assertEquals(0, limited.getAllocatedMemory(), damage);
        }
    }

    private static void damage(File file, String how) throws IOException {
        try (RandomAccessFile bytes = new RandomAccessFile(file, "rw")) {
            long length = bytes.length();
            switch (how) {
                // the end-of-stream marker only: the rest reads as a valid, shorter stream
                case "truncate" -> bytes.setLength(length - 8);
                case "cut-inside" -> bytes.setLength(length / 2);
                case "flip" -> {
                    bytes.seek(length / 2);
                    int value = bytes.read();
                    bytes.seek(length / 2);
                    bytes.write(value ^ 0x10);
                }
                default -> throw new IllegalArgumentException(how);
            }
        }
    }

    @Test
    void aFileWithoutChecksumCutAtABatchBoundaryFailsOnItsRowCount() throws IOException {
        List<Row> rows = rows(3000);
        File file = File.createTempFile("ember-test-spill-", ".arrows");
        try (MemoryContext memory = new MemoryContext("reader", limited)) {
            long boundary;
            long total;
            try (SpillWriter writer = new SpillWriter(file)) {
                for (int start = 0; start < rows.size(); start += 1000) {
                    try (ColumnarBatch batch = batch(rows.subList(start, start + 1000))) {
                        writer.write(ArrowBatches.vectors(batch), batch.numRows());
                    }
                }
                writer.finish();
                total = writer.rowCount();
            }
            // a stream that ends after its second batch, marker included, is valid Arrow: only the count tells
            try (SpillWriter writer = new SpillWriter(file)) {
                for (int start = 0; start < 2000; start += 1000) {
                    try (ColumnarBatch batch = batch(rows.subList(start, start + 1000))) {
                        writer.write(ArrowBatches.vectors(batch), batch.numRows());
                    }
                }
                writer.finish();
                boundary = writer.bytes();
            }
            SpilledPart part = new SpilledPart(file, total, boundary);
            CorruptSpillFileException error = assertThrows(CorruptSpillFileException.class, () -> {
                try (SpillReader reader = new SpillReader(part, memory)) {
                    while (reader.hasNext()) {
                        reader.next();
                    }
                }
            });
            assertTrue(error.getMessage().contains("2000 rows where 3000 were written"), error.getMessage());
        } finally {
            assertTrue(file.delete());
        }
        assertEquals(0, limited.getAllocatedMemory());
    }
}
