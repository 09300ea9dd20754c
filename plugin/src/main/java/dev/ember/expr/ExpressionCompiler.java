package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.analysis.UnresolvedException;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Compiles Catalyst expressions into {@link Program}s: one postfix instruction per node, with the
 * node's own evaluation mode (ANSI, LEGACY or TRY) fixed in its flags. Thread-safe.
 */
public final class ExpressionCompiler {
    private final CompilerSettings settings;

    public ExpressionCompiler(CompilerSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    /**
     * Whether Ember can run {@code expression} over rows of {@code input}. The reason of a non
     * compatible answer names the first sub-expression that cannot run and what the user can do.
     */
    public SupportLevel support(Expression expression, List<Attribute> input) {
        requireNonNull(expression, "expression is null");
        requireNonNull(input, "input is null");
        try {
            translate(expression, input, false);
            return SupportLevel.compatible();
        } catch (UnsupportedExpressionException e) {
            return SupportLevel.unsupported(e.reason());
        } catch (Exception e) {
            // Scala throws checked exceptions unannounced: Catalyst's UnresolvedException for an expression it
            // cannot type. Anything else is an Ember bug, which the planner reports (spark.ember.test.strict).
            if (e instanceof UnresolvedException) {
                return SupportLevel.unsupported(unexpected(expression, e));
            }
            throw e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Ember bug: checking " + Reasons.sql(expression) + " threw " + e, e);
        }
    }

    /**
     * Compiles an expression that {@link #support} accepted. Attribute references are resolved
     * against {@code input} by expression id; the program reads input column {@code i} for
     * {@code input.get(i)}. Call it where the program runs from, after Spark ran the expression's
     * subqueries (a node's {@code doExecute}): a scalar subquery's value becomes a constant of the program.
     *
     * @throws IllegalArgumentException if the expression is not supported
     */
    public Program compile(Expression expression, List<Attribute> input) {
        requireNonNull(expression, "expression is null");
        requireNonNull(input, "input is null");
        try {
            return translate(expression, input, true);
        } catch (UnsupportedExpressionException e) {
            throw new IllegalArgumentException(e.reason(), e);
        } catch (Exception e) {
            throw new IllegalArgumentException(unexpected(expression, e), e);
        }
    }

    private static String unexpected(Expression expression, Exception error) {
        return "cannot run because Ember could not compile " + Reasons.sql(expression) + ": " + error;
    }

    private Program translate(Expression expression, List<Attribute> input, boolean forExecution) {
        List<ValueType> inputTypes = new ArrayList<>(input.size());
        Map<ExprId, Integer> ordinals = new HashMap<>();
        for (int i = 0; i < input.size(); i++) {
            Attribute attribute = requireNonNull(input.get(i), "input attribute " + i + " is null");
            // An input column of a type Ember cannot read only matters if the expression reads it.
            inputTypes.add(ValueType.of(attribute.dataType()).orElse(null));
            ordinals.putIfAbsent(attribute.exprId(), i);
        }
        Translator translator = new Translator(settings, inputTypes, ordinals, forExecution);
        ValueType type = translator.resultType(expression);
        translator.translate(expression);
        for (int i = 0; i < inputTypes.size(); i++) {
            if (inputTypes.get(i) == null) {
                if (readsInput(translator.instructions(), i)) {
                    throw new UnsupportedExpressionException("cannot run because input column "
                            + input.get(i).name() + ": " + ArrowTypes.whyNotSupported(input.get(i).dataType())
                            .orElse("its type is not supported"));
                }
                // Never read: any readable type will do for the unused slot.
                inputTypes.set(i, ValueType.BOOLEAN);
            }
        }
        if (!translator.resultType(expression).equals(type)) {
            throw new IllegalStateException("the result type of " + expression + " changed during compilation");
        }
        return new Program(expression.dataType(), expression.nullable(), translator.instructions(), inputTypes,
                Binder.bind(expression, ordinals));
    }

    private static boolean readsInput(List<Instruction> instructions, int ordinal) {
        for (Instruction instruction : instructions) {
            if (instruction.opcode() == Opcode.INPUT && instruction.longAt(0) == ordinal) {
                return true;
            }
        }
        return false;
    }

    /** Whether the expression of that name is switched on ({@code spark.ember.expression.<name>.enabled}). */
    public boolean expressionEnabled(String name) {
        return settings.expressionEnabled().test(name);
    }
}
