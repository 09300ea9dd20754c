package dev.ember.tuner.bench;

import dev.ember.tuner.SyntheticEventLog;
import dev.ember.tuner.io.EventLogCodec;
import dev.ember.tuner.io.EventLogReader;
import dev.ember.tuner.io.EventLogSource;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.StageModel;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reading speed and memory on a large synthetic event log (not a unit test: run it by hand).
 *
 * <pre>
 * mvn -q -B -pl tuner -am package -DskipTests
 * java -Xmx256m -cp tuner/target/test-classes:tuner/target/classes:$(cat tuner/target/classpath.txt) \
 *     dev.ember.tuner.bench.EventLogBenchmark [--size-mb 1024] [--codec none|lz4|lzf|snappy|zstd] [--dir DIR]
 * </pre>
 *
 * Writes a log of at least {@code --size-mb} MiB (uncompressed) in Spark 4.1's JSON shapes once
 * (kept for later runs), reads it with one thread, and prints MB/s of uncompressed log read, the
 * cores the JVM had, and the peak heap used, measured from the JVM's heap memory pools.
 * ({@code classpath.txt} is written by {@code mvn -pl tuner package}.)
 */
public final class EventLogBenchmark {
  private static final int TASKS_PER_STAGE = 1000;

  private EventLogBenchmark() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = 1024;
    EventLogCodec codec = EventLogCodec.NONE;
    Path directory = Paths.get("tuner", "target", "bench");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size-mb" -> sizeMib = Long.parseLong(args[++i]);
        case "--codec" -> codec = args[i + 1].equals("none") ? EventLogCodec.NONE
            : EventLogCodec.fromFileName("x." + args[i + 1]);
        case "--dir" -> directory = Paths.get(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --size-mb N, --codec none|lz4|lzf|snappy|zstd, --dir DIR");
      }
      if (args[i].equals("--codec")) {
        i++;
      }
    }
    Files.createDirectories(directory);
    Path log = directory.resolve("app-bench-" + sizeMib + "m" + (codec == EventLogCodec.NONE ? "" : "." + codec.extension()));
    if (!Files.exists(log)) {
      long started = System.nanoTime();
      long written = write(log, codec, sizeMib << 20);
      System.out.printf(Locale.ROOT, "wrote %s: %.0f MiB uncompressed, %.0f MiB on disk in %.1f s%n", log,
          written / 1048576.0, Files.size(log) / 1048576.0, (System.nanoTime() - started) / 1e9);
    }
    List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    System.gc();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    long baseline = heapPools.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();

    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStarted = threads.getCurrentThreadCpuTime();
    long started = System.nanoTime();
    ApplicationModel app = new EventLogReader().read(new EventLogSource(log, List.of(log), false, false));
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;

    long peak = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    long tasks = app.stages().stream().mapToLong(StageModel::taskCount).sum();
    double megabytes = app.readStatistics().uncompressedBytes() / 1e6;
    System.out.printf(Locale.ROOT, "read %s (%s): %.0f MB uncompressed, %d lines, %d tasks, %d stages in %.2f s%n",
        log.getFileName(), codec == EventLogCodec.NONE ? "uncompressed" : codec.extension(), megabytes,
        app.readStatistics().lines(), tasks, app.stages().size(), seconds);
    System.out.printf(Locale.ROOT, "throughput: %.1f MB/s wall clock on one reading thread; %.1f MB/s per CPU-second of"
        + " that thread (%.2f s CPU; the JVM sees %d cores, shared with other work)%n",
        megabytes / seconds, megabytes / cpuSeconds, cpuSeconds, Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "peak heap: %.1f MiB (sum of heap pool peaks; %.1f MiB in use before reading; -Xmx %.0f MiB)%n",
        peak / 1048576.0, baseline / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
  }

  /** Writes stages of {@value #TASKS_PER_STAGE} tasks until the log holds {@code bytes}; returns the bytes written. */
  private static long write(Path log, EventLogCodec codec, long bytes) throws Exception {
    CountingStream counter;
    try (OutputStream file = Files.newOutputStream(log);
        OutputStream compressed = compress(codec, file);
        CountingStream counting = new CountingStream(compressed);
        SyntheticEventLog writer = new SyntheticEventLog(counting, 1_700_000_000_000L)) {
      counter = counting;
      writer.header("app-bench", "benchmark", Map.of("spark.master", "yarn", "spark.executor.cores", "4"));
      int stage = 0;
      long time = 1000;
      while (counting.count < bytes) {
        int sql = stage / 10;
        if (stage % 10 == 0) {
          String plan = SyntheticEventLog.planNode("HashAggregate", "HashAggregate(keys=[k#1], functions=[sum(v#2)])",
              SyntheticEventLog.planNode("Filter", "Filter (v#2 > 10)",
                  SyntheticEventLog.planNode("Scan parquet", "FileScan parquet", "", "number of output rows", 3L * sql + 1),
                  "number of output rows", 3L * sql + 2), "number of output rows", 3L * sql + 3);
          writer.sqlStart(sql, "query " + sql, plan, time);
        }
        writer.jobStart(stage, stage, sql, time).stageSubmitted(stage, TASKS_PER_STAGE, time);
        for (int task = 0; task < TASKS_PER_STAGE; task++) {
          writer.task(stage, task, time + task, new SyntheticEventLog.Task(100 + task % 50, task % 7, 1 << 20,
              1 << 19, task % 100 == 0 ? 1 << 20 : 0, 1 << 21, 1 << 24));
        }
        time += 2000;
        writer.stageCompleted(stage, TASKS_PER_STAGE, time - 2000, time, 3L * sql + 1, 1000, 3L * sql + 2, 500)
            .jobEnd(stage, time);
        if (stage % 10 == 9) {
          writer.sqlEnd(sql, time);
        }
        stage++;
      }
      writer.applicationEnd(time + 1000);
    }
    return counter.count;
  }

  private static OutputStream compress(EventLogCodec codec, OutputStream raw) throws Exception {
    return switch (codec) {
      case NONE -> raw;
      case LZ4 -> new net.jpountz.lz4.LZ4BlockOutputStream(raw, 32 * 1024);
      case LZF -> new com.ning.compress.lzf.LZFOutputStream(raw);
      case SNAPPY -> new org.xerial.snappy.SnappyOutputStream(raw, 32 * 1024);
      case ZSTD -> new com.github.luben.zstd.ZstdOutputStream(raw);
      case GZIP -> new java.util.zip.GZIPOutputStream(raw, 1 << 16);
    };
  }

  /** Counts uncompressed bytes on their way to the compressor. */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int value) throws java.io.IOException {
      out.write(value);
      count++;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws java.io.IOException {
      out.write(buffer, offset, length);
      count += length;
    }
  }
}
