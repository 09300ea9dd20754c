package dev.ember.exec.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import dev.ember.memory.MemoryContext;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host tier of spills (device → host → disk): spills stay in host memory while it has room; a full
 * tier moves the oldest spills nobody reads to disk, or writes past itself to disk when nothing can move;
 * a spill being read never moves; every way reads back the bytes written, checksums hold on disk after a
 * move, and the tier and every allocator end at zero bytes. The external sort, many runs merged over
 * several passes, gives the stable order with its runs spread over both tiers.
 */
class TestHostSpillTier {
    private long seed;
    private Random random;
    private RootAllocator root;
    private BufferAllocator inputs;
    private BufferAllocator limited;
    private Device device;
    private SpillFiles files;
    private final List<File> written = new ArrayList<>();

    @BeforeEach
    void setUp() {
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestHostSpillTier seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        random = new Random(seed);
        root = new RootAllocator();
        inputs = root.newChildAllocator("inputs", 0, Long.MAX_VALUE);
        limited = root.newChildAllocator("limited", 0, 256 << 10);
        device = new HostDevice();
        files = SpillFiles.forTask();
    }

    @AfterEach
    void tearDown() {
        files.close();
        HostSpillTier.install(HostSpillTier.disabled());
        for (File file : written) {
            assertFalse(file.exists(), "spill file left behind: " + file);
        }
        device.close();
        limited.close();
        inputs.close();
        root.close();
    }

    /** {@code rows} rows of a long and a string column, the long counting from {@code first}. */
    private ColumnarBatch batch(long first, int rows) {
        BigIntVector numbers = new BigIntVector("n", inputs);
        VarCharVector words = new VarCharVector("w", inputs);
        numbers.allocateNew(Math.max(rows, 1));
        words.allocateNew();
        for (int i = 0; i < rows; i++) {
            if (i % 17 == 3) {
                numbers.setNull(i);
                words.setNull(i);
            } else {
                numbers.set(i, first + i);
                words.setSafe(i, ("w" + (first + i) + (i % 5 == 0 ? "" : "日本")).getBytes(StandardCharsets.UTF_8));
            }
        }
        numbers.setValueCount(rows);
        words.setValueCount(rows);
        return ArrowBatches.toSpark(List.of(numbers, words), rows);
    }

    /** Writes {@code batches} batches of 1,000 rows as one spill; returns its part. */
    private SpilledPart spill(long first, int batches) {
        File file = files.newFile();
        written.add(file);
        try (SpillWriter writer = new SpillWriter(file)) {
            for (int b = 0; b < batches; b++) {
                try (ColumnarBatch batch = batch(first + 1000L * b, 1000)) {
                    writer.write(ArrowBatches.vectors(batch), batch.numRows());
                }
            }
            writer.finish();
            return writer.part();
        }
    }

    /**
     * Whether the part's bytes are on disk. (Outside a Spark task a spill's name is a temporary file that
     * exists from the start, empty while the bytes are in host memory.)
     */
    private static boolean onDisk(SpilledPart part) {
        return part.file().exists() && part.file().length() == part.bytes();
    }

    /** Reads a part back and checks it holds what {@link #spill} wrote. */
    private void readBack(SpilledPart part, long first, int batches, MemoryContext memory) {
        try (SpillReader reader = new SpillReader(part, memory)) {
            readAll(reader, first, batches);
        }
    }

    private static void readAll(SpillReader reader, long first, int batches) {
        long expected = first;
        int seen = 0;
        while (reader.hasNext()) {
            ColumnarBatch batch = reader.next();
            for (int r = 0; r < batch.numRows(); r++, expected++) {
                if (r % 17 == 3) {
                    assertTrue(batch.column(0).isNullAt(r));
                    assertTrue(batch.column(1).isNullAt(r));
                } else {
                    assertEquals(expected, batch.column(0).getLong(r));
                    assertEquals("w" + expected + (r % 5 == 0 ? "" : "日本"), batch.column(1).getUTF8String(r).toString());
                }
            }
            seen++;
        }
        assertEquals(batches, seen);
    }

    @Test
    void spillsMoveToDiskOldestFirstWhenTheTierIsFull() {
        HostSpillTier.install(HostSpillTier.withCapacity(512 << 10));
        HostSpillTier tier = HostSpillTier.current();
        try (MemoryContext memory = new MemoryContext("reader", limited)) {
            SpilledPart first = spill(0, 4);
            assertFalse(onDisk(first), "a spill that fits stays in host memory");
            assertTrue(tier.statistics().heldBytes() >= first.bytes());
            readBack(first, 0, 4, memory);

            // spills until the tier is full: the oldest move to disk, the newest stay
            List<SpilledPart> parts = new ArrayList<>(List.of(first));
            for (int i = 1; i < 12; i++) {
                parts.add(spill(100_000L * i, 4));
            }
            HostSpillTier.Statistics statistics = tier.statistics();
            assertTrue(statistics.movedBytes() > 0, statistics.describe());
            assertTrue(onDisk(first), "the oldest spill moved to disk");
            assertFalse(onDisk(parts.get(parts.size() - 1)), "the newest spill stays in host memory");
            assertTrue(statistics.heldBytes() <= 512 << 10, statistics.describe());
            for (int i = 0; i < parts.size(); i++) {
                readBack(parts.get(i), 100_000L * i, 4, memory);
            }
            for (SpilledPart part : parts) {
                files.delete(part.file());
                assertFalse(part.file().exists());
            }
            assertEquals(0, tier.statistics().heldBytes(), "deleting a spill releases its host memory");
            assertEquals(0, tier.statistics().spills());
        }
        assertEquals(0, limited.getAllocatedMemory());
    }

    @Test
    void aSpillBeingReadNeverMovesAndAFullTierWritesPastItself() {
        HostSpillTier.install(HostSpillTier.withCapacity(256 << 10));
        HostSpillTier tier = HostSpillTier.current();
        try (MemoryContext memory = new MemoryContext("reader", limited)) {
            SpilledPart held = spill(0, 2);
            assertFalse(onDisk(held));
            try (SpillReader reader = new SpillReader(held, memory)) {
                // larger than what is left: the spill being read cannot move, so this one goes to disk
                SpilledPart large = spill(1_000_000, 12);
                assertTrue(onDisk(large), "a spill past a full tier continues on disk");
                assertFalse(onDisk(held), "a spill being read stays in host memory");
                assertTrue(tier.statistics().bypassedBytes() >= large.bytes(), tier.statistics().describe());
                readAll(reader, 0, 2);
                readBack(large, 1_000_000, 12, memory);
            }
            // read and released: now the next spill that needs room moves it
            spill(2_000_000, 12);
            assertTrue(onDisk(held), tier.statistics().describe());
            readBack(held, 0, 2, memory);
        }
        assertEquals(0, limited.getAllocatedMemory());
    }

    @Test
    void aSpillMovedToDiskIsCheckedLikeAnyFile() throws IOException {
        HostSpillTier.install(HostSpillTier.withCapacity(200 << 10));
        try (MemoryContext memory = new MemoryContext("reader", limited)) {
            SpilledPart first = spill(0, 3);
            spill(500_000, 3);
            spill(900_000, 3);
            assertTrue(onDisk(first), "the first spill moved to disk");
            try (RandomAccessFile bytes = new RandomAccessFile(first.file(), "rw")) {
                bytes.seek(bytes.length() / 2);
                int value = bytes.read();
                bytes.seek(bytes.length() / 2);
                bytes.write(value ^ 0x04);
            }
            CorruptSpillFileException error = assertThrows(CorruptSpillFileException.class,
                    () -> readBack(first, 0, 3, memory));
            assertTrue(error.getMessage().contains("CRC32C"), error.getMessage());
        }
        assertEquals(0, limited.getAllocatedMemory());
    }

    @Test
    void aDisabledTierWritesEverySpillToDisk() {
        HostSpillTier.install(HostSpillTier.disabled());
        try (MemoryContext memory = new MemoryContext("reader", limited)) {
            SpilledPart part = spill(0, 2);
            assertTrue(onDisk(part));
            readBack(part, 0, 2, memory);
            assertEquals(0, HostSpillTier.current().statistics().keptBytes());
        }
    }

    @Test
    void theExternalSortMergesRunsFromBothTiersIntoTheStableOrder() {
        HostSpillTier.install(HostSpillTier.withCapacity(384 << 10));
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            rows.add(new long[] {random.nextInt(40) - 20, i});
        }
        List<long[]> sorted = new ArrayList<>();
        SpillMetrics metrics = new SpillMetrics(new SQLMetric("sum", 0L), new SQLMetric("sum", 0L));
        ExternalSort.Keys keys = (columns, rowCount, target) -> List.of(ArrowBatches.slice(columns.get(0), 0, rowCount,
                target));
        try (MemoryContext memory = new MemoryContext("sort", limited);
                ExternalSort sort = new ExternalSort("test sort", keys, List.of(new Device.SortKey(true, true)),
                        new ExternalSort.Settings(true, 3), 500, new BuildBudget(limited), device, memory, files,
                        metrics)) {
            for (int start = 0; start < rows.size(); start += 700) {
                int count = Math.min(700, rows.size() - start);
                BigIntVector key = new BigIntVector("key", inputs);
                BigIntVector position = new BigIntVector("position", inputs);
                key.allocateNew(count);
                position.allocateNew(count);
                for (int r = 0; r < count; r++) {
                    key.set(r, rows.get(start + r)[0]);
                    position.set(r, rows.get(start + r)[1]);
                }
                key.setValueCount(count);
                position.setValueCount(count);
                try (ColumnarBatch batch = ArrowBatches.toSpark(List.of(key, position), count)) {
                    sort.add(batch);
                }
            }
            sort.finish();
            for (ColumnarBatch out = sort.next(inputs); out != null; out = sort.next(inputs)) {
                try (ColumnarBatch batch = out) {
                    for (int r = 0; r < batch.numRows(); r++) {
                        sorted.add(new long[] {batch.column(0).getLong(r), batch.column(1).getLong(r)});
                    }
                }
            }
        }
        HostSpillTier.Statistics statistics = HostSpillTier.current().statistics();
        assertTrue(statistics.keptBytes() > 0, statistics.describe());
        assertTrue(statistics.movedBytes() + statistics.bypassedBytes() > 0, statistics.describe());
        assertEquals(0, statistics.heldBytes(), "every run was deleted: " + statistics.describe());
        List<long[]> expected = new ArrayList<>(rows);
        expected.sort(Comparator.comparingLong(row -> row[0]));
        assertEquals(expected.size(), sorted.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i)[0], sorted.get(i)[0], "seed " + seed + ", row " + i);
            assertEquals(expected.get(i)[1], sorted.get(i)[1], "seed " + seed + ", row " + i);
        }
        assertEquals(0, limited.getAllocatedMemory());
    }
}
