package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finished spark-submit run: its exit code, its standard output (the application's answer and summary lines)
 * and the driver's log (standard error).
 *
 * @param name what ran, for messages
 * @param exitCode spark-submit's exit code
 * @param stdout the lines the application printed
 * @param driverLog the file holding the driver's log
 */
record Submission(String name, int exitCode, List<String> stdout, Path driverLog) {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);

    Submission {
        requireNonNull(name, "name is null");
        stdout = List.copyOf(stdout);
        requireNonNull(driverLog, "driverLog is null");
    }

    /**
     * Runs {@code commandLine} with bash in the repository root, with {@code home}'s {@code bin/spark-submit}
     * first on the PATH and its environment, logging under {@code directory} as {@code name.out} and
     * {@code name.err}.
     */
    static Submission run(String name, String commandLine, SparkHome home, Path directory)
            throws IOException, InterruptedException {
        Path out = directory.resolve(name + ".out");
        Path err = directory.resolve(name + ".err");
        Files.writeString(directory.resolve(name + ".command"), commandLine + "\n");
        Map<String, String> environment = new LinkedHashMap<>(home.environment());
        environment.put("PATH", home.binDirectory() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        int exitCode;
        try (LaunchedProcess process = LaunchedProcess.start(name, List.of("bash", "-c", commandLine),
                BuildPaths.projectRoot(), environment, out, err)) {
            exitCode = process.awaitExit(TIMEOUT);
        }
        return new Submission(name, exitCode, Files.readAllLines(out), err);
    }

    /** Fails with the driver log's tail unless spark-submit succeeded. */
    Submission requireSuccess() throws IOException {
        if (exitCode != 0) {
            List<String> log = Files.readAllLines(driverLog);
            throw new AssertionError(name + ": spark-submit exited with " + exitCode + "; driver log " + driverLog
                    + ", last lines:\n" + String.join("\n", log.subList(Math.max(0, log.size() - 60), log.size())));
        }
        return this;
    }

    /** The answer lines ({@code result <query> <row>}), in printed order. */
    List<String> resultLines() {
        return linesOf(ResultLines.PREFIX);
    }

    /** The summary lines of one kind ({@code ember}, {@code exchange}, {@code tasks}) for one query. */
    List<String> summaryLines(String kind, String query) {
        List<String> lines = new ArrayList<>();
        for (String line : stdout) {
            if (line.startsWith(kind + " " + query + " ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The driver's log text. */
    String driverLogText() throws IOException {
        return Files.readString(driverLog);
    }

    private List<String> linesOf(String prefix) {
        List<String> lines = new ArrayList<>();
        for (String line : stdout) {
            if (line.startsWith(prefix + " ")) {
                lines.add(line);
            }
        }
        return lines;
    }
}
