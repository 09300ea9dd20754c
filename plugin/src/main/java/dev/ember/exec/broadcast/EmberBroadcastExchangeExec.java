package dev.ember.exec.broadcast;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.EmberCopyToArrowExec;
import dev.ember.exec.EmberRowToColumnarExec;
import dev.ember.exec.Seqs;
import dev.ember.exec.exchange.EmberBatchSources;
import dev.ember.exec.TraitValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.sql.execution.ApplyColumnarRulesAndInsertTransitions;
import org.apache.spark.sql.execution.ColumnarRule;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec$;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeLike;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Map;
import scala.concurrent.Future;
import scala.concurrent.Promise;

/**
 * Replaces Spark's {@code BroadcastExchangeExec} where the broadcast's reader is an Ember join: the build
 * side's Ember batches are serialized on the executors as {@link BatchBlobs}-format pieces compressed
 * with Spark's codec ({@link BroadcastPieces}), collected to the driver and broadcast as one
 * {@link EmberBroadcastRelation}, from which each executor's first probing task builds the device hash
 * table. No row is made on the way (Spark's exchange collects rows, which Ember turned back into Arrow).
 *
 * <p>It is a {@link BroadcastExchangeLike}, and behaves as Spark's exchange does: the same relation future
 * on Spark's broadcast thread pool (job tag, cancellation, {@code spark.sql.broadcastTimeout}), Spark's row
 * and size limits with Spark's errors (the size is the uncompressed bytes of the pieces), Spark's SQL
 * metrics (data size, rows, collect/build/broadcast time) and runtime statistics from them, and the
 * null-aware anti join's markers ({@code EmptyHashedRelation}, {@code HashedRelationWithAllNullKeys}).
 * Adaptive execution makes it a broadcast query stage and reuses it like Spark's.
 *
 * <p>Its canonical form is Spark's exchange of the same mode and child: both broadcast the same relation
 * in two encodings, and the Ember one answers as Spark's {@code HashedRelation} too, so a Spark join or a
 * dynamic-pruning subquery that reuses it (or an Ember join that reuses Spark's) still answers right.
 *
 * <p>The trait's state is implemented here as Scala would generate it (see
 * {@code EmberShuffleExchangeExec}): Java sees a trait's lazy values as default methods that would
 * recompute on every call.
 */
public final class EmberBroadcastExchangeExec extends Exchange implements BroadcastExchangeLike {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EmberBroadcastExchangeExec.class);

    public static final String DATA_SIZE = "dataSize";
    public static final String OUTPUT_ROWS = "numOutputRows";
    public static final String COLLECT_TIME = "collectTime";
    public static final String BUILD_TIME = "buildTime";
    public static final String BROADCAST_TIME = "broadcastTime";

    private final HashedRelationBroadcastMode mode;
    private final SparkPlan child;
    private final transient long timeoutSeconds;
    private final transient Map<String, SQLMetric> metrics;

    // BroadcastExchangeLike's state
    private transient UUID runId;
    private transient java.util.concurrent.Future<Broadcast<Object>> relationFuture;
    private transient Promise<Broadcast<Object>> relationPromise;
    private transient Promise<scala.runtime.BoxedUnit> preparedPromise;
    private transient Future<scala.runtime.BoxedUnit> preparedFuture;
    private transient java.util.concurrent.Future<Object> triggerFuture;

    /**
     * @param mode the Spark mode of the exchange this replaces (it stays the exchange's partitioning, so
     *     the join that asked for it is satisfied)
     * @param child the build side; it must hand out Ember batches ({@link #over} wraps a Spark plan)
     */
    public EmberBroadcastExchangeExec(HashedRelationBroadcastMode mode, SparkPlan child) {
        this.mode = requireNonNull(mode, "mode is null");
        this.child = requireNonNull(child, "child is null");
        BroadcastExchangeLike.$init$(this);
        this.timeoutSeconds = conf().broadcastTimeout();
        SparkContext context = sparkContextOrNull();
        List<Tuple2<String, SQLMetric>> created = new ArrayList<>();
        if (context != null) {
            created.add(new Tuple2<>(DATA_SIZE, SQLMetrics.createSizeMetric(context, "data size", -1)));
            created.add(new Tuple2<>(OUTPUT_ROWS, SQLMetrics.createMetric(context, "number of output rows")));
            created.add(new Tuple2<>(COLLECT_TIME, SQLMetrics.createTimingMetric(context, "time to collect", -1)));
            created.add(new Tuple2<>(BUILD_TIME, SQLMetrics.createTimingMetric(context, "time to build", -1)));
            created.add(new Tuple2<>(BROADCAST_TIME,
                    SQLMetrics.createTimingMetric(context, "time to broadcast", -1)));
        }
        this.metrics = scala.collection.immutable.Map$.MODULE$.from(
                scala.jdk.javaapi.CollectionConverters.asScala(created));
    }

    /**
     * The Ember twin of Spark's broadcast exchange of a hashed relation, over its child with an Ember
     * transition where the child is a Spark node, carrying the exchange's tags (the logical link adaptive
     * execution needs). The child's own Spark nodes get their row/columnar transitions here, because a
     * broadcast is no child of Ember's join and Spark places transitions along children only.
     */
    public static EmberBroadcastExchangeExec over(BroadcastExchangeExec spark) {
        if (!(spark.mode() instanceof HashedRelationBroadcastMode mode)) {
            throw new IllegalArgumentException("Ember broadcasts hashed relations only, not " + spark.mode());
        }
        EmberBroadcastExchangeExec exchange = new EmberBroadcastExchangeExec(mode, emberInput(spark.child()));
        exchange.copyTagsFrom(spark);
        return exchange;
    }

    /** This exchange with Spark's transitions placed inside its child (see {@link #over}). */
    public SparkPlan withTransitions() {
        SparkPlan placed = new ApplyColumnarRulesAndInsertTransitions(Seqs.<ColumnarRule>of(), true).apply(this);
        placed.copyTagsFrom(this);
        return placed;
    }

    /** {@code child} as a source of Ember batches. */
    public static SparkPlan emberInput(SparkPlan child) {
        if (EmberBatchSources.producesEmberBatches(child)) {
            return child;
        }
        return child.supportsColumnar() ? new EmberCopyToArrowExec(child) : new EmberRowToColumnarExec(child);
    }

    /** Whether {@code plan} is an Ember broadcast, seen through a query stage or a reuse. */
    public static boolean isEmber(SparkPlan plan) {
        if (plan instanceof QueryStageExec stage) {
            return isEmber(stage.plan());
        }
        if (plan instanceof ReusedExchangeExec reused) {
            return isEmber(reused.child());
        }
        return plan instanceof EmberBroadcastExchangeExec;
    }

    private SparkContext sparkContextOrNull() {
        if (session() != null) {
            return session().sparkContext();
        }
        Option<SparkContext> active = org.apache.spark.SparkContext$.MODULE$.getActive();
        return active.isDefined() ? active.get() : null;
    }

    public HashedRelationBroadcastMode mode() {
        return mode;
    }

    @Override
    public SparkPlan child() {
        return child;
    }

    @Override
    public String nodeName() {
        return "EmberBroadcastExchange";
    }

    @Override
    public Partitioning outputPartitioning() {
        return new BroadcastPartitioning(mode);
    }

    @Override
    public Map<String, SQLMetric> metrics() {
        return metrics;
    }

    private SQLMetric metric(String name) {
        Option<SQLMetric> found = metrics.get(name);
        return found.isDefined() ? found.get() : new SQLMetric("sum", 0);
    }

    /**
     * Columnar, so that Spark gives its child columnar output, and row-based too, so that Spark puts no
     * transition above it (or above its query stage) where a Spark join reads it: a broadcast is read
     * through {@code executeBroadcast} only, never as rows or batches.
     */
    @Override
    public boolean supportsColumnar() {
        return true;
    }

    @Override
    public boolean supportsRowBased() {
        return true;
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new EmberBroadcastExchangeExec(mode, newChild);
    }

    /** Spark's exchange of the same mode and child: the same result (see the class comment). */
    @Override
    public SparkPlan doCanonicalize() {
        return new BroadcastExchangeExec(mode.canonicalized(), child.canonicalized());
    }

    @Override
    public Statistics runtimeStatistics() {
        return new Statistics(scala.math.BigInt$.MODULE$.apply(metric(DATA_SIZE).value()),
                Option.apply(scala.math.BigInt$.MODULE$.apply(metric(OUTPUT_ROWS).value())),
                org.apache.spark.sql.catalyst.expressions.AttributeMap$.MODULE$.empty(), false);
    }

    /** A broadcast runs once: its metrics are kept, as Spark's exchange keeps them. */
    @Override
    public void resetMetrics() {}

    // ---- the broadcast

    @Override
    public void doPrepare() {
        relationFuture();
    }

    @Override
    public RDD<InternalRow> doExecute() {
        throw (RuntimeException) QueryExecutionErrors.executeCodePathUnsupportedError(nodeName());
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        throw (RuntimeException) QueryExecutionErrors.executeCodePathUnsupportedError(nodeName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Broadcast<T> doExecuteBroadcast() {
        java.util.concurrent.Future<Broadcast<Object>> future = relationFuture();
        try {
            return (Broadcast<T>) (Broadcast<?>) future.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.error("Could not execute broadcast in {} secs.", timeoutSeconds, e);
            if (!future.isDone()) {
                sparkContext().cancelJobsWithTag(jobTag(), "The corresponding broadcast query has failed.");
                future.cancel(true);
            }
            throw sneaky(QueryExecutionErrors.executeBroadcastTimeoutError(timeoutSeconds, Option.apply(e)));
        } catch (InterruptedException | ExecutionException e) {
            // as Spark's exchange, whose Scala code lets the future's exception through as it is
            throw sneaky(e);
        }
    }

    @Override
    public synchronized java.util.concurrent.Future<Broadcast<Object>> relationFuture() {
        if (relationFuture == null) {
            relationFuture = SQLExecution.withThreadLocalCaptured(session(),
                    BroadcastExchangeExec$.MODULE$.executionContext(), this::broadcastRelation);
        }
        return relationFuture;
    }

    /** Collects, checks and broadcasts the build side; runs on Spark's broadcast thread pool. */
    private Broadcast<Object> broadcastRelation() {
        return BroadcastJob.run(sparkContext(), jobTag(), child, mode, conf(), metrics, relationPromise());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }

    // ---- BroadcastExchangeLike's state, as scalac would generate it for a Scala subclass

    @Override
    public void org$apache$spark$sql$execution$exchange$BroadcastExchangeLike$_setter_$runId_$eq(UUID value) {
        runId = value;
    }

    @Override
    public UUID runId() {
        return runId;
    }

    private synchronized Promise<Broadcast<Object>> relationPromise() {
        if (relationPromise == null) {
            relationPromise = scala.concurrent.Promise$.MODULE$.apply();
        }
        return relationPromise;
    }

    @Override
    public Future<Broadcast<Object>> completionFuture() {
        return relationPromise().future();
    }

    @Override
    public synchronized Promise<scala.runtime.BoxedUnit>
            org$apache$spark$sql$execution$exchange$BroadcastExchangeLike$$promise() {
        if (preparedPromise == null) {
            preparedPromise = traitValue("promise");
        }
        return preparedPromise;
    }

    @Override
    public synchronized Future<scala.runtime.BoxedUnit>
            org$apache$spark$sql$execution$exchange$BroadcastExchangeLike$$scalaFuture() {
        if (preparedFuture == null) {
            preparedFuture = traitValue("scalaFuture");
        }
        return preparedFuture;
    }

    @Override
    public synchronized java.util.concurrent.Future<Object>
            org$apache$spark$sql$execution$exchange$BroadcastExchangeLike$$triggerFuture() {
        if (triggerFuture == null) {
            triggerFuture = traitValue("triggerFuture");
        }
        return triggerFuture;
    }

    /** The initial value of one of the trait's private lazy values (see {@link TraitValues}). */
    private <T> T traitValue(String name) {
        return TraitValues.initial(BroadcastExchangeLike.class, this, name, "Ember's broadcast exchange");
    }

    // ---- a product of its constructor arguments, as Spark copies plan nodes

    @Override
    public int productArity() {
        return 2;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> mode;
            case 1 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof EmberBroadcastExchangeExec;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        return other instanceof EmberBroadcastExchangeExec that && mode.equals(that.mode) && child.equals(that.child);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), mode, child);
    }
}
