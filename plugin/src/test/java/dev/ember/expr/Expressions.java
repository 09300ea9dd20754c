package dev.ember.expr;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import scala.Enumeration;

/** Shorthands for building Catalyst expressions in tests. */
final class Expressions {
    static final Enumeration.Value ANSI = EvalMode$.MODULE$.ANSI();
    static final Enumeration.Value LEGACY = EvalMode$.MODULE$.LEGACY();
    static final Enumeration.Value TRY = EvalMode$.MODULE$.TRY();
    static final List<Enumeration.Value> MODES = List.of(ANSI, LEGACY, TRY);

    static final List<DataType> INTEGRAL = List.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType,
            DataTypes.LongType);
    static final List<DataType> FLOATING = List.of(DataTypes.FloatType, DataTypes.DoubleType);
    static final List<DataType> DECIMALS = List.of(decimal(5, 2), decimal(18, 4), decimal(19, 0), decimal(38, 10),
            decimal(38, 0), decimal(20, 18), decimal(10, 10));

    private Expressions() {}

    static DecimalType decimal(int precision, int scale) {
        return DataTypes.createDecimalType(precision, scale);
    }

    static NumericEvalContext context(Enumeration.Value mode) {
        return new NumericEvalContext(mode, true);
    }

    static Literal literal(Object internalValue, DataType type) {
        return new Literal(internalValue, type);
    }

    static <T> scala.collection.immutable.Seq<T> seq(List<T> values) {
        return Scala.toSeq(values);
    }

    static scala.collection.immutable.Seq<Expression> seq(Expression... values) {
        return Scala.toSeq(List.of(values));
    }
}
