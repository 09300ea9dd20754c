package dev.ember.exec.scan;

import dev.ember.shims.SparkApiMismatchException;
import java.util.Map;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Copies a Spark plan node with some constructor arguments replaced, found by their names: the
 * constructors of Spark's scan nodes differ between Spark versions (4.1 added a stream argument to
 * {@code FileSourceScanExec}), their argument names do not.
 */
final class ScanArguments {
    private ScanArguments() {}

    /** A copy of {@code plan} (Spark's {@code makeCopy}) with the named arguments replaced. */
    static SparkPlan replace(SparkPlan plan, Map<String, Object> replacements) {
        Object[] arguments = new Object[plan.productArity()];
        int replaced = 0;
        for (int i = 0; i < arguments.length; i++) {
            String name = plan.productElementName(i);
            if (replacements.containsKey(name)) {
                arguments[i] = replacements.get(name);
                replaced++;
            } else {
                arguments[i] = plan.productElement(i);
            }
        }
        if (replaced != replacements.size()) {
            throw new SparkApiMismatchException(plan.nodeName() + " has no argument named " + replacements.keySet()
                    + " in this Spark version", null);
        }
        return (SparkPlan) plan.makeCopy(arguments);
    }
}
