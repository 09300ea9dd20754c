package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BRound;
import org.apache.spark.sql.catalyst.expressions.BitwiseAnd;
import org.apache.spark.sql.catalyst.expressions.BitwiseNot;
import org.apache.spark.sql.catalyst.expressions.BitwiseOr;
import org.apache.spark.sql.catalyst.expressions.BitwiseXor;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.Contains;
import org.apache.spark.sql.catalyst.expressions.DateAdd;
import org.apache.spark.sql.catalyst.expressions.DateDiff;
import org.apache.spark.sql.catalyst.expressions.DateSub;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EndsWith;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSet;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.MakeDecimal;
import org.apache.spark.sql.catalyst.expressions.Month;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Round;
import org.apache.spark.sql.catalyst.expressions.ShiftLeft;
import org.apache.spark.sql.catalyst.expressions.ShiftRight;
import org.apache.spark.sql.catalyst.expressions.ShiftRightUnsigned;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.catalyst.expressions.Year;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;
import org.apache.spark.sql.execution.ScalarSubquery;

/**
 * The expressions Ember compiles, one entry each, in the order the docs list them. The compiler
 * accepts exactly the classes listed here; each can be switched off with its enable key.
 */
public final class ExpressionCatalog {
    private static final String NUMERIC = "byte, short, int, long, float, double, decimal";
    private static final String ALL = "boolean, " + NUMERIC + ", date, timestamp, string";
    private static final String INTEGRAL = "byte, short, int, long";
    private static final String ANSI = "ANSI errors and LEGACY nulls as the node's evalMode says";

    private static final List<Entry> ENTRIES = List.of(
            entry(Literal.class, ALL, ""),
            entry(AttributeReference.class, ALL, ""),
            entry(BoundReference.class, ALL, ""),
            entry(ScalarSubquery.class, ALL, "the subquery runs in Spark before the node; its value is a constant of"
                    + " the node's program"),
            entry(GetStructField.class, ALL, "only a field of a struct-valued scalar subquery (Spark merges scalar"
                    + " subqueries over one relation into one): a constant of the node's program, like the subquery's"
                    + " value; Ember carries no struct columns"),
            entry(Alias.class, ALL, "compiles its child"),
            entry(Add.class, NUMERIC, ANSI),
            entry(Subtract.class, NUMERIC, ANSI),
            entry(Multiply.class, NUMERIC, ANSI),
            entry(Divide.class, "double, decimal", ANSI + "; the divisor is evaluated first, as in Spark"),
            entry(Remainder.class, NUMERIC, ANSI + "; the divisor is evaluated first, as in Spark"),
            entry(UnaryMinus.class, NUMERIC, ANSI),
            entry(EqualTo.class, ALL, "NaN = NaN, -0.0 = 0.0"),
            entry(EqualNullSafe.class, ALL, "NaN = NaN, -0.0 = 0.0"),
            entry(LessThan.class, ALL, "NaN is larger than any other value"),
            entry(LessThanOrEqual.class, ALL, "NaN is larger than any other value"),
            entry(GreaterThan.class, ALL, "NaN is larger than any other value"),
            entry(GreaterThanOrEqual.class, ALL, "NaN is larger than any other value"),
            entry(And.class, "boolean", "three-valued; the right side is skipped when the left decides"),
            entry(Or.class, "boolean", "three-valued; the right side is skipped when the left decides"),
            entry(Not.class, "boolean", ""),
            entry(IsNull.class, ALL, ""),
            entry(IsNotNull.class, ALL, ""),
            entry(In.class, ALL, "constant lists only; others fall back"),
            entry(InSet.class, ALL, ""),
            entry(If.class, ALL, ""),
            entry(CaseWhen.class, ALL, ""),
            entry(Coalesce.class, ALL, ""),
            entry(Cast.class, "boolean, " + NUMERIC + ", date, string",
                    "among boolean and numeric types; string to boolean, numeric and date; boolean, numeric and "
                            + "date to string; timestamps and dates to or from numbers fall back"),
            entry(StartsWith.class, "string", "UTF8_BINARY collation"),
            entry(EndsWith.class, "string", "UTF8_BINARY collation"),
            entry(Contains.class, "string", "UTF8_BINARY collation"),
            entry(Like.class, "string", "constant patterns only; others fall back"),
            entry(Substring.class, "string", "string only; binary falls back"),
            entry(Length.class, "string", "string only; binary falls back"),
            entry(Year.class, "date", ""),
            entry(Month.class, "date", ""),
            entry(DayOfMonth.class, "date", ""),
            entry(TryEval.class, ALL, "errors below it become null"),
            entry(KnownFloatingPointNormalized.class, "float, double", "compiles its child"),
            entry(NormalizeNaNAndZero.class, "float, double", ""),
            entry(UnscaledValue.class, "decimal up to precision 18", ""),
            entry(MakeDecimal.class, "long", ""),
            entry(Abs.class, NUMERIC, "integral MIN_VALUE: ANSI error, else wraps; decimals as unary minus"),
            entry(BitwiseAnd.class, INTEGRAL, ""),
            entry(BitwiseOr.class, INTEGRAL, ""),
            entry(BitwiseXor.class, INTEGRAL, ""),
            entry(BitwiseNot.class, INTEGRAL, ""),
            entry(ShiftLeft.class, "int, long", "the distance is taken modulo the width, as in Java"),
            entry(ShiftRight.class, "int, long", "the distance is taken modulo the width, as in Java"),
            entry(ShiftRightUnsigned.class, "int, long", "the distance is taken modulo the width, as in Java"),
            entry(DateAdd.class, "date", "days of byte, short or int; wraps as Spark's int arithmetic does"),
            entry(DateSub.class, "date", "days of byte, short or int; wraps as Spark's int arithmetic does"),
            entry(DateDiff.class, "date", ""),
            entry(Round.class, NUMERIC, "HALF_UP to a constant scale; the CUDA kernel leaves float and double to"
                    + " the host (Spark rounds them through Double.toString)"),
            entry(BRound.class, NUMERIC, "HALF_EVEN to a constant scale; the CUDA kernel leaves float and double to"
                    + " the host (Spark rounds them through Double.toString)"),
            entry(Upper.class, "string", "ASCII byte by byte (also in the CUDA kernel); other text through Spark's"
                    + " own case mapping (ICU or the JVM's, as spark.sql.icu.caseMappings.enabled says) on the host"),
            entry(Lower.class, "string", "ASCII byte by byte (also in the CUDA kernel); other text through Spark's"
                    + " own case mapping (ICU or the JVM's, as spark.sql.icu.caseMappings.enabled says) on the host"),
            entry(Concat.class, "string", "strings only; binary and arrays fall back"));

    private static final Map<Class<?>, Entry> BY_CLASS = ENTRIES.stream()
            .collect(Collectors.toUnmodifiableMap(Entry::expressionClass, Function.identity()));

    private ExpressionCatalog() {}

    /** One entry per supported Catalyst expression class, in documentation order. */
    public static List<ExpressionEntry> entries() {
        return ENTRIES.stream().map(Entry::entry).toList();
    }

    /** The enable key of an expression name: {@code spark.ember.expression.<name>.enabled}. */
    public static String enableKey(String name) {
        requireNonNull(name, "name is null");
        return "spark.ember.expression." + name + ".enabled";
    }

    /** Whether the compiler knows this exact Catalyst class. */
    static boolean isListed(Class<?> expressionClass) {
        return BY_CLASS.containsKey(expressionClass);
    }

    private static Entry entry(Class<?> expressionClass, String types, String notes) {
        return new Entry(expressionClass, new ExpressionEntry(expressionClass.getSimpleName(),
                expressionClass.getName(), types, notes));
    }

    private record Entry(Class<?> expressionClass, ExpressionEntry entry) {}
}
