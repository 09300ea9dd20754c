package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BinaryArithmetic;
import org.apache.spark.sql.catalyst.expressions.BinaryExpression;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.MakeDecimal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.catalyst.expressions.UnaryExpression;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;
import org.apache.spark.sql.execution.ScalarSubquery;
import scala.Enumeration;

/**
 * Walks one Catalyst expression tree and emits its postfix instructions. Leaves, arithmetic,
 * comparisons, logic and wrappers are translated here; conditionals, strings, dates and casts by
 * the family translators it delegates to. Not thread-safe: one translator per compilation.
 */
final class Translator {
    private final CompilerSettings settings;
    private final List<ValueType> inputTypes;
    private final Map<ExprId, Integer> ordinals;
    private final List<Instruction> instructions = new ArrayList<>();
    private final boolean forExecution;

    /**
     * @param forExecution whether the program is compiled to run (its subqueries have their results) or
     *     only to check support while planning (their results are not known yet)
     */
    Translator(CompilerSettings settings, List<ValueType> inputTypes, Map<ExprId, Integer> ordinals,
            boolean forExecution) {
        this.settings = requireNonNull(settings, "settings is null");
        this.inputTypes = requireNonNull(inputTypes, "inputTypes is null");
        this.ordinals = requireNonNull(ordinals, "ordinals is null");
        this.forExecution = forExecution;
    }

    /** The instructions emitted so far. */
    List<Instruction> instructions() {
        return List.copyOf(instructions);
    }

    /**
     * A field of a struct-valued scalar subquery: Spark's optimizer merges scalar subqueries over the same
     * relation into one that returns a struct of their values (MergeScalarSubqueries, TPC-DS q9), and each
     * use reads its field. Like a scalar subquery's value, the field is a constant of the program. Ember
     * carries no struct columns, so a field of anything else stays in Spark.
     */
    private ValueType subqueryField(GetStructField field, ValueType type) {
        if (!(field.child() instanceof ScalarSubquery subquery)) {
            throw new UnsupportedExpressionException("cannot run because GetStructField reads a struct column"
                    + " (Ember carries no struct columns; only a field of a scalar subquery is a constant): "
                    + Reasons.sql(field));
        }
        Object value = null;
        if (forExecution) {
            InternalRow struct = (InternalRow) subquery.toLiteral().value();
            value = struct == null || struct.isNullAt(field.ordinal()) ? null
                    : struct.get(field.ordinal(), field.dataType());
        }
        emit(Constants.literal(value, type));
        return type;
    }

    void emit(Instruction instruction) {
        instructions.add(instruction);
    }

    /**
     * Emits the instructions of {@code expression} and returns the type of the value they push.
     *
     * @throws UnsupportedExpressionException naming the first sub-expression Ember cannot run
     */
    ValueType translate(Expression expression) {
        String name = expression.getClass().getSimpleName();
        if (!ExpressionCatalog.isListed(expression.getClass())) {
            throw new UnsupportedExpressionException(
                    "cannot run because " + name + " is not supported by Ember (" + Reasons.sql(expression) + ")");
        }
        if (!settings.expressionEnabled().test(name)) {
            throw new UnsupportedExpressionException(
                    name + " is disabled by " + ExpressionCatalog.enableKey(name) + "=false");
        }
        ValueType type = resultType(expression);
        if (expression instanceof Alias alias) {
            return translate(alias.child());
        } else if (expression instanceof AttributeReference reference) {
            return input(reference, ordinals.get(reference.exprId()), type);
        } else if (expression instanceof BoundReference reference) {
            return input(reference, reference.ordinal(), type);
        } else if (expression instanceof Literal literal) {
            emit(Constants.literal(literal.value(), type));
            return type;
        } else if (expression instanceof ScalarSubquery subquery) {
            // Spark runs the subquery before the node that holds it executes (SparkPlan.waitForSubqueries),
            // and the node compiles its programs then: the value is a constant of the program. While
            // planning, a null of the same type stands in for it, so support is decided by the type alone.
            emit(Constants.literal(forExecution ? subquery.toLiteral().value() : null, type));
            return type;
        } else if (expression instanceof GetStructField field) {
            return subqueryField(field, type);
        } else if (expression instanceof Add || expression instanceof Subtract
                || expression instanceof Multiply) {
            return arithmetic((BinaryArithmetic) expression, type);
        } else if (expression instanceof Divide || expression instanceof Remainder) {
            return division((BinaryArithmetic) expression, type);
        } else if (expression instanceof UnaryMinus minus) {
            requireNumeric(minus, type);
            translate(minus.child());
            emit(Instruction.builder(Opcode.NEGATE, type, 1)
                    .flag(Instruction.FLAG_FAIL_ON_ERROR, minus.failOnError()).build());
            return type;
        } else if (expression instanceof EqualTo || expression instanceof EqualNullSafe
                || expression instanceof LessThan || expression instanceof LessThanOrEqual
                || expression instanceof GreaterThan || expression instanceof GreaterThanOrEqual) {
            return comparison((BinaryExpression) expression);
        } else if (expression instanceof And || expression instanceof Or) {
            BinaryExpression logic = (BinaryExpression) expression;
            requireKind(logic, logic.left(), ValueKind.BOOLEAN);
            requireKind(logic, logic.right(), ValueKind.BOOLEAN);
            translate(logic.left());
            translate(logic.right());
            emit(Instruction.builder(expression instanceof And ? Opcode.AND : Opcode.OR, type, 2).build());
            return type;
        } else if (expression instanceof Not not) {
            requireKind(not, not.child(), ValueKind.BOOLEAN);
            return unary(Opcode.NOT, not, type);
        } else if (expression instanceof IsNull isNull) {
            return unary(Opcode.IS_NULL, isNull, type);
        } else if (expression instanceof IsNotNull isNotNull) {
            return unary(Opcode.IS_NOT_NULL, isNotNull, type);
        } else if (expression instanceof TryEval tryEval) {
            return unary(Opcode.TRY, tryEval, type);
        } else if (expression instanceof KnownFloatingPointNormalized known) {
            return translate(known.child());
        } else if (expression instanceof NormalizeNaNAndZero normalize) {
            if (!type.kind().isFloating()) {
                throw Reasons.unsupportedType(normalize, type);
            }
            return unary(Opcode.NORMALIZE_FLOATING, normalize, type);
        } else if (expression instanceof UnscaledValue unscaled) {
            ValueType child = resultType(unscaled.child());
            if (child.kind() != ValueKind.DECIMAL || child.precision() > 18) {
                throw Reasons.unsupportedType(unscaled, child);
            }
            return unary(Opcode.UNSCALED_VALUE, unscaled, type);
        } else if (expression instanceof MakeDecimal make) {
            requireKind(make, make.child(), ValueKind.LONG);
            translate(make.child());
            emit(Instruction.builder(Opcode.MAKE_DECIMAL, type, 1)
                    .flag(Instruction.FLAG_FAIL_ON_ERROR, !make.nullOnOverflow()).build());
            return type;
        }
        Optional<ValueType> translated = ConditionalTranslator.translate(this, expression, type)
                .or(() -> StringTranslator.translate(this, expression, type))
                .or(() -> CastTranslator.translate(this, expression, type))
                .or(() -> MathTranslator.translate(this, expression, type));
        return translated.orElseThrow(() -> new IllegalStateException(
                "the expression catalog lists " + name + " but no translator handles it"));
    }

    /** The value type of an expression's result, or an unsupported answer naming the type. */
    ValueType resultType(Expression expression) {
        return ValueType.of(expression.dataType()).orElseThrow(() -> new UnsupportedExpressionException(
                "cannot run because " + expression.getClass().getSimpleName() + " (" + Reasons.sql(expression)
                        + ") produces " + expression.dataType().simpleString() + ": "
                        + dev.ember.columnar.ArrowTypes.whyNotSupported(expression.dataType()).orElse("")));
    }

    void requireKind(Expression parent, Expression child, ValueKind kind) {
        ValueType type = resultType(child);
        if (type.kind() != kind) {
            throw Reasons.unsupportedType(parent, type);
        }
    }

    private ValueType unary(Opcode opcode, UnaryExpression expression, ValueType type) {
        translate(expression.child());
        emit(Instruction.builder(opcode, type, 1).build());
        return type;
    }

    private ValueType input(Expression reference, Integer ordinal, ValueType type) {
        if (ordinal == null || ordinal < 0 || ordinal >= inputTypes.size()) {
            throw new UnsupportedExpressionException("cannot run because column " + Reasons.sql(reference)
                    + " is not among the " + inputTypes.size() + " input columns");
        }
        if (!type.equals(inputTypes.get(ordinal))) {
            throw new UnsupportedExpressionException("cannot run because column " + Reasons.sql(reference)
                    + " has type " + type + " but input column " + ordinal + " is " + inputTypes.get(ordinal));
        }
        emit(Instruction.builder(Opcode.INPUT, type, 0).longs(ordinal).build());
        return type;
    }

    private static void requireNumeric(Expression expression, ValueType type) {
        if (!type.kind().isIntegral() && !type.kind().isFloating() && type.kind() != ValueKind.DECIMAL) {
            throw Reasons.unsupportedType(expression, type);
        }
    }

    private void requireOperandsMatch(BinaryExpression expression, ValueType type) {
        ValueType left = resultType(expression.left());
        ValueType right = resultType(expression.right());
        boolean decimal = type.kind() == ValueKind.DECIMAL;
        boolean matches = decimal
                ? left.kind() == ValueKind.DECIMAL && right.kind() == ValueKind.DECIMAL
                : left.equals(type) && right.equals(type);
        if (!matches) {
            throw new UnsupportedExpressionException("cannot run because " + expression.getClass().getSimpleName()
                    + " of " + left + " and " + right + " producing " + type + " is not supported by Ember ("
                    + Reasons.sql(expression) + ")");
        }
    }

    private ValueType arithmetic(BinaryArithmetic expression, ValueType type) {
        requireNumeric(expression, type);
        requireOperandsMatch(expression, type);
        Enumeration.Value mode = expression.evalMode();
        translate(expression.left());
        translate(expression.right());
        Opcode opcode = expression instanceof Add ? Opcode.ADD
                : expression instanceof Subtract ? Opcode.SUBTRACT : Opcode.MULTIPLY;
        emit(Instruction.builder(opcode, type, 2)
                .flag(Instruction.FLAG_FAIL_ON_ERROR, mode != EvalMode$.MODULE$.LEGACY())
                .flag(Instruction.FLAG_NULL_ON_OWN_ERROR, mode == EvalMode$.MODULE$.TRY())
                .build());
        return type;
    }

    private ValueType division(BinaryArithmetic expression, ValueType type) {
        requireNumeric(expression, type);
        if (expression instanceof Divide && type.kind() != ValueKind.DOUBLE && type.kind() != ValueKind.DECIMAL) {
            throw Reasons.unsupportedType(expression, type);
        }
        requireOperandsMatch(expression, type);
        Enumeration.Value mode = expression.evalMode();
        // Spark 4.1's Divide and Remainder fail only in ANSI mode; TRY gives null like LEGACY.
        boolean failOnError = mode == EvalMode$.MODULE$.ANSI();
        translate(expression.left());
        translate(expression.right());
        emit(Instruction.builder(expression instanceof Divide ? Opcode.DIVIDE : Opcode.REMAINDER, type, 2)
                .flag(Instruction.FLAG_FAIL_ON_ERROR, failOnError).build());
        return type;
    }

    private ValueType comparison(BinaryExpression expression) {
        ValueType left = resultType(expression.left());
        ValueType right = resultType(expression.right());
        if (left.kind() != right.kind() || (left.kind() != ValueKind.DECIMAL && !left.equals(right))) {
            throw new UnsupportedExpressionException("cannot run because " + expression.getClass().getSimpleName()
                    + " of " + left + " and " + right + " is not supported by Ember (" + Reasons.sql(expression) + ")");
        }
        translate(expression.left());
        translate(expression.right());
        Opcode opcode;
        if (expression instanceof EqualTo) {
            opcode = Opcode.EQUAL;
        } else if (expression instanceof EqualNullSafe) {
            opcode = Opcode.NULL_SAFE_EQUAL;
        } else if (expression instanceof LessThan) {
            opcode = Opcode.LESS_THAN;
        } else if (expression instanceof LessThanOrEqual) {
            opcode = Opcode.LESS_THAN_OR_EQUAL;
        } else if (expression instanceof GreaterThan) {
            opcode = Opcode.GREATER_THAN;
        } else {
            opcode = Opcode.GREATER_THAN_OR_EQUAL;
        }
        emit(Instruction.builder(opcode, ValueType.BOOLEAN, 2).build());
        return ValueType.BOOLEAN;
    }
}
