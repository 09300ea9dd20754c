package dev.ember.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSet;
import org.apache.spark.sql.catalyst.expressions.Literal;
import scala.Tuple2;

/** Translates If, CaseWhen, Coalesce, In and InSet. */
final class ConditionalTranslator {
    private ConditionalTranslator() {}

    /** The result type when {@code expression} belongs to this family; empty otherwise. */
    static Optional<ValueType> translate(Translator translator, Expression expression, ValueType type) {
        if (expression instanceof If condition) {
            translator.requireKind(condition, condition.predicate(), ValueKind.BOOLEAN);
            requireSameType(translator, condition, condition.trueValue(), type);
            requireSameType(translator, condition, condition.falseValue(), type);
            translator.translate(condition.predicate());
            translator.translate(condition.trueValue());
            translator.translate(condition.falseValue());
            translator.emit(Instruction.builder(Opcode.IF, type, 3).build());
            return Optional.of(type);
        } else if (expression instanceof CaseWhen caseWhen) {
            List<Tuple2<Expression, Expression>> branches = Scala.toList(caseWhen.branches());
            for (Tuple2<Expression, Expression> branch : branches) {
                translator.requireKind(caseWhen, branch._1(), ValueKind.BOOLEAN);
                requireSameType(translator, caseWhen, branch._2(), type);
            }
            boolean hasElse = caseWhen.elseValue().isDefined();
            if (hasElse) {
                requireSameType(translator, caseWhen, caseWhen.elseValue().get(), type);
            }
            for (Tuple2<Expression, Expression> branch : branches) {
                translator.translate(branch._1());
                translator.translate(branch._2());
            }
            if (hasElse) {
                translator.translate(caseWhen.elseValue().get());
            }
            translator.emit(Instruction.builder(Opcode.CASE_WHEN, type, branches.size() * 2 + (hasElse ? 1 : 0))
                    .flag(Instruction.FLAG_HAS_ELSE, hasElse).build());
            return Optional.of(type);
        } else if (expression instanceof Coalesce coalesce) {
            List<Expression> children = Scala.children(coalesce);
            for (Expression child : children) {
                requireSameType(translator, coalesce, child, type);
            }
            for (Expression child : children) {
                translator.translate(child);
            }
            translator.emit(Instruction.builder(Opcode.COALESCE, type, children.size()).build());
            return Optional.of(type);
        } else if (expression instanceof In in) {
            return Optional.of(in(translator, in));
        } else if (expression instanceof InSet inSet) {
            return Optional.of(inSet(translator, inSet));
        }
        return Optional.empty();
    }

    private static void requireSameType(Translator translator, Expression parent, Expression child, ValueType type) {
        ValueType childType = translator.resultType(child);
        if (!childType.equals(type)) {
            throw new UnsupportedExpressionException("cannot run because " + parent.getClass().getSimpleName()
                    + " mixes " + childType + " and " + type + " values (" + Reasons.sql(parent) + ")");
        }
    }

    private static ValueType in(Translator translator, In in) {
        ValueType valueType = translator.resultType(in.value());
        List<Expression> list = Scala.toList(in.list());
        if (list.isEmpty()) {
            throw Reasons.unsupported(in, "IN with an empty list");
        }
        List<Object> values = new ArrayList<>();
        boolean hasNull = false;
        for (Expression element : list) {
            if (!(element instanceof Literal literal)) {
                throw Reasons.unsupported(in, "IN with a list element that is not a constant");
            }
            if (!translator.resultType(literal).equals(valueType)) {
                throw Reasons.unsupported(in, "IN with list elements of another type than the value");
            }
            if (literal.value() == null) {
                hasNull = true;
            } else {
                values.add(literal.value());
            }
        }
        translator.translate(in.value());
        translator.emit(Constants.fill(Instruction.builder(Opcode.IN, ValueType.BOOLEAN, 1), values, valueType)
                .flag(Instruction.FLAG_LIST_HAS_NULL, hasNull).build());
        return ValueType.BOOLEAN;
    }

    private static ValueType inSet(Translator translator, InSet inSet) {
        ValueType valueType = translator.resultType(inSet.child());
        List<Object> values = new ArrayList<>();
        boolean hasNull = false;
        for (Object value : Scala.toList(inSet.hset())) {
            if (value == null) {
                hasNull = true;
            } else {
                values.add(value);
            }
        }
        translator.translate(inSet.child());
        translator.emit(Constants.fill(Instruction.builder(Opcode.IN_SET, ValueType.BOOLEAN, 1), values, valueType)
                .flag(Instruction.FLAG_LIST_HAS_NULL, hasNull).build());
        return ValueType.BOOLEAN;
    }
}
