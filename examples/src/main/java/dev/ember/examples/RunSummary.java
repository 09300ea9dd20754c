package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where an application's queries ran: the Ember operators in each executed plan, the Ember operators on both
 * sides of each data exchange, the executors that ran each query's tasks, and the shuffle blocks they read from
 * other executors. Printed as one line per fact, first word the kind of fact, second the query:
 *
 * <pre>
 * ember revenue-by-store EmberFilterExec,EmberProjectExec
 * exchange revenue-by-store EmberShuffleExchangeExec producer=EmberFilterExec,EmberProjectExec consumer=EmberFilterExec,EmberProjectExec
 * tasks revenue-by-store executors=0,1 tasks=10 remote-blocks=12 local-blocks=12
 * </pre>
 *
 * <p>A {@code -} stands for "none". Use from the thread that runs the queries; one query at a time.
 */
public final class RunSummary implements AutoCloseable {
    private static final long LISTENER_TIMEOUT_SECONDS = 120;

    private final SparkSession spark;
    private final QueryTaskListener listener = new QueryTaskListener();
    private final Map<String, List<PlanSides.ExchangeSides>> exchanges = new LinkedHashMap<>();
    private final Map<String, Set<String>> emberOperators = new LinkedHashMap<>();

    private RunSummary(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark is null");
    }

    /** Starts recording the tasks of the queries that {@link #collect} runs. */
    public static RunSummary start(SparkSession spark) {
        RunSummary summary = new RunSummary(spark);
        spark.sparkContext().addSparkListener(summary.listener);
        return summary;
    }

    /** Runs {@code dataset} under the name {@code query}, records where it ran, and returns its rows. */
    public List<Row> collect(String query, Dataset<Row> dataset) {
        requireNonNull(query, "query is null");
        requireNonNull(dataset, "dataset is null");
        if (exchanges.containsKey(query)) {
            throw new IllegalArgumentException("query " + query + " already ran; give each query its own name");
        }
        spark.sparkContext().setLocalProperty(QueryTaskListener.QUERY, query);
        try {
            List<Row> rows = dataset.collectAsList();
            exchanges.put(query, PlanSides.of(dataset.queryExecution().executedPlan()));
            emberOperators.put(query, PlanSides.emberOperators(dataset.queryExecution().executedPlan()));
            return rows;
        } finally {
            spark.sparkContext().setLocalProperty(QueryTaskListener.QUERY, null);
        }
    }

    /**
     * The summary lines of every query collected so far. Waits until Spark delivered the task events of those
     * queries to the listener (it runs one tiny job and waits for the listener to see its end).
     *
     * @throws IllegalStateException if the events did not arrive within two minutes
     */
    public List<String> lines() throws InterruptedException {
        String marker = "summary-" + System.nanoTime();
        spark.sparkContext().setLocalProperty(QueryTaskListener.MARKER, marker);
        try {
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1), 1).count();
        } finally {
            spark.sparkContext().setLocalProperty(QueryTaskListener.MARKER, null);
        }
        if (!listener.awaitJobEnd(marker, LISTENER_TIMEOUT_SECONDS)) {
            throw new IllegalStateException("Spark did not deliver the task events of the queries within "
                    + LISTENER_TIMEOUT_SECONDS + " s; is the listener bus overloaded?");
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<PlanSides.ExchangeSides>> query : exchanges.entrySet()) {
            String name = query.getKey();
            lines.add("ember " + name + " " + names(emberOperators.get(name)));
            for (PlanSides.ExchangeSides sides : query.getValue()) {
                lines.add("exchange " + name + " " + sides.kind() + " producer=" + names(sides.producerEmberOperators())
                        + " consumer=" + names(sides.consumerEmberOperators()));
            }
            QueryTaskListener.QueryTasks tasks = listener.tasksOf(name);
            lines.add("tasks " + name + " executors=" + names(tasks.executors) + " tasks=" + tasks.tasks
                    + " remote-blocks=" + tasks.remoteBlocks + " local-blocks=" + tasks.localBlocks);
        }
        return lines;
    }

    @Override
    public void close() {
        spark.sparkContext().removeSparkListener(listener);
    }

    private static String names(Set<String> names) {
        return names.isEmpty() ? "-" : String.join(",", new TreeSet<>(names));
    }
}
