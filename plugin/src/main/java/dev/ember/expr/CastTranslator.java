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
        translator.translate(cast.child());
        translator.emit(Instruction.builder(Opcode.CAST, type, 1)
                .flag(Instruction.FLAG_FAIL_ON_ERROR, mode != EvalMode$.MODULE$.LEGACY())
                .flag(Instruction.FLAG_NULL_ON_OWN_ERROR, mode == EvalMode$.MODULE$.TRY())
                .build());
        return Optional.of(type);
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
