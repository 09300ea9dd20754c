package dev.ember.fuzz.run;

import static java.util.Objects.requireNonNull;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.data.TableSet;
import dev.ember.fuzz.generate.GeneratedQuery;
import dev.ember.fuzz.generate.QueryGenerator;
import dev.ember.fuzz.generate.Shape;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The fuzzing loop: replays the regressions (when asked), then generates table sets and queries from
 * the run's seed, runs each query with Ember off and on, shrinks differences and prints a reproducer
 * for each, with progress lines along the way.
 *
 * <p>Query {@code i} of a run with seed {@code S} has the query seed {@link #querySeed(long, int)} and
 * reads table set {@code i / tablesEvery}, generated with {@link #tableSeed(long, int)}; so a run's
 * queries are the same however many the run holds.
 */
public final class Fuzzer {
    private static final long PROGRESS_NANOS = 10_000_000_000L;

    private final SparkSession session;
    private final FuzzSettings settings;
    private final PrintStream out;
    private final DifferentialRunner runner;

    public Fuzzer(SparkSession session, FuzzSettings settings, PrintStream out) {
        this.session = requireNonNull(session, "session is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
        this.runner = new DifferentialRunner(session);
    }

    /** Runs the regressions and the queries; prints progress, reproducers and nothing else. */
    public FuzzReport run() {
        long start = System.nanoTime();
        List<String> differences = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        int answered = 0;
        int emberRan = 0;
        int failedAlike = 0;
        int sparkVaried = 0;
        int replayed = 0;
        if (!settings.regressions().isEmpty()) {
            for (Regressions.Entry entry : settings.regressions()) {
                FuzzCase fuzzCase = entry.fuzzCase();
                if (!disjoint(fuzzCase.shapes(), settings.excluded())) {
                    out.println("fuzz: regression '" + entry.name() + "' not replayed: it holds an excluded shape");
                    continue;
                }
                if (entry.notes().containsKey("known")) {
                    // an open bug that fails its task and leaves memory behind would fail every later query
                    // of the session too; it is listed with its reason until it is fixed
                    out.println("fuzz: regression '" + entry.name() + "' not replayed: known open bug: "
                            + entry.notes().get("known"));
                    continue;
                }
                replayed++;
                FuzzSession.register(session, TableSet.generate(fuzzCase.tables()));
                Outcome outcome = runner.run(fuzzCase.sql(), fuzzCase.ordered(), entry.eitherError());
                if (settings.verbose()) {
                    out.println("fuzz: regression '" + entry.name() + "': " + outcome);
                }
                if (outcome.difference() || outcome.kind() == Outcome.Kind.INVALID) {
                    String text = "regression '" + entry.name() + "' still differs\n"
                            + fuzzCase.reproducer(outcome.toString())
                            + (settings.explain() ? "\n" + runner.explain(fuzzCase.sql()) : "");
                    out.println("fuzz: " + text);
                    (outcome.difference() ? differences : invalid).add(text);
                }
            }
            out.println("fuzz: replayed " + replayed + " regressions, " + differences.size() + " still differ");
        }
        QueryGenerator generator = null;
        TableParameters tables = null;
        int shrunk = 0;
        long lastProgress = System.nanoTime();
        List<Integer> indices = settings.indices();
        int tableSetIndex = -1;
        for (int position = 0; position < indices.size(); position++) {
            int i = indices.get(position);
            if (i / settings.tablesEvery() != tableSetIndex) {
                tableSetIndex = i / settings.tablesEvery();
                tables = new TableParameters(tableSeed(settings.seed(), tableSetIndex), settings.tableCount(),
                        settings.maxRows());
                TableSet set = TableSet.generate(tables);
                FuzzSession.register(session, set);
                generator = new QueryGenerator(set, settings.excluded());
            }
            long querySeed = querySeed(settings.seed(), i);
            GeneratedQuery query = generator.generate(querySeed);
            FuzzCase fuzzCase = new FuzzCase(tables, "fuzz seed " + settings.seed() + ", query " + i + " (query seed "
                    + querySeed + ")", query.query().sql(), query.query().ordered(), query.shapes());
            long queryStart = System.nanoTime();
            Outcome outcome = runner.run(fuzzCase.sql(), fuzzCase.ordered());
            if (settings.verbose()) {
                out.println(String.format(Locale.ROOT, "fuzz: query %d, %d ms, %s%s: %s", i,
                        (System.nanoTime() - queryStart) / 1_000_000, outcome, outcome.emberRan() ? " (Ember ran)" : "",
                        fuzzCase.sql()));
            }
            switch (outcome.kind()) {
                case SAME_ANSWER -> {
                    answered++;
                    emberRan += outcome.emberRan() ? 1 : 0;
                }
                case SAME_ERROR -> failedAlike++;
                case SPARK_VARIES -> {
                    sparkVaried++;
                    out.println("fuzz: query " + i + ": Spark's own outcome varies, Ember's is one of them: "
                            + outcome.detail());
                }
                case INVALID -> {
                    String text = fuzzCase.reproducer(outcome.toString());
                    out.println("fuzz: invalid query (a generator defect)\n" + text);
                    invalid.add(text);
                }
                default -> {
                    String text;
                    if (shrunk < settings.shrinkLimit()) {
                        shrunk++;
                        Shrinker.Result result = new Shrinker(session, runner, settings.shrinkBudget())
                                .shrink(fuzzCase, query.query(), outcome);
                        FuzzSession.register(session, TableSet.generate(tables));
                        text = "difference " + (differences.size() + 1) + " (shrunk in " + result.runs() + " runs)\n"
                                + result.shrunk().reproducer(result.outcome().toString())
                                + (settings.explain() ? explain(result.shrunk(), tables) : "") + "\n-- as found:\n"
                                + fuzzCase.reproducer(outcome.toString());
                    } else {
                        text = "difference " + (differences.size() + 1) + " (not shrunk)\n"
                                + fuzzCase.reproducer(outcome.toString())
                                + (settings.explain() ? explain(fuzzCase, tables) : "");
                    }
                    out.println("fuzz: " + text);
                    differences.add(text);
                }
            }
            if (System.nanoTime() - lastProgress > PROGRESS_NANOS || position + 1 == indices.size()) {
                lastProgress = System.nanoTime();
                double seconds = (lastProgress - start) / 1e9;
                int done = position + 1;
                out.println(String.format(Locale.ROOT,
                        "fuzz: %d/%d queries, %d differences, %d invalid, %.1f queries/s",
                        done, indices.size(), differences.size(), invalid.size(), done / seconds));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new FuzzReport(indices.size(), replayed, differences, invalid, answered, emberRan, failedAlike,
                sparkVaried, seconds);
    }

    /** The seed of query {@code index} of a run with seed {@code seed}. */
    public static long querySeed(long seed, int index) {
        return mix(seed * 31 + index);
    }

    /** The seed of table set {@code index} of a run with seed {@code seed}. */
    public static long tableSeed(long seed, int index) {
        return mix(~seed * 31 + index);
    }

    private static long mix(long value) {
        // SplitMix64's finalizer: nearby inputs give unrelated seeds
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static boolean disjoint(Set<Shape> shapes, Set<Shape> excluded) {
        return shapes.stream().noneMatch(excluded::contains);
    }

    /** The plans of a case with Ember off and on, over its own tables; then the run's {@code tables} again. */
    private String explain(FuzzCase fuzzCase, TableParameters tables) {
        FuzzSession.register(session, TableSet.generate(fuzzCase.tables()));
        try {
            return "\n" + runner.explain(fuzzCase.sql());
        } finally {
            FuzzSession.register(session, TableSet.generate(tables));
        }
    }
}
