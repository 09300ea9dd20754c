package dev.ember;

import dev.ember.plan.EmberBroadcastStages;
import dev.ember.plan.EmberOverrides;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarRule;
import org.apache.spark.sql.execution.SparkPlan;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Ember's SQL extensions: the columnar rule that puts Ember nodes into physical plans, and the
 * query-stage preparation rule that makes the broadcasts of Ember's joins Arrow. Listed in
 * {@code spark.sql.extensions} by {@link EmberPlugin}'s driver side; can also be listed there by hand.
 */
public final class EmberExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectColumnar(new AbstractFunction1<SparkSession, ColumnarRule>() {
            @Override
            public ColumnarRule apply(SparkSession session) {
                return new EmberOverrides();
            }
        });
        extensions.injectQueryStagePrepRule(new AbstractFunction1<SparkSession, Rule<SparkPlan>>() {
            @Override
            public Rule<SparkPlan> apply(SparkSession session) {
                return new EmberBroadcastStages();
            }
        });
        return BoxedUnit.UNIT;
    }
}
