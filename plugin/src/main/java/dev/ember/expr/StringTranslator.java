package dev.ember.expr;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.BinaryExpression;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.Contains;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.EndsWith;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.Month;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.catalyst.expressions.UnaryExpression;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.catalyst.expressions.Year;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.internal.SQLConf$;

/**
 * Translates the string functions (StartsWith, EndsWith, Contains, Like, Substring, Length, Upper, Lower,
 * Concat) and the date fields.
 */
final class StringTranslator {
    private StringTranslator() {}

    /** The result type when {@code expression} belongs to this family; empty otherwise. */
    static Optional<ValueType> translate(Translator translator, Expression expression, ValueType type) {
        if (expression instanceof StartsWith || expression instanceof EndsWith || expression instanceof Contains) {
            BinaryExpression binary = (BinaryExpression) expression;
            translator.requireKind(binary, binary.left(), ValueKind.STRING);
            translator.requireKind(binary, binary.right(), ValueKind.STRING);
            translator.translate(binary.left());
            translator.translate(binary.right());
            Opcode opcode = expression instanceof StartsWith ? Opcode.STARTS_WITH
                    : expression instanceof EndsWith ? Opcode.ENDS_WITH : Opcode.CONTAINS;
            translator.emit(Instruction.builder(opcode, type, 2).build());
            return Optional.of(type);
        } else if (expression instanceof Like like) {
            translator.requireKind(like, like.left(), ValueKind.STRING);
            if (!(like.right() instanceof Literal pattern) || pattern.value() == null) {
                throw Reasons.unsupported(like, "LIKE with a pattern that is not a non-null constant");
            }
            String text = pattern.value().toString();
            LikeMatcher.problem(text, like.escapeChar()).ifPresent(problem -> {
                throw Reasons.unsupported(like, "the LIKE pattern '" + text + "' (" + problem
                        + "; Spark raises an error for it)");
            });
            translator.translate(like.left());
            translator.emit(Instruction.builder(Opcode.LIKE, type, 1)
                    .longs(like.escapeChar())
                    .strings(text.getBytes(StandardCharsets.UTF_8))
                    .build());
            return Optional.of(type);
        } else if (expression instanceof Substring substring) {
            translator.requireKind(substring, substring.str(), ValueKind.STRING);
            translator.requireKind(substring, substring.pos(), ValueKind.INT);
            translator.requireKind(substring, substring.len(), ValueKind.INT);
            translator.translate(substring.str());
            translator.translate(substring.pos());
            translator.translate(substring.len());
            translator.emit(Instruction.builder(Opcode.SUBSTRING, type, 3).build());
            return Optional.of(type);
        } else if (expression instanceof Length length) {
            translator.requireKind(length, length.child(), ValueKind.STRING);
            return Optional.of(unary(translator, Opcode.LENGTH, length, type));
        } else if (expression instanceof Upper || expression instanceof Lower) {
            UnaryExpression change = (UnaryExpression) expression;
            translator.requireKind(change, change.child(), ValueKind.STRING);
            // Spark reads this setting when the expression runs; programs compile where the node executes
            // (on the driver, in the query's session), so the session's value is the one Spark would use.
            boolean useIcu = Boolean.TRUE.equals(SQLConf.get().getConf(SQLConf$.MODULE$.ICU_CASE_MAPPINGS_ENABLED()));
            translator.translate(change.child());
            translator.emit(Instruction.builder(expression instanceof Upper ? Opcode.UPPER : Opcode.LOWER, type, 1)
                    .longs(useIcu ? 1 : 0).build());
            return Optional.of(type);
        } else if (expression instanceof Concat concat) {
            if (type.kind() != ValueKind.STRING || concat.children().isEmpty()) {
                throw Reasons.unsupported(concat, "concat of " + concat.children().size() + " values of type "
                        + concat.dataType().simpleString());
            }
            List<Expression> children = Scala.toList(concat.children());
            for (Expression child : children) {
                translator.requireKind(concat, child, ValueKind.STRING);
            }
            for (Expression child : children) {
                translator.translate(child);
            }
            translator.emit(Instruction.builder(Opcode.CONCAT, type, children.size()).build());
            return Optional.of(type);
        } else if (expression instanceof Year || expression instanceof Month || expression instanceof DayOfMonth) {
            UnaryExpression field = (UnaryExpression) expression;
            translator.requireKind(field, field.child(), ValueKind.DATE);
            Opcode opcode = expression instanceof Year ? Opcode.YEAR
                    : expression instanceof Month ? Opcode.MONTH : Opcode.DAY_OF_MONTH;
            return Optional.of(unary(translator, opcode, field, type));
        }
        return Optional.empty();
    }

    private static ValueType unary(Translator translator, Opcode opcode, UnaryExpression expression, ValueType type) {
        translator.translate(expression.child());
        translator.emit(Instruction.builder(opcode, type, 1).build());
        return type;
    }
}
