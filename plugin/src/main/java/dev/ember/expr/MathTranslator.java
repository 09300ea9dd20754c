package dev.ember.expr;

import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.BRound;
import org.apache.spark.sql.catalyst.expressions.BinaryExpression;
import org.apache.spark.sql.catalyst.expressions.BitwiseAnd;
import org.apache.spark.sql.catalyst.expressions.BitwiseNot;
import org.apache.spark.sql.catalyst.expressions.BitwiseOr;
import org.apache.spark.sql.catalyst.expressions.BitwiseXor;
import org.apache.spark.sql.catalyst.expressions.DateAdd;
import org.apache.spark.sql.catalyst.expressions.DateDiff;
import org.apache.spark.sql.catalyst.expressions.DateSub;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Round;
import org.apache.spark.sql.catalyst.expressions.ShiftLeft;
import org.apache.spark.sql.catalyst.expressions.ShiftRight;
import org.apache.spark.sql.catalyst.expressions.ShiftRightUnsigned;

/**
 * Translates the math functions TPC-DS plans need: Abs, the bitwise operators and shifts (what
 * {@code grouping()} and {@code grouping_id()} compile to), date plus or minus days and the days
 * between dates, and Round/BRound with a constant scale.
 */
final class MathTranslator {
    private MathTranslator() {}

    /** The result type when {@code expression} belongs to this family; empty otherwise. */
    static Optional<ValueType> translate(Translator translator, Expression expression, ValueType type) {
        if (expression instanceof Abs abs) {
            ValueKind kind = type.kind();
            if (!kind.isIntegral() && !kind.isFloating() && kind != ValueKind.DECIMAL) {
                throw Reasons.unsupportedType(abs, type);
            }
            translator.translate(abs.child());
            translator.emit(Instruction.builder(Opcode.ABS, type, 1)
                    .flag(Instruction.FLAG_FAIL_ON_ERROR, abs.failOnError()).build());
            return Optional.of(type);
        } else if (expression instanceof BitwiseAnd || expression instanceof BitwiseOr
                || expression instanceof BitwiseXor) {
            BinaryExpression binary = (BinaryExpression) expression;
            requireIntegral(translator, binary, binary.left(), type);
            requireIntegral(translator, binary, binary.right(), type);
            Opcode opcode = expression instanceof BitwiseAnd ? Opcode.BITWISE_AND
                    : expression instanceof BitwiseOr ? Opcode.BITWISE_OR : Opcode.BITWISE_XOR;
            return Optional.of(binary(translator, opcode, binary, type));
        } else if (expression instanceof BitwiseNot not) {
            requireIntegral(translator, not, not.child(), type);
            translator.translate(not.child());
            translator.emit(Instruction.builder(Opcode.BITWISE_NOT, type, 1).build());
            return Optional.of(type);
        } else if (expression instanceof ShiftLeft || expression instanceof ShiftRight
                || expression instanceof ShiftRightUnsigned) {
            BinaryExpression shift = (BinaryExpression) expression;
            if (type.kind() != ValueKind.INT && type.kind() != ValueKind.LONG) {
                throw Reasons.unsupportedType(shift, type);
            }
            translator.requireKind(shift, shift.left(), type.kind());
            translator.requireKind(shift, shift.right(), ValueKind.INT);
            Opcode opcode = expression instanceof ShiftLeft ? Opcode.SHIFT_LEFT
                    : expression instanceof ShiftRight ? Opcode.SHIFT_RIGHT : Opcode.SHIFT_RIGHT_UNSIGNED;
            return Optional.of(binary(translator, opcode, shift, type));
        } else if (expression instanceof DateAdd || expression instanceof DateSub) {
            BinaryExpression dateArithmetic = (BinaryExpression) expression;
            translator.requireKind(dateArithmetic, dateArithmetic.left(), ValueKind.DATE);
            ValueKind days = translator.resultType(dateArithmetic.right()).kind();
            if (days != ValueKind.INT && days != ValueKind.SHORT && days != ValueKind.BYTE) {
                throw Reasons.unsupportedType(dateArithmetic, translator.resultType(dateArithmetic.right()));
            }
            Opcode opcode = expression instanceof DateAdd ? Opcode.DATE_ADD : Opcode.DATE_SUB;
            return Optional.of(binary(translator, opcode, dateArithmetic, type));
        } else if (expression instanceof DateDiff diff) {
            translator.requireKind(diff, diff.left(), ValueKind.DATE);
            translator.requireKind(diff, diff.right(), ValueKind.DATE);
            return Optional.of(binary(translator, Opcode.DATE_DIFF, diff, type));
        } else if (expression instanceof Round || expression instanceof BRound) {
            BinaryExpression round = (BinaryExpression) expression;
            ValueKind kind = type.kind();
            if (!kind.isIntegral() && !kind.isFloating() && kind != ValueKind.DECIMAL) {
                throw Reasons.unsupportedType(round, type);
            }
            // Spark requires a foldable scale; a literal is what the optimizer leaves of one. A null
            // scale (a null answer whatever the value) is left to Spark.
            if (!(round.right() instanceof Literal scale) || scale.value() == null) {
                throw Reasons.unsupported(round, "rounding to a scale that is not a non-null constant");
            }
            boolean ansi = expression instanceof Round r ? r.ansiEnabled() : ((BRound) expression).ansiEnabled();
            translator.translate(round.left());
            translator.emit(Instruction.builder(expression instanceof Round ? Opcode.ROUND : Opcode.BROUND, type, 1)
                    .longs(((Number) scale.value()).longValue())
                    .flag(Instruction.FLAG_FAIL_ON_ERROR, ansi).build());
            return Optional.of(type);
        }
        return Optional.empty();
    }

    private static void requireIntegral(Translator translator, Expression parent, Expression child, ValueType type) {
        ValueType childType = translator.resultType(child);
        if (!childType.kind().isIntegral() || !childType.equals(type)) {
            throw Reasons.unsupportedType(parent, childType);
        }
    }

    private static ValueType binary(Translator translator, Opcode opcode, BinaryExpression expression, ValueType type) {
        translator.translate(expression.left());
        translator.translate(expression.right());
        translator.emit(Instruction.builder(opcode, type, 2).build());
        return type;
    }
}
