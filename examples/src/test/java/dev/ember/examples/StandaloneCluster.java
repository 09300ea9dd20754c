package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs: one Master and {@code workers} Workers of one
 * core each. The Workers start executor JVMs for each application submitted to {@link #masterUrl}. Ports are
 * chosen by the operating system, the Master's REST server is off, so several clusters can run side by side.
 *
 * <p>{@link #close} stops the Workers (and their executors) and the Master, each by PID, also when a start
 * failed half way.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Pattern WORKER_REGISTERED = Pattern.compile("Successfully registered with master");

    private final List<LaunchedProcess> processes = new ArrayList<>();
    private final List<Path> workDirectories = new ArrayList<>();
    private String masterUrl;

    private StandaloneCluster() {}

    /**
     * Starts a Master and {@code workers} Workers from {@code home}, each with {@code workerMemory} for
     * executors, logging under {@code directory}; returns when every Worker registered with the Master.
     */
    static StandaloneCluster start(SparkHome home, int workers, String workerMemory, Path directory)
            throws IOException, InterruptedException {
        requireNonNull(home, "home is null");
        if (workers < 1) {
            throw new IllegalArgumentException("a cluster needs at least one worker, got " + workers);
        }
        StandaloneCluster cluster = new StandaloneCluster();
        try {
            cluster.startMaster(home, directory);
            List<LaunchedProcess> started = new ArrayList<>();
            for (int worker = 1; worker <= workers; worker++) {
                started.add(cluster.startWorker(home, worker, workerMemory, directory));
            }
            for (LaunchedProcess worker : started) {
                worker.awaitLogLine(WORKER_REGISTERED, START_TIMEOUT);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The URL applications are submitted to. */
    String masterUrl() {
        return masterUrl;
    }

    /** Each Worker's work directory: {@code <app id>/<executor id>/stderr} holds an executor's log. */
    List<Path> workDirectories() {
        return List.copyOf(workDirectories);
    }

    /** The Master, the Workers and the executors the Workers run, as running now. */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        for (LaunchedProcess process : processes) {
            all.addAll(process.withDescendants());
        }
        return all;
    }

    /** Stops the Workers first (they stop their executors), then the Master. */
    @Override
    public void close() {
        for (int index = processes.size() - 1; index >= 0; index--) {
            processes.get(index).close();
        }
    }

    private void startMaster(SparkHome home, Path directory) throws InterruptedException {
        List<String> command = home.javaCommand("256m", "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
        // the REST submission server would take the fixed port 6066
        command.add(command.indexOf("-cp"), "-Dspark.master.rest.enabled=false");
        LaunchedProcess master = LaunchedProcess.start("Spark master", command, directory, home.environment(),
                directory.resolve("master.log"), null);
        processes.add(master);
        masterUrl = master.awaitLogLine(MASTER_URL, START_TIMEOUT).group(1);
    }

    private LaunchedProcess startWorker(SparkHome home, int number, String memory, Path directory)
            throws IOException {
        Path workDirectory = Files.createDirectories(directory.resolve("worker-" + number));
        workDirectories.add(workDirectory);
        List<String> command = home.javaCommand("256m", "org.apache.spark.deploy.worker.Worker",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", memory,
                        "--work-dir", workDirectory.toString(), masterUrl));
        LaunchedProcess worker = LaunchedProcess.start("Spark worker " + number, command, directory,
                home.environment(), directory.resolve("worker-" + number + ".log"), null);
        processes.add(worker);
        return worker;
    }
}
