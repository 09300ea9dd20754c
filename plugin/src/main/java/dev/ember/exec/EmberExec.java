package dev.ember.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import scala.Tuple2;
import scala.collection.immutable.Map;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What every Ember plan node shares: it is columnar only, compares by its constructor arguments, and
 * reports SQL metrics: output rows and batches, operator time, the kernels the operator launched
 * with their device time, and the primitive calls a GPU device ran on the host (see {@link OperatorMetrics}).
 *
 * <p>Subclasses are public top-level classes whose {@code productElement(i)} returns the i-th constructor
 * argument: Spark copies plan nodes by reflection on that constructor. Metrics are created on the driver
 * in the constructor and travel to executors inside the partition functions, never with the node.
 */
public abstract class EmberExec extends SparkPlan {
    private static final long serialVersionUID = 1L;

    public static final String OUTPUT_ROWS = "numOutputRows";
    public static final String OUTPUT_BATCHES = "numOutputBatches";
    public static final String OPERATOR_TIME = "opTime";
    public static final String KERNEL_LAUNCHES = "numKernelLaunches";
    public static final String KERNEL_TIME = "kernelTime";
    public static final String HOST_PRIMITIVE_CALLS = "numHostPrimitiveCalls";
    /** The display name of {@link #HOST_PRIMITIVE_CALLS}. */
    public static final String HOST_PRIMITIVE_CALLS_NAME = "number of primitive calls on the host (GPU device)";

    private final transient Map<String, SQLMetric> metrics;

    protected EmberExec(List<Tuple2<String, String>> extraMetrics) {
        List<Tuple2<String, SQLMetric>> created = new ArrayList<>();
        SparkContext context = metricContext();
        if (context != null) {
            created.add(new Tuple2<>(OUTPUT_ROWS, SQLMetrics.createMetric(context, "number of output rows")));
            created.add(new Tuple2<>(OUTPUT_BATCHES, SQLMetrics.createMetric(context, "number of output batches")));
            created.add(new Tuple2<>(OPERATOR_TIME, SQLMetrics.createNanoTimingMetric(context, "operator time", -1)));
            created.add(new Tuple2<>(KERNEL_LAUNCHES, SQLMetrics.createMetric(context, "number of kernel launches")));
            // starts at 0, not -1: a task that launched no kernel really spent no kernel time
            created.add(new Tuple2<>(KERNEL_TIME, SQLMetrics.createNanoTimingMetric(context, "kernel time", 0)));
            created.add(new Tuple2<>(HOST_PRIMITIVE_CALLS, SQLMetrics.createMetric(context, HOST_PRIMITIVE_CALLS_NAME)));
            for (Tuple2<String, String> extra : extraMetrics) {
                created.add(new Tuple2<>(extra._1(), SQLMetrics.createMetric(context, extra._2())));
            }
        }
        this.metrics = scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(created));
    }

    protected EmberExec() {
        this(List.of());
    }

    @Override
    public Map<String, SQLMetric> metrics() {
        return metrics;
    }

    /** The metric of that name, or a detached one when the node was built outside a Spark session. */
    protected SQLMetric metric(String name) {
        scala.Option<SQLMetric> found = metrics.get(name);
        return found.isDefined() ? found.get() : new SQLMetric("sum", 0);
    }

    /**
     * The operator's metrics, bundled for the partition function; pass them to the operator's
     * {@link BatchIterator}, which attributes the kernels launched by the operator's own code to them.
     */
    protected OperatorMetrics operatorMetrics() {
        return new OperatorMetrics(getClass().getSimpleName(), metric(OUTPUT_ROWS), metric(OUTPUT_BATCHES),
                metric(OPERATOR_TIME), metric(KERNEL_LAUNCHES), metric(KERNEL_TIME), metric(HOST_PRIMITIVE_CALLS));
    }

    @Override
    public boolean supportsColumnar() {
        return true;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        throw new IllegalStateException(nodeName() + " produces columnar batches only; Spark should have placed a"
                + " ColumnarToRow transition above it. Please report this plan: " + treeString());
    }

    @Override
    public boolean canEqual(Object other) {
        return other != null && other.getClass() == getClass();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!canEqual(other)) {
            return false;
        }
        EmberExec that = (EmberExec) other;
        if (productArity() != that.productArity()) {
            return false;
        }
        for (int i = 0; i < productArity(); i++) {
            if (!Objects.equals(productElement(i), that.productElement(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = getClass().hashCode();
        for (int i = 0; i < productArity(); i++) {
            hash = 31 * hash + Objects.hashCode(productElement(i));
        }
        return hash;
    }

    private SparkContext metricContext() {
        if (session() != null) {
            return session().sparkContext();
        }
        scala.Option<SparkContext> active = org.apache.spark.SparkContext$.MODULE$.getActive();
        return active.isDefined() ? active.get() : null;
    }
}
