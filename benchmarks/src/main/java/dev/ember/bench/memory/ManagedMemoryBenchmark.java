package dev.ember.bench.memory;

import dev.ember.device.cuda.CudaDevices;
import dev.ember.device.cuda.ManagedMemoryStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Prints how fast Arrow buffers come from CUDA managed memory with and without the caching pool
 * ({@code spark.ember.memory.gpu.caching}), and how many driver calls each makes, on Ember's CUDA
 * driver emulator (or a real GPU with {@code --real-gpu}).
 *
 * <p>The workload is batch-shaped: each task thread allocates the buffers of one batch of four
 * columns of 65,536 rows (validity bitmaps, 4- and 8-byte values, string offsets and bytes), holds
 * them, and releases them, {@code --batches} times. It prints numbers; it asserts nothing.
 *
 * <pre>
 * java --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *   dev.ember.bench.memory.ManagedMemoryBenchmark [--batches N] [--threads T] [--real-gpu]
 * </pre>
 */
public final class ManagedMemoryBenchmark {

    private static final int ROWS = 1 << 16;

    // one batch: validity bitmap + values of an int, a long and a double column, a string column's
    // offsets and bytes, and one small selection vector
    private static final long[] BATCH_BUFFER_BYTES = {
        ROWS / 8, ROWS * 4L, ROWS / 8, ROWS * 8L, ROWS / 8, ROWS * 8L, ROWS / 8, (ROWS + 1) * 4L, ROWS * 12L, 4096,
    };

    private ManagedMemoryBenchmark() {}

    public static void main(String[] arguments) throws Exception {
        int batches = 2000;
        int threads = 2;
        boolean realGpu = false;
        for (int i = 0; i < arguments.length; i++) {
            switch (arguments[i]) {
                case "--batches" -> batches = Integer.parseInt(value(arguments, ++i, "--batches"));
                case "--threads" -> threads = Integer.parseInt(value(arguments, ++i, "--threads"));
                case "--real-gpu" -> realGpu = true;
                default -> throw new IllegalArgumentException("unknown option " + arguments[i]
                        + "; options: --batches N (default 2000), --threads T (default 2), --real-gpu");
            }
        }
        if (batches < 1 || threads < 1) {
            throw new IllegalArgumentException("--batches and --threads must be at least 1");
        }
        System.out.printf(Locale.ROOT, "managed memory allocation benchmark: %s, %d threads x %d batches of %d buffers"
                + " (%,d bytes per batch)%n", realGpu ? "real GPU" : "CUDA driver emulator", threads, batches,
                BATCH_BUFFER_BYTES.length, batchBytes());
        System.out.println("caching | buffers/s  | driver allocs | driver frees | reuse hits | peak held bytes");
        for (boolean caching : new boolean[] {false, true}) {
            run(realGpu, caching, threads, Math.max(1, batches / 10)); // warm-up: JIT, emulator pages
            Result result = run(realGpu, caching, threads, batches);
            ManagedMemoryStatistics statistics = result.statistics();
            System.out.printf(Locale.ROOT, "%-7s | %,10.0f | %,13d | %,12d | %,10d | %,d%n", caching ? "on" : "off",
                    result.buffersPerSecond(), statistics.driverAllocations(), statistics.driverFrees(),
                    statistics.reuseHits(), statistics.peakHeldBytes());
        }
    }

    private static String value(String[] arguments, int index, String option) {
        if (index >= arguments.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return arguments[index];
    }

    private static long batchBytes() {
        long total = 0;
        for (long bytes : BATCH_BUFFER_BYTES) {
            total += bytes;
        }
        return total;
    }

    private record Result(double buffersPerSecond, ManagedMemoryStatistics statistics) {}

    private static Result run(boolean realGpu, boolean caching, int threads, int batches) throws Exception {
        CudaDevices.Opened opened = CudaDevices.open(CudaDevices.Settings.of(!realGpu, 0.5, threads)
                .withCaching(caching).withMemoryCapBytes(1L << 30));
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (var device = opened.device();
                RootAllocator root = new RootAllocator(RootAllocator.configBuilder()
                        .allocationManagerFactory(opened.memoryFactory()).maxAllocation(1L << 30).build())) {
            long start = System.nanoTime();
            List<Future<?>> tasks = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                String name = "task-" + thread;
                tasks.add(executor.submit(() -> {
                    try (BufferAllocator task = root.newChildAllocator(name, 0, Long.MAX_VALUE)) {
                        ArrowBuf[] batch = new ArrowBuf[BATCH_BUFFER_BYTES.length];
                        for (int round = 0; round < batches; round++) {
                            for (int i = 0; i < batch.length; i++) {
                                batch[i] = task.buffer(BATCH_BUFFER_BYTES[i]);
                            }
                            for (ArrowBuf buffer : batch) {
                                buffer.close();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long buffers = (long) threads * batches * BATCH_BUFFER_BYTES.length;
            return new Result(buffers / seconds, opened.memoryFactory().statistics());
        } finally {
            executor.shutdownNow();
        }
    }
}
