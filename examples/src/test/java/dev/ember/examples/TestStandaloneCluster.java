package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ember as users run it: README's spark-submit command, unchanged, submits the example application with Ember's
 * jar to a standalone cluster of separate JVMs on 127.0.0.1 (a Master, two one-core Workers, one executor JVM
 * per Worker), assembled from Maven jars. Checks the answer against a run without Ember, that every executor JVM
 * set Ember up, and that shuffles and broadcasts crossed executors with Ember operators on both sides. Then
 * examples/scripts/submit-standalone.sh submits the SQL example to the same cluster.
 *
 * <p>The cluster's settings live in the run's {@code spark-defaults.conf}, as on a real cluster; one of them,
 * {@code spark.shuffle.readHostLocalDisk=false}, makes executors fetch each other's shuffle blocks over the
 * network as they would across hosts (on one host Spark would otherwise read the other executor's files).
 * Logs: examples/target/integration/standalone-cluster.
 */
class TestStandaloneCluster {
    private static final Pattern APP_ID = Pattern.compile("Connected to Spark cluster with app ID (app-\\S+)");

    private static StandaloneCluster cluster;
    private static SparkHome submitting;
    private static Path directory;
    private static Submission withEmber;

    @BeforeAll
    static void submitToCluster() throws IOException, InterruptedException {
        directory = ExampleRuns.runDirectory("standalone-cluster");
        SparkHome home = SparkHome.prepare(BuildPaths.sparkVersion());
        cluster = StandaloneCluster.start(home.withDefaults(directory.resolve("daemons"), Map.of()), 2, "1g",
                directory);
        submitting = home.withDefaults(directory, clusterDefaults(cluster.masterUrl()));
        withEmber = Submission.run("with-ember", ExampleRuns.readmeCommand(), submitting, directory);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            List<ProcessHandle> started = cluster.processes();
            cluster.close();
            assertEquals(List.of(), started.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(),
                    "processes of the cluster still run after it was stopped");
        }
    }

    @Test
    void answerEqualsTheRunWithoutEmber() throws IOException, InterruptedException {
        withEmber.requireSuccess();
        assertEquals(ExampleRuns.answerWithoutEmber(), withEmber.resultLines(),
                "the answer with Ember on the cluster differs from the answer without Ember");
    }

    @Test
    void everyExecutorSetEmberUp() throws IOException {
        withEmber.requireSuccess();
        String driverLog = withEmber.driverLogText();
        Matcher appId = APP_ID.matcher(driverLog);
        assertTrue(appId.find(), "the driver log does not say which application id it got: " + withEmber.driverLog());
        assertTrue(driverLog.contains(" is on: spark.ember.device="),
                "the driver did not start Ember's driver plugin; see " + withEmber.driverLog());
        List<String> executors = new ArrayList<>();
        for (Path workDirectory : cluster.workDirectories()) {
            List<Path> executorDirectories = executorDirectories(workDirectory.resolve(appId.group(1)));
            assertFalse(executorDirectories.isEmpty(), "worker " + workDirectory + " ran no executor");
            for (Path executorDirectory : executorDirectories) {
                String executor = executorDirectory.getFileName().toString();
                Path executorLog = executorDirectory.resolve("stderr");
                String log = Files.readString(executorLog);
                assertTrue(Pattern.compile("Ember \\S+ on executor " + executor + ": device ").matcher(log).find(),
                        "executor " + executor + " did not set Ember up; see " + executorLog);
                executors.add(executor);
            }
        }
        assertEquals(2, executors.size(), "expected one executor per worker, got " + executors);
    }

    @Test
    void driverHeardFromEveryExecutor() throws IOException {
        withEmber.requireSuccess();
        String driverLog = withEmber.driverLogText();
        Matcher appId = APP_ID.matcher(driverLog);
        assertTrue(appId.find(), "the driver log does not say which application id it got: " + withEmber.driverLog());
        for (Path workDirectory : cluster.workDirectories()) {
            for (Path executorDirectory : executorDirectories(workDirectory.resolve(appId.group(1)))) {
                String executor = executorDirectory.getFileName().toString();
                String log = Files.readString(executorDirectory.resolve("stderr"));
                assertTrue(Pattern.compile("Ember on executor " + executor + " \\(host ").matcher(driverLog).find(),
                        "the driver did not hear from Ember on executor " + executor + "; see " + withEmber.driverLog());
            }
        }
    }

    @Test
    void shuffleCrossedExecutors() throws IOException {
        withEmber.requireSuccess();
        Map<String, String> tasks = fields(onlyLine("tasks", "revenue-by-store"));
        assertEquals(2, tasks.get("executors").split(",").length,
                "the shuffle query's tasks did not run on both executors: " + tasks);
        assertTrue(Long.parseLong(tasks.get("remote-blocks")) > 0,
                "no shuffle block crossed executors (remote-blocks=0): " + tasks);
    }

    @Test
    void broadcastReachedBothExecutors() throws IOException {
        withEmber.requireSuccess();
        // Ember's own broadcast exchange, read by its broadcast hash join
        assertFalse(exchanges("revenue-by-region", "EmberBroadcastExchangeExec").isEmpty(),
                "the join query has no broadcast: " + withEmber.summaryLines("exchange", "revenue-by-region"));
        Map<String, String> tasks = fields(onlyLine("tasks", "revenue-by-region"));
        assertEquals(2, tasks.get("executors").split(",").length,
                "the broadcast join's tasks did not run on both executors: " + tasks);
    }

    @Test
    void emberRanOnBothSidesOfTheShuffleAndTheBroadcast() throws IOException {
        withEmber.requireSuccess();
        // Ember's own exchange: its blocks cross executor JVMs (shuffleCrossedExecutors checks remote blocks)
        assertTrue(exchanges("revenue-by-store", "EmberShuffleExchangeExec").stream()
                        .anyMatch(TestStandaloneCluster::bothSides),
                "no Ember shuffle of revenue-by-store has Ember operators on both sides: "
                        + withEmber.summaryLines("exchange", "revenue-by-store"));
        assertTrue(exchanges("revenue-by-region", "EmberBroadcastExchangeExec").stream()
                        .anyMatch(TestStandaloneCluster::bothSides),
                "the broadcast of revenue-by-region has no Ember operators on both sides: "
                        + withEmber.summaryLines("exchange", "revenue-by-region"));
    }

    @Test
    void standaloneScriptRunsTheSqlExample() throws IOException, InterruptedException {
        Submission sql = Submission.run("sql-script", "examples/scripts/submit-standalone.sh " + cluster.masterUrl()
                + " sql", submitting, directory).requireSuccess();
        assertEquals(ExampleRuns.answerWithoutEmber(), sql.resultLines(),
                "the SQL example's answer with Ember on the cluster differs from the answer without Ember");
        for (String query : ExampleRuns.QUERIES) {
            List<String> ember = sql.summaryLines("ember", query);
            assertEquals(1, ember.size(), "no 'ember " + query + "' line in the output: " + sql.stdout());
            assertFalse(ember.get(0).endsWith(" -"), "no Ember operator ran in the SQL example's " + query
                    + "; the driver log's explain says why: " + sql.driverLog());
        }
    }

    /**
     * An executor JVM killed while it runs tasks of an Ember query (a shuffle and an aggregation over 40 million
     * rows): Spark reruns its tasks and the lost map output on the other executor, the Master starts a new
     * executor in its place, and the answer equals the one computed here without Spark.
     */
    @Test
    void executorKilledMidQueryIsReplacedAndTheAnswerStillMatches() throws Exception {
        long rows = 40_000_000L;
        Path script = directory.resolve("executor-lost.sql");
        Files.writeString(script, "CREATE OR REPLACE TEMPORARY VIEW big AS\n"
                + "SELECT id % 1000 AS k, (id * 7919) % 100000 AS cents FROM range(0, " + rows + ", 1, 8);\n"
                + "-- query: executor-lost\n"
                + "SELECT k % 50 AS g, count(*) AS n, sum(cents) AS total\n"
                + "FROM (SELECT /*+ REPARTITION(8, k) */ k, cents FROM big WHERE cents >= 1000) s GROUP BY k % 50;\n");
        String command = "spark-submit --jars " + BuildPaths.projectRoot().relativize(BuildPaths.pluginJar())
                + " --conf spark.plugins=dev.ember.EmberPlugin --class dev.ember.examples.SqlScript "
                + BuildPaths.projectRoot().relativize(BuildPaths.examplesJar()) + " " + script.toAbsolutePath();
        CompletableFuture<Submission> running = CompletableFuture.supplyAsync(() -> {
            try {
                return Submission.run("executor-lost", command, submitting, directory);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Path driverLog = directory.resolve("executor-lost.err");
        String appId = awaitMatch(driverLog, APP_ID, running).group(1);
        // kill an executor once it runs tasks of the query's first stage
        Pattern runningTask = Pattern.compile("Running task \\S+ in stage");
        ProcessHandle victim = null;
        String victimId = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (victim == null && !running.isDone() && System.nanoTime() < deadline) {
            for (Path workDirectory : cluster.workDirectories()) {
                for (Path executorDirectory : executorDirectories(workDirectory.resolve(appId))) {
                    Path log = executorDirectory.resolve("stderr");
                    if (Files.exists(log) && runningTask.matcher(Files.readString(log)).find()) {
                        victimId = executorDirectory.getFileName().toString();
                        victim = executorProcess(appId, victimId).orElse(null);
                    }
                }
            }
            Thread.sleep(200);
        }
        assertTrue(victim != null, "no executor of " + appId + " was seen running tasks before the query ended");
        assertTrue(victim.destroyForcibly(), "could not kill executor " + victimId);
        Submission lost = running.get(10, TimeUnit.MINUTES).requireSuccess();
        assertEquals(expectedExecutorLostAnswer(rows), lost.resultLines(),
                "the answer after losing an executor differs from the expected one");
        assertFalse(lost.summaryLines("ember", "executor-lost").get(0).endsWith(" -"),
                "no Ember operator ran in the query; see " + lost.driverLog());
        String log = lost.driverLogText();
        assertTrue(log.contains("Lost executor " + victimId) || log.contains("Executor lost: " + victimId)
                        || log.contains("Removed executor " + victimId) || log.contains("Executor " + victimId + " lost"),
                "the driver did not notice that executor " + victimId + " was lost; see " + lost.driverLog());
        int executors = 0;
        for (Path workDirectory : cluster.workDirectories()) {
            executors += executorDirectories(workDirectory.resolve(appId)).size();
        }
        assertTrue(executors >= 3, "the Master did not start an executor in place of the killed one: " + executors
                + " executors ran for " + appId);
    }

    private static Matcher awaitMatch(Path log, Pattern pattern, CompletableFuture<Submission> running)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && !running.isDone()) {
            if (Files.exists(log)) {
                Matcher matcher = pattern.matcher(Files.readString(log));
                if (matcher.find()) {
                    return matcher;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the driver log " + log + " never matched " + pattern);
    }

    /** The executor JVM of {@code appId} with id {@code executorId}: a process this test's cluster started. */
    private static Optional<ProcessHandle> executorProcess(String appId, String executorId) {
        return cluster.processes().stream()
                .filter(process -> process.info().commandLine()
                        .map(line -> line.contains("CoarseGrainedExecutorBackend") && line.contains(appId)
                                && line.contains("--executor-id " + executorId + " "))
                        .orElse(false))
                .findFirst();
    }

    /** The answer lines of the executor-lost query, computed in Java. */
    private static List<String> expectedExecutorLostAnswer(long rows) {
        long[] counts = new long[50];
        long[] totals = new long[50];
        for (long id = 0; id < rows; id++) {
            long cents = (id * 7919) % 100000;
            if (cents >= 1000) {
                int group = (int) (id % 1000 % 50);
                counts[group]++;
                totals[group] += cents;
            }
        }
        List<String> lines = new ArrayList<>();
        for (int group = 0; group < 50; group++) {
            lines.add(ResultLines.PREFIX + " executor-lost [" + group + "," + counts[group] + "," + totals[group] + "]");
        }
        lines.sort(null);
        return lines;
    }

    /** spark-defaults.conf of the submission: the cluster, small executors, everything on 127.0.0.1. */
    private static Map<String, String> clusterDefaults(String masterUrl) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("spark.master", masterUrl);
        defaults.put("spark.driver.host", "127.0.0.1");
        defaults.put("spark.driver.bindAddress", "127.0.0.1");
        defaults.put("spark.ui.enabled", "false");
        defaults.put("spark.executor.cores", "1");
        defaults.put("spark.executor.memory", "512m");
        defaults.put("spark.executor.extraJavaOptions", String.join(" ", SparkHome.SHORT_LIVED_JVM_OPTIONS));
        defaults.put("spark.cores.max", "2");
        // start the queries only when both executors are there, so that both take part
        defaults.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        defaults.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "180s");
        defaults.put("spark.shuffle.readHostLocalDisk", "false");
        defaults.put("spark.sql.shuffle.partitions", "4");
        // an Ember bug while planning fails the run instead of hiding as a fallback
        defaults.put("spark.ember.test.strict", "true");
        // no GPU on the test machines: spark.ember.device=auto would leave every query to Spark there
        defaults.put("spark.ember.device", "host");
        return defaults;
    }

    private static List<String> exchanges(String query, String kind) {
        return withEmber.summaryLines("exchange", query).stream()
                .filter(line -> line.startsWith("exchange " + query + " " + kind + " ")).toList();
    }

    private static boolean bothSides(String exchangeLine) {
        Map<String, String> fields = fields(exchangeLine);
        return !fields.get("producer").equals("-") && !fields.get("consumer").equals("-");
    }

    private static String onlyLine(String kind, String query) {
        List<String> lines = withEmber.summaryLines(kind, query);
        assertEquals(1, lines.size(), "expected one '" + kind + " " + query + "' line in the application's output, got "
                + lines + "; output: " + withEmber.stdout());
        return lines.get(0);
    }

    /** The {@code key=value} words of a summary line. */
    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : line.split(" ")) {
            int equals = word.indexOf('=');
            if (equals > 0) {
                fields.put(word.substring(0, equals), word.substring(equals + 1));
            }
        }
        return fields;
    }

    private static List<Path> executorDirectories(Path applicationDirectory) throws IOException {
        if (!Files.isDirectory(applicationDirectory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(applicationDirectory)) {
            return children.filter(Files::isDirectory).sorted().toList();
        }
    }
}
