package dev.ember.catalog.rules;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Primitive;
import dev.ember.exec.EmberProjectExec;
import dev.ember.exec.Seqs;
import dev.ember.expr.SupportLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;

/** {@code ProjectExec} → {@link EmberProjectExec} when every projected expression compiles. */
public final class ProjectRule extends ExecRule<ProjectExec> {

    public ProjectRule() {
        super(ProjectExec.class, "EmberProjectExec",
                "runs when every projected expression is supported; plain column references share buffers;"
                + " a named_struct(...) of supported fields is built as a struct column for Spark to read (Spark's"
                + " merged scalar subqueries), though no Ember operator reads struct columns");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(ProjectExec plan, PlanContext context) {
        List<Attribute> input = Seqs.toList(plan.child().output());
        for (NamedExpression expression : Seqs.toList(plan.projectList())) {
            SupportLevel level = columnSupport(expression, input, context);
            if (!level.isCompatible()) {
                return SupportLevel.unsupported("column " + expression.name() + ": " + level.reason());
            }
        }
        return SupportLevel.compatible();
    }

    @Override
    protected boolean buildsForSpark(ProjectExec plan, Attribute column) {
        for (NamedExpression expression : Seqs.toList(plan.projectList())) {
            if (expression.exprId().equals(column.exprId())) {
                return EmberProjectExec.structOf(expression).isPresent();
            }
        }
        return false;
    }

    /** A projected column compiles, or is a struct whose every field is of a carried type and compiles. */
    private static SupportLevel columnSupport(NamedExpression expression, List<Attribute> input, PlanContext context) {
        Optional<CreateNamedStruct> struct = EmberProjectExec.structOf(expression);
        if (struct.isEmpty()) {
            return context.compiler().support((Expression) expression, input);
        }
        for (Expression value : Seqs.toList(struct.get().valExprs())) {
            Optional<String> badType = ArrowTypes.whyNotSupported(value.dataType());
            if (badType.isPresent()) {
                return SupportLevel.unsupported("a struct field: " + badType.get());
            }
            SupportLevel level = context.compiler().support(value, input);
            if (!level.isCompatible()) {
                return level;
            }
        }
        return SupportLevel.compatible();
    }

    /**
     * One {@link EmberProjectExec}; over another Ember projection, one projection of the two with the lower
     * one's expressions written into the upper one's references.
     *
     * <p>Why: Spark keeps two adjacent projections where collapsing them would evaluate an expensive
     * expression twice, but its generated code still evaluates a lower expression only where the upper
     * one uses it: not at all when unused, and inside {@code IF}/{@code CASE} only on the rows that take its
     * branch. So {@code IF(cond, CAST(o0 AS BIGINT), 0)} over {@code CAST('Apple' AS INT) AS o0} answers
     * where both rows take the else branch; evaluating the lower projection first would raise Spark's cast
     * error on them. Inlined, Ember's interpreter keeps that laziness (its {@code IF} takes a row's error only
     * from the branch the row takes), at the price of evaluating an expression once per reference. When the
     * inlined expressions do not compile (they always should), the two stay separate.
     */
    @Override
    protected SparkPlan convertNode(ProjectExec plan, List<SparkPlan> children, PlanContext context) {
        SparkPlan child = children.get(0);
        if (child instanceof EmberProjectExec lower) {
            List<NamedExpression> inlined = inline(Seqs.toList(plan.projectList()), Seqs.toList(lower.projectList()));
            List<Attribute> input = Seqs.toList(lower.child().output());
            boolean compiles = inlined.stream().allMatch(
                    expression -> columnSupport(expression, input, context).isCompatible());
            if (compiles) {
                return new EmberProjectExec(Seqs.from(inlined), lower.child());
            }
        }
        return new EmberProjectExec(plan.projectList(), child);
    }

    /** {@code upper} with every reference to an alias of {@code lower} replaced by the aliased expression. */
    static List<NamedExpression> inline(List<NamedExpression> upper, List<NamedExpression> lower) {
        Map<ExprId, Alias> aliases = new HashMap<>();
        for (NamedExpression expression : lower) {
            if (expression instanceof Alias alias) {
                aliases.put(alias.exprId(), alias);
            }
        }
        List<NamedExpression> out = new ArrayList<>(upper.size());
        for (NamedExpression expression : upper) {
            if (expression instanceof Attribute attribute && aliases.containsKey(attribute.exprId())) {
                // the lower alias is this very output column: same name and expression id
                out.add(aliases.get(attribute.exprId()));
            } else {
                out.add((NamedExpression) replace((Expression) expression, aliases));
            }
        }
        return out;
    }

    private static Expression replace(Expression expression, Map<ExprId, Alias> aliases) {
        if (expression instanceof Attribute attribute) {
            Alias alias = aliases.get(attribute.exprId());
            return alias == null ? expression : alias.child();
        }
        List<Expression> children = Seqs.toList(expression.children());
        List<Expression> replaced = new ArrayList<>(children.size());
        boolean changed = false;
        for (Expression child : children) {
            Expression next = replace(child, aliases);
            changed |= next != child;
            replaced.add(next);
        }
        // withNewChildren keeps every other constructor argument (an Alias keeps its name and id)
        return changed ? expression.withNewChildren(Seqs.from(replaced)) : expression;
    }
}
