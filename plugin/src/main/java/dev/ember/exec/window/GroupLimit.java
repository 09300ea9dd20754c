package dev.ember.exec.window;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Device.WindowOperation;
import dev.ember.exec.Planning;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.DenseRank;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.Rank;
import org.apache.spark.sql.catalyst.expressions.RowNumber;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;

/**
 * A window group limit planned on the driver (Spark's {@code WindowGroupLimitExec}: the rows whose
 * {@code row_number}, {@code rank} or {@code dense_rank} in their window partition is at most the limit):
 * the keys bound to the child's columns, the ranking, and the program that keeps a row, {@code rank <=
 * limit}, which the device evaluates over the ranks.
 */
record GroupLimit(ExpressionColumns partitionKeys, ExpressionColumns orderKeys, WindowOperation ranking,
        Program withinLimit) implements Serializable {

    static SupportLevel support(List<Expression> partitionSpec, List<SortOrder> orderSpec, Expression rankLikeFunction,
            List<Attribute> input, ExpressionCompiler compiler) {
        if (kind(rankLikeFunction) == null) {
            return SupportLevel.unsupported("rank-like function " + rankLikeFunction.prettyName()
                    + " is not supported (supported: row_number, rank, dense_rank)");
        }
        SupportLevel keys = ExpressionColumns.support(partitionSpec, input, compiler, "partition key");
        return keys.isCompatible() ? ExpressionColumns.support(orderChildren(orderSpec), input, compiler, "order key")
                : keys;
    }

    /** Plans a limit that {@link #support} accepted; driver side. */
    static GroupLimit plan(List<Expression> partitionSpec, List<SortOrder> orderSpec, Expression rankLikeFunction,
            int limit, List<Attribute> input) {
        AttributeReference rank = new AttributeReference("rank", DataTypes.IntegerType, false, Metadata.empty(),
                NamedExpression$.MODULE$.newExprId(), Seqs.<String>of());
        Program withinLimit = Planning.compiler().compile(new LessThanOrEqual(rank,
                Literal.create(limit, DataTypes.IntegerType)), List.of(rank));
        return new GroupLimit(ExpressionColumns.bind(partitionSpec, input),
                ExpressionColumns.bind(orderChildren(orderSpec), input),
                WindowOperation.ranking(kind(rankLikeFunction)), withinLimit);
    }

    private static WindowOperation.Kind kind(Expression function) {
        if (function instanceof RowNumber) {
            return WindowOperation.Kind.ROW_NUMBER;
        } else if (function instanceof Rank) {
            return WindowOperation.Kind.RANK;
        } else if (function instanceof DenseRank) {
            return WindowOperation.Kind.DENSE_RANK;
        }
        return null;
    }

    private static List<Expression> orderChildren(List<SortOrder> orderSpec) {
        List<Expression> children = new ArrayList<>();
        for (SortOrder order : orderSpec) {
            children.add(order.child());
        }
        return children;
    }
}
