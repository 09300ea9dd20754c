package dev.ember.exec;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;

/**
 * The conjuncts of a filter condition in the order Spark's {@code FilterExec} evaluates them row by row.
 *
 * <p>Spark's generated filter code does not evaluate the condition as one expression: it splits it at its
 * top-level ANDs and skips a row as soon as one conjunct is null or false, so a later conjunct never runs
 * on that row, and an error it would raise there (an ANSI cast, a division by zero) is never raised. An
 * {@code IsNotNull} of a column moves to just before the first conjunct that reads the column, and those
 * no conjunct reads come last. (Spark moves {@code IsNotNull} of other null-intolerant expressions too;
 * here they stay in place, which can only differ where such a check sits before an erroring conjunct.)
 * The expression's own {@code AND} evaluates its right side after a null left one, so an interpreter of
 * the whole condition may fail on a row Spark's filter skipped.
 */
public final class FilterConjuncts {
    private FilterConjuncts() {}

    /** The conjuncts of {@code condition} in Spark's evaluation order. */
    public static List<Expression> inSparkOrder(Expression condition) {
        List<Expression> conjuncts = new ArrayList<>();
        split(condition, conjuncts);
        List<IsNotNull> notNull = new ArrayList<>();
        List<Expression> other = new ArrayList<>();
        for (Expression conjunct : conjuncts) {
            if (conjunct instanceof IsNotNull check && check.child() instanceof Attribute) {
                notNull.add(check);
            } else {
                other.add(conjunct);
            }
        }
        boolean[] emitted = new boolean[notNull.size()];
        List<Expression> ordered = new ArrayList<>(conjuncts.size());
        for (Expression conjunct : other) {
            AttributeSet references = conjunct.references();
            for (int i = 0; i < notNull.size(); i++) {
                if (!emitted[i] && references.contains((Attribute) notNull.get(i).child())) {
                    emitted[i] = true;
                    ordered.add(notNull.get(i));
                }
            }
            ordered.add(conjunct);
        }
        for (int i = 0; i < notNull.size(); i++) {
            if (!emitted[i]) {
                ordered.add(notNull.get(i));
            }
        }
        return List.copyOf(ordered);
    }

    private static void split(Expression condition, List<Expression> out) {
        if (condition instanceof And and) {
            split(and.left(), out);
            split(and.right(), out);
        } else {
            out.add(condition);
        }
    }
}
