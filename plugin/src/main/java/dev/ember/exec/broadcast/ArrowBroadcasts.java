package dev.ember.exec.broadcast;

import dev.ember.config.EmberConf;
import dev.ember.exec.Seqs;
import java.util.Optional;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;

/**
 * Spark broadcast exchanges whose value is Arrow: Spark's own {@code BroadcastExchangeExec} (collecting,
 * size limits, metrics, timeouts, cancellation, adaptive query stages and reuse all stay Spark's) with an
 * {@link ArrowBroadcastMode}.
 */
public final class ArrowBroadcasts {
    private ArrowBroadcasts() {}

    /**
     * The Arrow twin of a Spark broadcast exchange of a hashed relation, carrying its tags (the logical
     * link adaptive execution needs); empty when {@code plan} is anything else (an exchange that is
     * already Arrow, a query stage, an exchange of another mode).
     */
    public static Optional<SparkPlan> arrowTwin(SparkPlan plan, EmberConf conf) {
        if (!(plan instanceof BroadcastExchangeExec exchange)
                || !(exchange.mode() instanceof HashedRelationBroadcastMode sparkMode)
                || sparkMode instanceof ArrowBroadcastMode) {
            return Optional.empty();
        }
        // a chunk's strings must fit Arrow's 32-bit offsets
        long bytesPerChunk = Math.min(conf.get(EmberConf.BATCH_SIZE_BYTES), Integer.MAX_VALUE / 2);
        ArrowBroadcastMode mode = new ArrowBroadcastMode(sparkMode, Seqs.typesOf(exchange.child().output()),
                conf.get(EmberConf.BATCH_SIZE_ROWS), bytesPerChunk);
        BroadcastExchangeExec twin = new BroadcastExchangeExec(mode, exchange.child());
        twin.copyTagsFrom(exchange);
        return Optional.of(twin);
    }

    /** Whether {@code plan} broadcasts Arrow, seen through a query stage or a reuse. */
    public static boolean isArrow(SparkPlan plan) {
        if (plan instanceof QueryStageExec stage) {
            return isArrow(stage.plan());
        }
        if (plan instanceof ReusedExchangeExec reused) {
            return isArrow(reused.child());
        }
        return plan instanceof BroadcastExchangeExec exchange && exchange.mode() instanceof ArrowBroadcastMode;
    }
}
