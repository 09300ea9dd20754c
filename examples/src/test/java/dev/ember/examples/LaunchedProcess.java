package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the tests started, with its output in a log file. {@link #close} ends it and every process it
 * started (a Worker's executors), each by its PID, and waits for them; a JVM shutdown hook does the same for
 * processes still running when the test JVM exits, so a failed or interrupted test leaves nothing behind.
 */
final class LaunchedProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final Set<LaunchedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (LaunchedProcess process : List.copyOf(RUNNING)) {
                process.close();
            }
        }, "ember-test-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private LaunchedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} in {@code directory} with {@code environment} added to this JVM's environment,
     * stdout and stderr going to {@code log} (or stdout to {@code log} and stderr to {@code errorLog} when
     * that is not null).
     */
    static LaunchedProcess start(String name, List<String> command, Path directory, Map<String, String> environment,
            Path log, Path errorLog) {
        requireNonNull(name, "name is null");
        requireNonNull(log, "log is null");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().putAll(environment);
        builder.redirectOutput(log.toFile());
        if (errorLog == null) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(errorLog.toFile());
        }
        try {
            LaunchedProcess launched = new LaunchedProcess(name, builder.start(), errorLog == null ? log : errorLog);
            RUNNING.add(launched);
            return launched;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
    }

    /** The process id. */
    long pid() {
        return process.pid();
    }

    /** This process and the processes it started (such as a Worker's executors), as running now. */
    List<ProcessHandle> withDescendants() {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        return family;
    }

    /** The log that holds the process's diagnostics (stderr). */
    Path log() {
        return log;
    }

    /**
     * Waits until a line of the log matches {@code pattern} and returns the match.
     *
     * @throws IllegalStateException if the process exits first or {@code timeout} passes, quoting the log
     */
    Matcher awaitLogLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Matcher> match = findInLog(pattern);
            if (match.isPresent()) {
                return match.get();
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before its log"
                        + " showed /" + pattern + "/; log " + log + ":\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not log /" + pattern + "/ within " + timeout.toSeconds()
                        + " s; log " + log + ":\n" + tail());
            }
            Thread.sleep(200);
        }
    }

    /** Every match of {@code pattern} in the log so far, counted line by line. */
    int countLogLines(Pattern pattern) {
        int count = 0;
        for (String line : logLines()) {
            if (pattern.matcher(line).find()) {
                count++;
            }
        }
        return count;
    }

    /**
     * Waits for the process to exit on its own.
     *
     * @return its exit code
     * @throws IllegalStateException if it runs longer than {@code timeout} (it is ended first)
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s and was"
                    + " stopped; log " + log + ":\n" + tail());
        }
        RUNNING.remove(this);
        return process.exitValue();
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        List<String> lines = logLines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Ends the process and its descendants, by PID: politely first, forcibly after a grace period. */
    @Override
    public void close() {
        List<ProcessHandle> family = withDescendants();
        for (ProcessHandle member : family) {
            member.destroy();
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle member : family) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                member.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                member.destroyForcibly();
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                member.destroyForcibly();
            }
        }
        RUNNING.remove(this);
    }

    private Optional<Matcher> findInLog(Pattern pattern) {
        for (String line : logLines()) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return Optional.of(matcher);
            }
        }
        return Optional.empty();
    }

    private List<String> logLines() {
        try {
            return Files.exists(log) ? List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"))
                    : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + log, e);
        }
    }
}
