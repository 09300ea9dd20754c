package dev.ember.fuzz;

import dev.ember.fuzz.run.FuzzReport;
import dev.ember.fuzz.run.FuzzSession;
import dev.ember.fuzz.run.FuzzSettings;
import dev.ember.fuzz.run.Fuzzer;
import dev.ember.fuzz.run.Regressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ember fuzz [options]}: the differential SQL fuzzer. Exit status: 0 when no query differed,
 * 1 when one did (or a query was invalid, a generator defect), 2 for usage errors.
 */
@Command(name = "ember fuzz", mixinStandardHelpOptions = true, version = "ember fuzz 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Generates random tables and random Spark SQL over them, runs every query with Ember off and on in one",
        "session, and prints a shrunk reproducer for each difference in answer, error or memory."},
    exitCodeOnInvalidInput = 2)
public final class FuzzMain implements Callable<Integer> {
    @Option(names = "--queries", paramLabel = "N", defaultValue = "1000",
            description = "random queries to run (default: ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--seed", paramLabel = "S", description = "the run's seed (default: the clock; printed)")
    Long seed;

    @Option(names = "--from", paramLabel = "I", defaultValue = "0",
        description = "start at query I of the seed (--from 17 --queries 1 runs query 17 alone)")
    int from;

    @Option(names = "--only", paramLabel = "I,...", defaultValue = "",
        description = "run only these query indices of the seed, instead of --from and --queries")
    String only;

    @Option(names = "--only-file", paramLabel = "FILE",
        description = "as --only, the indices read from FILE, one per line (e.g. the queries a generator change"
            + " altered in a range already run)")
    Path onlyFile;

    @Option(names = "--tables", paramLabel = "N", defaultValue = "4",
            description = "tables per table set (default: ${DEFAULT-VALUE})")
    int tables;

    @Option(names = "--max-rows", paramLabel = "R", defaultValue = "40",
            description = "the most rows of a table (default: ${DEFAULT-VALUE})")
    int maxRows;

    @Option(names = "--tables-every", paramLabel = "N", defaultValue = "25",
        description = "queries per table set before new tables are generated (default: ${DEFAULT-VALUE})")
    int tablesEvery;

    @Option(names = "--exclude", paramLabel = "SHAPE,...", defaultValue = "",
        description = "query shapes or error risks to leave out, e.g. LIMIT_OFFSET,EXISTENCE_JOIN")
    String exclude;

    @Option(names = "--shrink-limit", paramLabel = "N", defaultValue = "10",
        description = "differences to shrink; later ones are printed as found (default: ${DEFAULT-VALUE})")
    int shrinkLimit;

    @Option(names = "--shrink-budget", paramLabel = "N", defaultValue = "60",
        description = "the most query runs one shrink makes (default: ${DEFAULT-VALUE})")
    int shrinkBudget;

    @Option(names = "--regressions", description = "replay the checked-in regressions first")
    boolean regressions;

    @Option(names = "--replay", paramLabel = "FILE",
        description = "replay the reproducers in FILE first (the regressions' form; repeatable)")
    List<Path> replay = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, description = "print every query with its outcome and time")
    boolean verbose;

    @Option(names = "--explain", description = "print the plans with Ember off and on after each difference")
    boolean explain;

    @Option(names = "--device", paramLabel = "D", defaultValue = "host",
            description = "Ember's device (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "an extra Spark setting (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    private PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command with the given streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        FuzzMain command = new FuzzMain();
        command.out = out;
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new java.io.PrintWriter(out, true));
        commandLine.setErr(new java.io.PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            err.println("ember fuzz: " + exception.getMessage());
            return exception instanceof IllegalArgumentException ? 2 : 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() {
        long runSeed = seed == null ? System.currentTimeMillis() : seed;
        List<Regressions.Entry> entries = new ArrayList<>(regressions ? Regressions.bundled() : List.of());
        replay.forEach(file -> entries.addAll(Regressions.read(file)));
        SortedSet<Integer> indices = FuzzSettings.indices(only);
        if (onlyFile != null) {
            indices.addAll(FuzzSettings.indicesIn(onlyFile));
        }
        FuzzSettings settings = new FuzzSettings(runSeed, from, queries, indices, tables, maxRows,
                tablesEvery, FuzzSettings.shapes(exclude), shrinkLimit, shrinkBudget, entries, verbose, explain);
        out.println("fuzz: seed " + runSeed + ", " + settings.indices().size() + " queries, " + tables
                + " tables of up to " + maxRows
                + " rows" + (settings.excluded().isEmpty() ? "" : ", excluding " + settings.excluded())
                + " (replay with --seed " + runSeed + ")");
        SparkSession session = FuzzSession.start(device, conf);
        try {
            FuzzReport report = new Fuzzer(session, settings, out).run();
            out.println(String.format(Locale.ROOT,
                    "fuzz: %d answered alike (Ember ran in %d), %d failed alike, %d varied in Spark alone",
                    report.answered(), report.emberRan(), report.failedAlike(), report.sparkVaried()));
            out.println(String.format(Locale.ROOT, "fuzz: %d queries, %d differences, %.0f s, seed %d%s",
                    report.queries(), report.differences().size(), report.seconds(), runSeed,
                    report.invalid().isEmpty() ? "" : " (" + report.invalid().size() + " invalid queries)"));
            return report.differences().isEmpty() && report.invalid().isEmpty() ? 0 : 1;
        } finally {
            session.stop();
        }
    }
}
