package dev.ember.expr;

import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.Enumeration;

/**
 * Translates Cast for the pairs of types where Ember reproduces Spark exactly:
 *
 * <ul>
 *   <li>among boolean, byte, short, int, long, float, double and decimal, in every direction;</li>
 *   <li>string to boolean, byte, short, int, long, float, double, decimal and date;</li>
 *   <li>boolean, byte, short, int, long, float, double, decimal and date to string;</li>
 *   <li>a type to itself.</li>
 * </ul>
 *
 * Everything else (timestamps, which need the session time zone, and dates to or from numbers)
 * stays in Spark with a reason.
 */
final class CastTranslator {
    private CastTranslator() {}

    /** The result type when {@code expression} is a Cast; empty otherwise. */
    static Optional<ValueType> translate(Translator translator, Expression expression, ValueType type) {
        if (!(expression instanceof Cast cast)) {
            return Optional.empty();
        }
        ValueType from = translator.resultType(cast.child());
        if (!supported(from, type)) {
            throw Reasons.unsupported(cast, "CAST from " + from + " to " + type);
        }
        Enumeration.Value mode = cast.evalMode();
        if (mode != EvalMode$.MODULE$.LEGACY() && from.kind() == ValueKind.DECIMAL && from.precision() <= 18
                && (type.kind() == ValueKind.BYTE || type.kind() == ValueKind.SHORT || type.kind() == ValueKind.INT)
                && !readsAStoredValue(cast.child())) {
            // Spark range-checks a decimal computed inside the same expression (not held as a compact
            // long) through a double, which near the type's limits answers differently from the check
            // on the truncated value that Ember (and Spark, for stored decimals) applies
            throw Reasons.unsupported(cast, "an ANSI CAST of a computed " + from + " to " + type
                    + " (Spark's range check differs near the limits of " + type + ")");
        }
        translator.translate(cast.child());
        translator.emit(Instruction.builder(Opcode.CAST, type, 1)
                .flag(Instruction.FLAG_FAIL_ON_ERROR, mode != EvalMode$.MODULE$.LEGACY())
                .flag(Instruction.FLAG_NULL_ON_OWN_ERROR, mode == EvalMode$.MODULE$.TRY())
                .build());
        return Optional.of(type);
    }

    /** A column or a literal: a decimal Spark holds as a compact long when its precision allows. */
    private static boolean readsAStoredValue(Expression child) {
        return child instanceof org.apache.spark.sql.catalyst.expressions.AttributeReference
                || child instanceof org.apache.spark.sql.catalyst.expressions.BoundReference
                || child instanceof org.apache.spark.sql.catalyst.expressions.Literal;
    }

    /** Whether Ember casts {@code from} to {@code to}. */
    static boolean supported(ValueType from, ValueType to) {
        if (from.equals(to)) {
            return true;
        }
        boolean fromNumber = isNumberOrBoolean(from.kind());
        boolean toNumber = isNumberOrBoolean(to.kind());
        if (fromNumber && toNumber) {
            return true;
        }
        if (from.kind() == ValueKind.STRING) {
            return toNumber || to.kind() == ValueKind.DATE;
        }
        return to.kind() == ValueKind.STRING && (fromNumber || from.kind() == ValueKind.DATE);
    }

    private static boolean isNumberOrBoolean(ValueKind kind) {
        return kind == ValueKind.BOOLEAN || kind.isIntegral() || kind.isFloating() || kind == ValueKind.DECIMAL;
    }
}
