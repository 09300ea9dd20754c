package dev.ember.plan;

import dev.ember.expr.SupportLevel;
import dev.ember.config.EmberConf;
import dev.ember.shims.SparkApiMismatchException;
import org.apache.spark.sql.execution.SparkPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What planning makes of an exception thrown while Ember checks or converts a node. A Spark API that
 * differs in this Spark version ({@link SparkApiMismatchException}, a {@link LinkageError}) leaves the
 * node in Spark with that reason. Anything else is an Ember bug: with {@code spark.ember.test.strict=true}
 * (Ember's tests) the query fails; otherwise the node stays in Spark, the query runs, and the reason (also
 * logged) says to report it.
 */
final class RuleFailures {
    private static final Logger LOG = LoggerFactory.getLogger(RuleFailures.class);

    private RuleFailures() {}

    /**
     * The support level of a node whose rule threw {@code error}.
     *
     * @throws IllegalStateException in strict mode, for an error that is not a Spark version difference
     */
    static SupportLevel fallback(SparkPlan plan, Throwable error, boolean strict) {
        String node = plan.getClass().getSimpleName();
        if (error instanceof SparkApiMismatchException || error instanceof LinkageError) {
            return SupportLevel.unsupported("Ember's rule for " + node + " does not work with this Spark version ("
                    + error + ")");
        }
        if (strict) {
            throw new IllegalStateException("Ember bug: planning " + node + " failed with " + error + " ("
                    + EmberConf.TEST_STRICT.key() + "=true fails the query instead of leaving the node in Spark)",
                    error);
        }
        LOG.warn("Ember bug: planning {} failed; the node stays in Spark. Please report this with the query.", node,
                error);
        return SupportLevel.unsupported("Ember's rule for " + node + " failed with " + error + "; this is an Ember"
                + " bug, please report it with the query (the node stays in Spark)");
    }
}
