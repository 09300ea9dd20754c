package dev.ember.exec.window;

import dev.ember.expr.SupportLevel;
import dev.ember.expr.ExpressionCompiler;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;

/** The support checks of the window operators, for the catalog's rules (the plans are the package's own). */
public final class WindowSupport {
    private WindowSupport() {}

    /** Whether Ember runs a window of these expressions over rows of {@code input}, with the reason when not. */
    public static SupportLevel of(List<NamedExpression> windowExpressions, List<Expression> partitionSpec,
            List<SortOrder> orderSpec, List<Attribute> input, ExpressionCompiler compiler) {
        return WindowPlan.support(windowExpressions, partitionSpec, orderSpec, input, compiler);
    }

    /** Whether Ember runs a window group limit of this ranking, with the reason when not. */
    public static SupportLevel ofGroupLimit(List<Expression> partitionSpec, List<SortOrder> orderSpec,
            Expression rankLikeFunction, List<Attribute> input, ExpressionCompiler compiler) {
        return GroupLimit.support(partitionSpec, orderSpec, rankLikeFunction, input, compiler);
    }
}
