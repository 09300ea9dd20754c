package dev.ember.fuzz.run;

import static java.util.Objects.requireNonNull;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.data.TableSet;
import dev.ember.fuzz.query.Query;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Makes a difference smaller, as SQLsmith and SQLancer reducers do: drops parts of the query (output
 * columns, conditions, join sides, orderings, set operation branches) and then rows of the tables it
 * reads, keeping each cut after which the difference, of the same kind, remains. Greedy, within a budget
 * of query runs.
 *
 * <p>Registers the tables of each candidate in the session; the caller registers its own again after.
 */
public final class Shrinker {
    private final SparkSession session;
    private final DifferentialRunner runner;
    private final int budget;
    private int runs;

    /** @param budget the most differential runs one {@link #shrink} makes */
    public Shrinker(SparkSession session, DifferentialRunner runner, int budget) {
        this.session = requireNonNull(session, "session is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.budget = budget;
    }

    /** A smaller case that still shows a difference of {@code kind}, and that difference. */
    public record Result(FuzzCase shrunk, Outcome outcome, int runs) {}

    /** Shrinks {@code query}, which showed {@code outcome} over {@code original}'s tables. */
    public Result shrink(FuzzCase original, Query query, Outcome outcome) {
        runs = 0;
        FuzzSession.register(session, TableSet.generate(original.tables()));
        Query current = query;
        Outcome last = outcome;
        boolean progress = true;
        while (progress && runs < budget) {
            progress = false;
            for (Query candidate : current.smaller()) {
                Outcome tried = attempt(candidate.sql(), candidate.ordered(), outcome.kind());
                if (tried != null) {
                    current = candidate;
                    last = tried;
                    progress = true;
                    break;
                }
                if (runs >= budget) {
                    break;
                }
            }
        }
        FuzzCase shrunk = original.with(original.tables(), current.sql(), current.ordered());
        Result rows = shrinkRows(shrunk, last);
        return new Result(rows.shrunk(), rows.outcome(), runs);
    }

    private Result shrinkRows(FuzzCase current, Outcome last) {
        FuzzCase best = current;
        Outcome bestOutcome = last;
        for (String table : current.tablesRead()) {
            boolean progress = true;
            while (progress && runs < budget) {
                progress = false;
                int size = TableSet.generate(best.tables()).table(table).rows().size();
                if (size == 0) {
                    break;
                }
                TableParameters.Slice slice = best.tables().slice(table);
                int from = slice == null ? 0 : slice.from();
                List<int[]> cuts = List.of(new int[] {from, from + size / 2}, new int[] {from + size / 2, from + size},
                        new int[] {from + 1, from + size}, new int[] {from, from + size - 1});
                for (int[] cut : cuts) {
                    if (cut[1] - cut[0] >= size) {
                        continue;
                    }
                    TableParameters smaller = best.tables().withSlice(table, cut[0], cut[1]);
                    FuzzSession.register(session, TableSet.generate(smaller));
                    Outcome tried = attempt(best.sql(), best.ordered(), last.kind());
                    if (tried != null) {
                        best = best.with(smaller, best.sql(), best.ordered());
                        bestOutcome = tried;
                        progress = true;
                        break;
                    }
                }
                FuzzSession.register(session, TableSet.generate(best.tables()));
            }
        }
        return new Result(best, bestOutcome, runs);
    }

    /** The outcome when {@code sql} still differs with the same kind, else null. */
    private Outcome attempt(String sql, boolean ordered, Outcome.Kind kind) {
        runs++;
        Outcome outcome = runner.run(sql, ordered);
        return outcome.kind() == kind ? outcome : null;
    }
}
