package dev.ember.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.exec.exchange.EmberShuffleExchangeExec;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Shuffle files of Ember's exchange damaged on disk between the map and the reduce stage: the query
 * either fails with an error that says the block is damaged or, after Spark's own retry recomputed the
 * map output, gives Spark's answer; never a wrong answer. The map stage is run first and on its own
 * (adaptive execution off, the exchange's dependency submitted as a map stage), so the damage always
 * lands before the reduce side reads.
 *
 * <p>Runs in a JVM of its own (the {@code corrupt-shuffle} execution of {@code plugin/pom.xml}, and on the CUDA
 * emulator {@code emulator-corrupt-shuffle}): a failed fetch makes Spark drop the local executor's block
 * manager, which local mode cannot register again, and ten minutes later that stops the SparkContext under
 * whatever test runs then.
 */
class TestCorruptShuffleFiles {
    private static final String QUERY = "SELECT k % 10 AS g, count(*) AS n, sum(v % 100000) AS total, max(s) AS top"
            + " FROM corrupt_data GROUP BY k % 10";

    private static final AtomicInteger FAILED_TASKS = new AtomicInteger();
    private static final SparkListener FAILURES = new SparkListener() {
        @Override
        public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            if (taskEnd.reason() instanceof TaskFailedReason) {
                FAILED_TASKS.incrementAndGet();
            }
        }
    };

    @BeforeAll
    static void createTable() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("k", DataTypes.IntegerType)
                .add("v", DataTypes.LongType)
                .add("s", DataTypes.StringType);
        RandomData random = RandomData.create("TestCorruptShuffleFiles");
        session.createDataFrame(random.rows(schema, 3000, 9), schema).repartition(3)
                .createOrReplaceTempView("corrupt_data");
        session.sparkContext().addSparkListener(FAILURES);
    }

    @AfterAll
    static void removeListener() {
        SharedSpark.session().sparkContext().removeSparkListener(FAILURES);
    }

    @Test
    void bytesOverwrittenInTheMiddle() throws Exception {
        runWithDamage(file -> overwrite(file, file.length() / 2, 48));
    }

    @Test
    void bytesOverwrittenAtTheStartOfEveryBlock() throws Exception {
        // the first bytes of the file are the first block's header: its magic and length
        runWithDamage(file -> overwrite(file, 0, 16));
    }

    @Test
    void truncatedToHalf() throws Exception {
        runWithDamage(file -> {
            try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
                raf.setLength(file.length() / 2);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void runWithDamage(Consumer<File> damage) throws Exception {
        SparkSession session = SharedSpark.session();
        session.conf().set("spark.sql.adaptive.enabled", "false");
        session.conf().set("spark.ember.enabled", "false");
        try {
            List<Row> expected = sorted(session.sql(QUERY).collectAsList());
            session.conf().set("spark.ember.enabled", "true");
            Dataset<Row> query = session.sql(QUERY);
            EmberShuffleExchangeExec exchange = findExchange(query.queryExecution().executedPlan());
            Await.result(exchange.mapOutputStatisticsFuture(), Duration.Inf());
            int shuffleId = exchange.shuffleDependency().shuffleId();
            List<File> files = new ArrayList<>();
            for (File file : CollectionConverters.asJava(SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
                if (file.getName().startsWith("shuffle_" + shuffleId + "_") && file.getName().endsWith(".data")
                        && file.length() > 64) {
                    files.add(file);
                }
            }
            assertFalse(files.isEmpty(), "the exchange's map stage wrote no data file");
            files.forEach(damage);
            int failuresBefore = FAILED_TASKS.get();
            List<Row> answer;
            try {
                answer = sorted(query.collectAsList());
            } catch (Exception e) {
                String chain = causes(e);
                assertTrue(chain.contains("damaged") || chain.contains("FetchFailed") || chain.contains("corrupt"),
                        "the error does not say the shuffle data is damaged: " + chain);
                return;
            }
            // an answer after damaged files is right only because Spark retried and recomputed
            assertEquals(expected, answer, "a wrong answer from damaged shuffle files");
            SharedSpark.session().sparkContext().listenerBus().waitUntilEmpty();
            assertTrue(FAILED_TASKS.get() > failuresBefore, "the damage went unnoticed: no task failed");
        } finally {
            session.conf().unset("spark.sql.adaptive.enabled");
            session.conf().unset("spark.ember.enabled");
        }
    }

    private static EmberShuffleExchangeExec findExchange(SparkPlan plan) {
        if (plan instanceof EmberShuffleExchangeExec exchange) {
            return exchange;
        }
        for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
            EmberShuffleExchangeExec found = findExchange(child);
            if (found != null) {
                return found;
            }
        }
        if (plan.getClass().getSimpleName().equals("WholeStageCodegenExec")
                || plan.getClass().getSimpleName().endsWith("InputAdapter")) {
            return null;
        }
        throw new AssertionError("no EmberShuffleExchangeExec in " + plan);
    }

    private static void overwrite(File file, long position, int length) {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.seek(Math.max(0, Math.min(position, file.length() - length)));
            byte[] garbage = new byte[length];
            for (int i = 0; i < length; i++) {
                garbage[i] = (byte) (0x5A ^ i * 37);
            }
            raf.write(garbage);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable current = error; current != null; current = current.getCause()) {
            text.append(current.getClass().getName()).append(": ").append(current.getMessage()).append(" <- ");
        }
        return text.toString();
    }

    private static List<Row> sorted(List<Row> rows) {
        List<Row> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(Row::toString));
        return copy;
    }
}
