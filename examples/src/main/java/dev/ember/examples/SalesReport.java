package dev.ember.examples;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Java DataFrame application that knows nothing about Ember: submitted with Ember's jar and
 * {@code spark.plugins=dev.ember.EmberPlugin}, its filters and projections run on Ember.
 *
 * <p>It runs two queries over {@link SalesData} and prints each answer, one {@code result} line per row in a
 * fixed order, then a {@link RunSummary} of where the work ran. The queries are shaped so that Ember's operators
 * sit on both sides of data exchanges between executors:
 * <ul>
 *   <li>{@code revenue-by-store}: filter and project the sales, repartition them by store (a shuffle), filter
 *       and project again, aggregate per store;</li>
 *   <li>{@code revenue-by-region}: join the filtered sales with a filtered and projected stores table that is
 *       broadcast to every executor, aggregate per region.</li>
 * </ul>
 *
 * <pre>
 * spark-submit --class dev.ember.examples.SalesReport ember-examples.jar [partitions]
 * </pre>
 */
public final class SalesReport {
    private SalesReport() {}

    public static void main(String[] args) throws InterruptedException {
        int partitions = args.length > 0 ? parsePartitions(args[0]) : 6;
        SparkSession spark = SparkSession.builder().appName("Ember example: sales report").getOrCreate();
        try {
            SalesData data = new SalesData(spark, partitions);
            Map<String, Supplier<Dataset<Row>>> queries = new LinkedHashMap<>();
            queries.put("revenue-by-store", () -> revenueByStore(data));
            queries.put("revenue-by-region", () -> revenueByRegion(data));
            run(spark, queries);
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs each query in order, prints its answer ({@link ResultLines}) and then the {@link RunSummary} of all
     * of them.
     */
    public static void run(SparkSession spark, Map<String, Supplier<Dataset<Row>>> queries)
            throws InterruptedException {
        try (RunSummary summary = RunSummary.start(spark)) {
            for (Map.Entry<String, Supplier<Dataset<Row>>> query : queries.entrySet()) {
                Dataset<Row> dataset = query.getValue().get();
                List<Row> rows = summary.collect(query.getKey(), dataset);
                for (String line : ResultLines.of(query.getKey(), rows)) {
                    System.out.println(line);
                }
            }
            for (String line : summary.lines()) {
                System.out.println(line);
            }
        }
    }

    /** Per store: the number of large sales and their net revenue, through a shuffle by store. */
    public static Dataset<Row> revenueByStore(SalesData data) {
        return data.sales()
                .filter(col("cents").geq(1_000))
                .select(col("store"), col("cents").multiply(col("quantity")).as("revenue"))
                .repartition(4, col("store"))
                .filter(col("revenue").gt(50_000))
                .select(col("store"), col("revenue").minus(1_000).as("net"))
                .groupBy("store")
                .agg(count("net").as("sales"), sum("net").as("net_revenue"));
    }

    /** Per region: the revenue of small sales in the stores with an id of 5 or more, through a broadcast join. */
    public static Dataset<Row> revenueByRegion(SalesData data) {
        Dataset<Row> stores = data.stores()
                .filter(col("store_id").geq(5))
                .select(col("store_id"), col("region").plus(100).as("region"));
        return data.sales()
                .filter(col("cents").lt(50_000))
                .select(col("store"), col("cents").multiply(col("quantity")).as("revenue"))
                .join(broadcast(stores), col("store").equalTo(col("store_id")))
                .groupBy("region")
                .agg(count("revenue").as("sales"), sum("revenue").as("revenue"));
    }

    private static int parsePartitions(String text) {
        try {
            int partitions = Integer.parseInt(text);
            if (partitions >= 1) {
                return partitions;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("the argument is the number of partitions of the sales table, a positive"
                + " integer; got '" + text + "'");
    }
}
