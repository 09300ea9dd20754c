package dev.ember.catalog.rules;

import dev.ember.catalog.ExecRule;
import dev.ember.catalog.PlanContext;
import dev.ember.catalog.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.EmberProjectExec;
import dev.ember.exec.Seqs;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;

/** {@code ProjectExec} → {@link EmberProjectExec} when every projected expression compiles. */
public final class ProjectRule extends ExecRule<ProjectExec> {

    public ProjectRule() {
        super(ProjectExec.class, "EmberProjectExec",
                "runs when every projected expression is supported; plain column references share buffers");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(ProjectExec plan, PlanContext context) {
        List<Attribute> input = Seqs.toList(plan.child().output());
        for (NamedExpression expression : Seqs.toList(plan.projectList())) {
            SupportLevel level = context.compiler().support((Expression) expression, input);
            if (!level.isCompatible()) {
                return SupportLevel.unsupported("column " + expression.name() + ": " + level.reason());
            }
        }
        return SupportLevel.compatible();
    }

    @Override
    protected SparkPlan convertNode(ProjectExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberProjectExec(plan.projectList(), children.get(0));
    }
}
