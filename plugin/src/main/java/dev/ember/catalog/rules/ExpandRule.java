package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.EmberExpandExec;
import dev.ember.exec.Seqs;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.ExpandExec;
import org.apache.spark.sql.execution.SparkPlan;

/** {@code ExpandExec} → {@link EmberExpandExec} when every projected expression compiles. */
public final class ExpandRule extends ExecRule<ExpandExec> {

    public ExpandRule() {
        super(ExpandExec.class, "EmberExpandExec", "ROLLUP, CUBE, GROUPING SETS and several distinct aggregates;"
                + " each input batch comes out once per projection (rows grouped by projection, not interleaved"
                + " row by row); referenced columns share buffers");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(ExpandExec plan, PlanContext context) {
        List<Attribute> input = Seqs.toList(plan.child().output());
        List<Attribute> output = Seqs.toList(plan.output());
        for (scala.collection.immutable.Seq<Expression> projection : Seqs.toList(plan.projections())) {
            List<Expression> expressions = Seqs.toList(projection);
            for (int i = 0; i < expressions.size(); i++) {
                SupportLevel level = context.compiler().support(expressions.get(i), input);
                if (!level.isCompatible()) {
                    return SupportLevel.unsupported("column " + output.get(i).name() + ": " + level.reason());
                }
            }
        }
        return SupportLevel.compatible();
    }

    @Override
    protected SparkPlan convertNode(ExpandExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberExpandExec(plan.projections(), plan.output(), children.get(0));
    }
}
