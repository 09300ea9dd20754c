package dev.ember.exec.window;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Device.WindowFrame;
import dev.ember.device.Device.WindowOperation;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.aggregate.FrameAggregate;
import dev.ember.expr.ExpressionCompiler;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.CurrentRow$;
import org.apache.spark.sql.catalyst.expressions.DenseRank;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.RangeFrame$;
import org.apache.spark.sql.catalyst.expressions.Rank;
import org.apache.spark.sql.catalyst.expressions.RowFrame$;
import org.apache.spark.sql.catalyst.expressions.RowNumber;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SpecifiedWindowFrame;
import org.apache.spark.sql.catalyst.expressions.UnboundedFollowing$;
import org.apache.spark.sql.catalyst.expressions.UnboundedPreceding$;
import org.apache.spark.sql.catalyst.expressions.WindowExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.types.IntegerType$;

/**
 * A window operator planned on the driver: its partition and order keys bound to the child's columns,
 * and per window expression how it runs: a ranking, or an aggregate over a frame ({@link FrameAggregate}).
 *
 * <p>Supported: {@code row_number}, {@code rank}, {@code dense_rank}, and {@code sum}, {@code avg},
 * {@code count}, {@code min}, {@code max} over the whole partition, over a growing frame
 * ({@code UNBOUNDED PRECEDING} to {@code CURRENT ROW}, ROWS or RANGE, or to {@code n} ROWS
 * {@code PRECEDING}/{@code FOLLOWING}), or over {@code ROWS BETWEEN n PRECEDING AND m FOLLOWING}
 * (either side may be {@code CURRENT ROW}). Everything else stays in Spark, with the reason.
 *
 * @param partitionKeys the partition expressions over the child's output
 * @param orderKeys the order expressions (without directions: the child is sorted, only equality matters)
 * @param functions one plan per window expression, in output order
 */
record WindowPlan(ExpressionColumns partitionKeys, ExpressionColumns orderKeys, List<Function> functions)
        implements Serializable {

    /**
     * One window expression: a ranking ({@code aggregate} null) or an aggregate over {@code frame}, whose
     * device operations are {@code operations}.
     */
    record Function(WindowOperation.Kind kind, FrameAggregate aggregate, List<WindowOperation> operations)
            implements Serializable {}

    /** A reason a window cannot run on Ember. */
    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Whether Ember runs the window, with the reason when it does not. */
    static SupportLevel support(List<NamedExpression> windowExpressions, List<Expression> partitionSpec,
            List<SortOrder> orderSpec, List<Attribute> input, ExpressionCompiler compiler) {
        SupportLevel keys = ExpressionColumns.support(partitionSpec, input, compiler, "partition key");
        if (!keys.isCompatible()) {
            return keys;
        }
        keys = ExpressionColumns.support(orderChildren(orderSpec), input, compiler, "order key");
        if (!keys.isCompatible()) {
            return keys;
        }
        try {
            for (NamedExpression named : windowExpressions) {
                WindowExpression window = windowExpression(named);
                if (window.windowFunction() instanceof AggregateExpression aggregate) {
                    frame(window);
                    SupportLevel level = FrameAggregate.support(aggregate, input, compiler);
                    if (!level.isCompatible()) {
                        return SupportLevel.unsupported(named.name() + ": " + level.reason());
                    }
                } else {
                    rankingKind(window.windowFunction());
                }
            }
            return SupportLevel.compatible();
        } catch (Unsupported e) {
            return SupportLevel.unsupported(e.getMessage());
        }
    }

    /** Plans a window that {@link #support} accepted; driver side. */
    static WindowPlan plan(List<NamedExpression> windowExpressions, List<Expression> partitionSpec,
            List<SortOrder> orderSpec, List<Attribute> input) {
        List<Function> functions = new ArrayList<>();
        for (NamedExpression named : windowExpressions) {
            WindowExpression window = windowExpression(named);
            if (window.windowFunction() instanceof AggregateExpression aggregate) {
                WindowFrame frame = frame(window);
                FrameAggregate planned = FrameAggregate.plan(aggregate, input);
                List<WindowOperation> operations = new ArrayList<>();
                for (var operation : planned.operations()) {
                    operations.add(new WindowOperation(WindowOperation.Kind.AGGREGATE, operation, frame));
                }
                functions.add(new Function(WindowOperation.Kind.AGGREGATE, planned, List.copyOf(operations)));
            } else {
                WindowOperation.Kind kind = rankingKind(window.windowFunction());
                functions.add(new Function(kind, null, List.of(WindowOperation.ranking(kind))));
            }
        }
        return new WindowPlan(ExpressionColumns.bind(partitionSpec, input),
                ExpressionColumns.bind(orderChildren(orderSpec), input), List.copyOf(functions));
    }

    private static List<Expression> orderChildren(List<SortOrder> orderSpec) {
        List<Expression> children = new ArrayList<>();
        for (SortOrder order : orderSpec) {
            children.add(order.child());
        }
        return children;
    }

    private static WindowExpression windowExpression(NamedExpression named) {
        if (named instanceof Alias alias && alias.child() instanceof WindowExpression window) {
            return window;
        }
        throw new Unsupported("window column " + ((Expression) named).sql() + " is not a window function alone");
    }

    private static WindowOperation.Kind rankingKind(Expression function) {
        if (function instanceof RowNumber) {
            return WindowOperation.Kind.ROW_NUMBER;
        } else if (function instanceof Rank) {
            return WindowOperation.Kind.RANK;
        } else if (function instanceof DenseRank) {
            return WindowOperation.Kind.DENSE_RANK;
        }
        throw new Unsupported("window function " + function.prettyName() + " is not supported yet (supported: row_number,"
                + " rank, dense_rank, and sum, avg, count, min, max over a frame)");
    }

    /** The frame of an aggregate, or {@link Unsupported} naming the frame. */
    private static WindowFrame frame(WindowExpression window) {
        if (!(window.windowSpec().frameSpecification() instanceof SpecifiedWindowFrame frame)) {
            throw new Unsupported("window frame " + window.windowSpec().frameSpecification() + " is not supported");
        }
        boolean rows = frame.frameType() == RowFrame$.MODULE$;
        boolean range = frame.frameType() == RangeFrame$.MODULE$;
        Expression lower = frame.lower();
        Expression upper = frame.upper();
        if (lower == UnboundedPreceding$.MODULE$) {
            if (upper == UnboundedFollowing$.MODULE$) {
                return WindowFrame.PARTITION;
            } else if (upper == CurrentRow$.MODULE$ && range) {
                return new WindowFrame(WindowFrame.Bound.UNBOUNDED, 0, WindowFrame.Bound.PEERS, 0);
            } else if (rows && offset(upper) != null) {
                return new WindowFrame(WindowFrame.Bound.UNBOUNDED, 0, WindowFrame.Bound.ROWS, offset(upper));
            }
        } else if (rows && offset(lower) != null && offset(upper) != null) {
            return new WindowFrame(WindowFrame.Bound.ROWS, offset(lower), WindowFrame.Bound.ROWS, offset(upper));
        }
        throw new Unsupported("window frame " + frame.sql() + " is not supported yet (supported: the whole partition,"
                + " UNBOUNDED PRECEDING to CURRENT ROW or to a row offset, and ROWS BETWEEN row offsets)");
    }

    /** A ROWS frame boundary as a row offset (CURRENT ROW is 0, n PRECEDING is -n), or null. */
    private static Integer offset(Expression boundary) {
        if (boundary == CurrentRow$.MODULE$) {
            return 0;
        }
        if (boundary instanceof Literal literal && literal.dataType() == IntegerType$.MODULE$
                && literal.value() != null) {
            return (Integer) literal.value();
        }
        return null;
    }

    /** Every device operation, in function order: the list {@code Device.window} takes. */
    List<WindowOperation> operations() {
        List<WindowOperation> all = new ArrayList<>();
        for (Function function : functions) {
            all.addAll(function.operations());
        }
        return all;
    }
}
