package dev.ember.exec;

import dev.ember.config.EmberConf;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.internal.SQLConf;

/** Planning-time helpers shared by the rules and the nodes; driver side only. */
public final class Planning {
    private Planning() {}

    /** An expression compiler set up from the active session's settings. */
    public static ExpressionCompiler compiler() {
        return compiler(SQLConf.get());
    }

    public static ExpressionCompiler compiler(SQLConf sqlConf) {
        EmberConf conf = EmberConf.of(sqlConf);
        return new ExpressionCompiler(new CompilerSettings(sqlConf.ansiEnabled(), sqlConf.sessionLocalTimeZone(),
                name -> conf.isEnabled("spark.ember.expression." + name + ".enabled", true)));
    }

    /**
     * The position in {@code input} of the column {@code expression} only references, or -1 when it
     * computes something: such an output column can share the input's buffers.
     */
    public static int inputOrdinal(Expression expression, List<Attribute> input) {
        if (!(expression instanceof AttributeReference reference)) {
            return -1;
        }
        for (int i = 0; i < input.size(); i++) {
            if (input.get(i).exprId().equals(reference.exprId())) {
                return i;
            }
        }
        return -1;
    }
}
