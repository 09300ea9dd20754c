package dev.ember.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;

/** Replaces attribute references by references to input ordinals, as Spark's BindReferences does. */
final class Binder {
    private Binder() {}

    /**
     * The expression with every {@link AttributeReference} replaced by a {@link BoundReference} to
     * its ordinal in {@code ordinals}; the compiler has already checked that each one is there.
     */
    static Expression bind(Expression expression, Map<ExprId, Integer> ordinals) {
        if (expression instanceof AttributeReference reference) {
            Integer ordinal = ordinals.get(reference.exprId());
            if (ordinal == null) {
                throw new IllegalArgumentException("column " + reference.sql() + " is not in the input");
            }
            return new BoundReference(ordinal, reference.dataType(), reference.nullable());
        }
        List<Expression> children = Scala.children(expression);
        if (children.isEmpty()) {
            return expression;
        }
        List<Expression> bound = new ArrayList<>(children.size());
        boolean changed = false;
        for (Expression child : children) {
            Expression boundChild = bind(child, ordinals);
            changed |= boundChild != child;
            bound.add(boundChild);
        }
        return changed ? expression.withNewChildren(Scala.toSeq(bound)) : expression;
    }
}
