package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.catalog.SupportLevel;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Compiles Catalyst expressions into {@link Program}s.
 *
 * <p>STUB: the expression work replaces the body; the signatures are the contract the planner uses.
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
        return SupportLevel.unsupported("expression " + expression.prettyName() + " is not supported yet");
    }

    /**
     * Compiles an expression that {@link #support} accepted. Attribute references are resolved
     * against {@code input} by expression id; the program reads input column {@code i} for
     * {@code input.get(i)}.
     *
     * @throws IllegalArgumentException if the expression is not supported
     */
    public Program compile(Expression expression, List<Attribute> input) {
        throw new IllegalArgumentException(support(expression, input).reason());
    }
}
