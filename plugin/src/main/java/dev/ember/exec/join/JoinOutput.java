package dev.ember.exec.join;

import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.ExistenceJoin;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.PartitioningCollection;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;

/** The output columns and partitioning of a join, as Spark's hash joins define them. */
final class JoinOutput {
    private JoinOutput() {}

    /**
     * Left then right output; the side an outer join may fill with nulls becomes nullable. An existence
     * join outputs the left side and its {@code exists} flag instead of the right side.
     */
    static List<Attribute> attributes(JoinType joinType, SparkPlan left, SparkPlan right) {
        JoinSpec.Kind kind = JoinSpec.kindOf(joinType);
        List<Attribute> out = new ArrayList<>();
        boolean leftNullable = kind == JoinSpec.Kind.RIGHT_OUTER || kind == JoinSpec.Kind.FULL_OUTER;
        boolean rightNullable = kind == JoinSpec.Kind.LEFT_OUTER || kind == JoinSpec.Kind.FULL_OUTER;
        for (Attribute attribute : Seqs.toList(left.output())) {
            out.add(leftNullable ? attribute.withNullability(true) : attribute);
        }
        if (kind == JoinSpec.Kind.LEFT_SEMI || kind == JoinSpec.Kind.LEFT_ANTI) {
            return out;
        }
        if (joinType instanceof ExistenceJoin existence) {
            out.add(existence.exists());
            return out;
        }
        for (Attribute attribute : Seqs.toList(right.output())) {
            out.add(rightNullable ? attribute.withNullability(true) : attribute);
        }
        return out;
    }

    /** The partitioning of a shuffled join: both sides' for an inner join, the preserved side's otherwise. */
    static Partitioning shuffledPartitioning(JoinSpec.Kind kind, SparkPlan left, SparkPlan right) {
        return switch (kind) {
            case INNER -> new PartitioningCollection(Seqs.of(left.outputPartitioning(), right.outputPartitioning()));
            case LEFT_OUTER, LEFT_SEMI, LEFT_ANTI, EXISTENCE -> left.outputPartitioning();
            case RIGHT_OUTER -> right.outputPartitioning();
            case FULL_OUTER -> new UnknownPartitioning(left.outputPartitioning().numPartitions());
        };
    }
}
