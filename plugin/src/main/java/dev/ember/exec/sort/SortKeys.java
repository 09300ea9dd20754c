package dev.ember.exec.sort;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Device;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.expr.ExpressionCompiler;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NullsFirst$;
import org.apache.spark.sql.catalyst.expressions.SortOrder;

/** Spark sort orders bound to an input: the key columns and their directions. */
public record SortKeys(ExpressionColumns columns, List<Device.SortKey> directions) implements Serializable {

    public static SupportLevel support(List<SortOrder> orders, List<Attribute> input, ExpressionCompiler compiler) {
        return ExpressionColumns.support(children(orders), input, compiler, "sort key");
    }

    /** Binds sort orders that {@link #support} accepted; driver side. */
    public static SortKeys bind(List<SortOrder> orders, List<Attribute> input) {
        List<Device.SortKey> directions = new ArrayList<>();
        for (SortOrder order : orders) {
            directions.add(new Device.SortKey(order.direction() == Ascending$.MODULE$,
                    order.nullOrdering() == NullsFirst$.MODULE$));
        }
        return new SortKeys(ExpressionColumns.bind(children(orders), input), List.copyOf(directions));
    }

    private static List<Expression> children(List<SortOrder> orders) {
        List<Expression> children = new ArrayList<>();
        for (SortOrder order : orders) {
            children.add(order.child());
        }
        return children;
    }
}
