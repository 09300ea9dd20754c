package dev.ember.testkit;

import static java.util.Objects.requireNonNull;

import dev.ember.plan.PlanReport;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One run of a query: its rows or the error it raised, and what Ember did.
 *
 * @param rows the collected rows (empty when the query failed)
 * @param schema the result schema
 * @param error the error the query raised, if it failed
 * @param report the Ember plan report (empty when the query failed before running)
 */
public record QueryResult(List<Row> rows, StructType schema, Optional<Throwable> error, Optional<PlanReport> report) {
    public QueryResult {
        rows = List.copyOf(rows);
        requireNonNull(schema, "schema is null");
        requireNonNull(error, "error is null");
        requireNonNull(report, "report is null");
    }
}
