package dev.ember.exec.broadcast;

import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.shims.SparkShims;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.EmptyHashedRelation$;
import org.apache.spark.sql.execution.joins.HashedRelation;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.execution.joins.HashedRelationWithAllNullKeys$;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.LongType$;
import org.apache.spark.unsafe.map.BytesToBytesMap;
import org.apache.spark.util.SparkFatalException;
import scala.collection.immutable.Map;
import scala.concurrent.Promise;

/**
 * The driver side of an {@link EmberBroadcastExchangeExec}, as Spark's exchange does it: collect the
 * executors' pieces ({@link BroadcastPieces}) under the exchange's job tag, check Spark's row and size
 * limits, build the relation, broadcast it keeping only the serialized value on the driver, post the
 * metrics, and complete the exchange's promise, with the failure too (adaptive execution waits on it).
 */
final class BroadcastJob {
    private BroadcastJob() {}

    /**
     * Collects, checks and broadcasts {@code child}'s batches; completes {@code promise} either way.
     *
     * @param metrics the exchange's metrics, by Spark's names
     */
    static Broadcast<Object> run(SparkContext context, String jobTag, SparkPlan child, HashedRelationBroadcastMode mode,
            SQLConf conf, Map<String, SQLMetric> metrics, Promise<Broadcast<Object>> promise) {
        try {
            context.addJobTag(jobTag);
            context.setInterruptOnCancel(true);
            long beforeCollect = System.nanoTime();
            String codec = BroadcastPieces.codecName(context.conf());
            List<DataType> types = Seqs.typesOf(child.output());
            RDD<byte[]> pieceRdd = Rdds.mapPartitions(child.executeColumnar(),
                    new BroadcastPieces(codec, mode.isNullAware() ? mode.key() : null), byte[].class);
            byte[][] pieces = (byte[][]) pieceRdd.collect();
            long rows = 0;
            long dataSize = 0;
            boolean nullKey = false;
            for (byte[] piece : pieces) {
                rows += BroadcastPieces.rows(piece);
                dataSize += BroadcastPieces.uncompressedBytes(piece);
                nullKey |= BroadcastPieces.nullKey(piece);
            }
            metrics.apply(EmberBroadcastExchangeExec.OUTPUT_ROWS).add(rows);
            long maxRows = maxBroadcastRows(mode);
            if (rows >= maxRows) {
                throw sneaky(QueryExecutionErrors.cannotBroadcastTableOverMaxTableRowsError(maxRows, rows));
            }
            long beforeBuild = System.nanoTime();
            metrics.apply(EmberBroadcastExchangeExec.COLLECT_TIME).add(TimeUnit.NANOSECONDS.toMillis(beforeBuild - beforeCollect));

            HashedRelation relation;
            if (mode.isNullAware() && rows == 0) {
                relation = EmptyHashedRelation$.MODULE$;
            } else if (mode.isNullAware() && nullKey) {
                // NOT IN over a list holding null is never true: Spark's marker, which its joins test for
                relation = HashedRelationWithAllNullKeys$.MODULE$;
            } else {
                relation = EmberBroadcastRelation.of(mode, types, codec, java.util.Arrays.asList(pieces), rows,
                        dataSize);
            }
            long size = relation.estimatedSize();
            metrics.apply(EmberBroadcastExchangeExec.DATA_SIZE).add(size);
            long maxBytes = SparkShims.maxBroadcastTableBytes(conf);
            if (size >= maxBytes) {
                throw sneaky(QueryExecutionErrors.cannotBroadcastTableOverMaxTableBytesError(maxBytes, size));
            }
            long beforeBroadcast = System.nanoTime();
            metrics.apply(EmberBroadcastExchangeExec.BUILD_TIME).add(TimeUnit.NANOSECONDS.toMillis(beforeBroadcast - beforeBuild));

            // as Spark's (SPARK-39983): the driver keeps the serialized value only
            Broadcast<Object> broadcast = context.broadcastInternal((Object) relation, true,
                    scala.reflect.ClassTag$.MODULE$.Any());
            metrics.apply(EmberBroadcastExchangeExec.BROADCAST_TIME).add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeBroadcast));
            String executionId = context.getLocalProperty(SQLExecution.EXECUTION_ID_KEY());
            SQLMetrics.postDriverMetricUpdates(context, executionId, metrics.values().toSeq());
            promise.trySuccess(broadcast);
            return broadcast;
        } catch (OutOfMemoryError e) {
            SparkFatalException fatal = new SparkFatalException(
                    QueryExecutionErrors.notEnoughMemoryToBuildAndBroadcastTableError(e, Seqs.of()));
            promise.tryFailure(fatal);
            throw sneaky(fatal);
        } catch (VirtualMachineError | ThreadDeath | LinkageError e) {
            // Scala's NonFatal: these are fatal, and Spark's exchange wraps them so that its waiter rethrows them
            SparkFatalException fatal = new SparkFatalException(e);
            promise.tryFailure(fatal);
            throw sneaky(fatal);
        } catch (Throwable e) {
            // Spark's limit errors are checked SparkExceptions: every failure must reach the promise, or
            // adaptive execution waits for the stage forever
            promise.tryFailure(e);
            throw sneaky(e);
        }
    }

    /** Spark's row limit for the mode: a hashed relation's map holds fewer rows than a long-keyed one. */
    private static long maxBroadcastRows(HashedRelationBroadcastMode mode) {
        boolean longKey = mode.key().length() == 1 && mode.key().head().dataType() == LongType$.MODULE$;
        return longKey ? 512_000_000L : (long) (BytesToBytesMap.MAX_CAPACITY / 1.5);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
