package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.expr.SupportLevel;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.expr.ExpressionCompiler;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.Cross$;
import org.apache.spark.sql.catalyst.plans.ExistenceJoin;
import org.apache.spark.sql.catalyst.plans.FullOuter$;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.LeftAnti$;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.LeftSemi$;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import scala.Option;
import scala.Product;

/**
 * A join planned on the driver: which side is built, the key columns of both sides (none for a nested
 * loop join), the optional extra condition (over the left output followed by the right output) and what
 * the join keeps.
 *
 * <p>An existence join ({@link Kind#EXISTENCE}, Spark's {@code ExistenceJoin}, planned for {@code EXISTS} and
 * {@code IN} subqueries outside a plain {@code WHERE} conjunct) outputs every left row followed by a boolean
 * that is true when some right row has equal, non-null keys and passes the condition. It streams its left
 * side: Spark plans it with the right side built only, and Ember does the same.
 *
 * @param kind the join type
 * @param buildLeft whether the left side is the build side
 * @param streamKeys the stream side's keys over its output
 * @param buildKeys the build side's keys over its output
 * @param condition the extra condition over the columns {@code conditionColumns} names, or null
 * @param conditionColumns the columns the condition reads, as positions in the left output followed by the
 *     right output, in ascending order (so only those are gathered for the candidate pairs); null without a
 *     condition
 * @param nullAwareAnti whether this is Spark's null-aware anti join ({@code NOT IN})
 */
public record JoinSpec(Kind kind, boolean buildLeft, ExpressionColumns streamKeys, ExpressionColumns buildKeys,
        ExpressionColumns condition, int[] conditionColumns, boolean nullAwareAnti) implements Serializable {

    /** The join types Ember runs. */
    public enum Kind { INNER, LEFT_OUTER, RIGHT_OUTER, FULL_OUTER, LEFT_SEMI, LEFT_ANTI, EXISTENCE }

    public JoinSpec {
        requireNonNull(kind, "kind is null");
        requireNonNull(streamKeys, "streamKeys is null");
        requireNonNull(buildKeys, "buildKeys is null");
        if ((condition == null) != (conditionColumns == null)) {
            throw new IllegalArgumentException("a condition and its columns come together");
        }
        if (kind == Kind.EXISTENCE && buildLeft) {
            throw new IllegalArgumentException("an existence join streams its left side; it cannot build it");
        }
    }

    /** The kind of a Spark join type, or null when Ember does not run it. */
    static Kind kindOf(JoinType joinType) {
        if (joinType == Inner$.MODULE$ || joinType == Cross$.MODULE$) {
            // an explicit CROSS JOIN is an inner join (Spark plans it without keys, by nested loops)
            return Kind.INNER;
        } else if (joinType == LeftOuter$.MODULE$) {
            return Kind.LEFT_OUTER;
        } else if (joinType == RightOuter$.MODULE$) {
            return Kind.RIGHT_OUTER;
        } else if (joinType == FullOuter$.MODULE$) {
            return Kind.FULL_OUTER;
        } else if (joinType == LeftSemi$.MODULE$) {
            return Kind.LEFT_SEMI;
        } else if (joinType == LeftAnti$.MODULE$) {
            return Kind.LEFT_ANTI;
        } else if (joinType instanceof ExistenceJoin) {
            return Kind.EXISTENCE;
        }
        return null;
    }

    /**
     * A join type's name for a reason, in words ({@code LEFT SINGLE}, {@code EXISTENCE JOIN}). Not
     * {@code JoinType.sql()}: Spark's {@code ExistenceJoin} throws from it (it has no SQL form), and
     * describing a join Ember leaves to Spark must never fail planning. Every Spark join type is a Scala
     * case object or class, whose product prefix is its name.
     */
    static String describe(JoinType joinType) {
        String name = joinType instanceof Product product ? product.productPrefix() : joinType.getClass().getName();
        return name.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }

    /** Whether Ember can run a hash join with these parts; the reason names what it cannot run. */
    public static SupportLevel support(List<Expression> leftKeys, List<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, SparkPlan left, SparkPlan right, boolean nullAwareAnti,
            ExpressionCompiler compiler) {
        Kind kind = kindOf(joinType);
        if (kind == null) {
            return SupportLevel.unsupported("join type " + describe(joinType) + " is not supported yet");
        }
        boolean buildLeft = buildSide == BuildLeft$.MODULE$;
        if (buildLeft && nullAwareAnti) {
            return SupportLevel.unsupported("a null-aware anti join must build its right side");
        }
        if (buildLeft && kind == Kind.EXISTENCE) {
            // Spark itself only builds the right side of an existence join; Ember's probe flags stream rows
            return SupportLevel.unsupported("an existence join (EXISTS or IN outside a plain WHERE conjunct) must"
                    + " build its right side");
        }
        if (leftKeys.isEmpty()) {
            return SupportLevel.unsupported("a hash join needs at least one equality key");
        }
        if (nullAwareAnti) {
            for (Expression key : leftKeys) {
                if (key.dataType() instanceof FloatType || key.dataType() instanceof DoubleType) {
                    // Spark's null-aware anti join looks its keys up bit for bit (the keys are not normalized
                    // as other join keys are): NOT IN keeps a row whose 0.0 meets -0.0, or whose NaN meets a
                    // NaN of other bits, which Ember's hash table, matching as Spark's EqualTo, would drop
                    return SupportLevel.unsupported("a null-aware anti join (NOT IN) on a floating key compares the"
                            + " values bit for bit in Spark (-0.0 and 0.0, NaNs of different bits differ); Ember's"
                            + " join matches them as equal");
                }
            }
        }
        List<Attribute> leftOutput = Seqs.toList(left.output());
        List<Attribute> rightOutput = Seqs.toList(right.output());
        SupportLevel level = ExpressionColumns.support(leftKeys, leftOutput, compiler, "left join key");
        if (level.isCompatible()) {
            level = ExpressionColumns.support(rightKeys, rightOutput, compiler, "right join key");
        }
        for (int i = 0; level.isCompatible() && i < leftKeys.size(); i++) {
            if (!leftKeys.get(i).dataType().sameType(rightKeys.get(i).dataType())) {
                level = SupportLevel.unsupported("join keys " + leftKeys.get(i).sql() + " and " + rightKeys.get(i).sql()
                        + " have different types");
            }
        }
        if (level.isCompatible() && condition.isDefined()) {
            level = ExpressionColumns.support(List.of(condition.get()), both(leftOutput, rightOutput), compiler,
                    "join condition");
        }
        return level;
    }

    /**
     * Whether Ember can run a broadcast nested loop join with these parts; the reason names what it cannot
     * run. The preserved side of an outer, semi, anti or existence join must be the stream side: the
     * broadcast side's unmatched rows are only known once every task has seen it, which Spark answers
     * with a second job over the stream side and Ember's nested loop join does not do.
     */
    public static SupportLevel nestedLoopSupport(JoinType joinType, BuildSide buildSide, Option<Expression> condition,
            SparkPlan left, SparkPlan right, ExpressionCompiler compiler) {
        Kind kind = kindOf(joinType);
        if (kind == null) {
            return SupportLevel.unsupported("join type " + describe(joinType) + " is not supported yet");
        }
        boolean buildLeft = buildSide == BuildLeft$.MODULE$;
        String side = buildLeft ? "left" : "right";
        boolean streamsPreserved = switch (kind) {
            case INNER -> true;
            case LEFT_OUTER, LEFT_SEMI, LEFT_ANTI, EXISTENCE -> !buildLeft;
            case RIGHT_OUTER -> buildLeft;
            case FULL_OUTER -> false;
        };
        if (!streamsPreserved) {
            return SupportLevel.unsupported("a " + describe(joinType) + " nested loop join that broadcasts its " + side
                    + " side stays in Spark: the broadcast side's " + (kind == Kind.LEFT_SEMI ? "matched" : "unmatched")
                    + " rows are known only after every task has compared it with its stream rows (Spark runs a"
                    + " second job over the stream side for that); Ember's nested loop join preserves its stream"
                    + " side only");
        }
        if (condition.isEmpty()) {
            return SupportLevel.compatible();
        }
        return ExpressionColumns.support(List.of(condition.get()),
                both(Seqs.toList(left.output()), Seqs.toList(right.output())), compiler, "join condition");
    }

    /** Plans a join that {@link #support} (or, without keys, {@link #nestedLoopSupport}) accepted; driver side. */
    public static JoinSpec plan(List<Expression> leftKeys, List<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, SparkPlan left, SparkPlan right, boolean nullAwareAnti) {
        boolean buildLeft = buildSide == BuildLeft$.MODULE$;
        List<Attribute> leftOutput = Seqs.toList(left.output());
        List<Attribute> rightOutput = Seqs.toList(right.output());
        ExpressionColumns leftColumns = ExpressionColumns.bind(leftKeys, leftOutput);
        ExpressionColumns rightColumns = ExpressionColumns.bind(rightKeys, rightOutput);
        ExpressionColumns bound = null;
        int[] conditionColumns = null;
        // ON TRUE is no condition: planned as none, a semi, anti or existence join answers from whether the
        // build side has a row, without evaluating the stream's columns, as Spark's generated code does
        if (condition.isDefined() && !isTrue(condition.get())) {
            // bound over the columns it reads only: the candidate pairs gather just those
            List<Attribute> all = both(leftOutput, rightOutput);
            AttributeSet references = condition.get().references();
            List<Attribute> read = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (references.contains(all.get(i))) {
                    read.add(all.get(i));
                    positions.add(i);
                }
            }
            bound = ExpressionColumns.bind(List.of(condition.get()), read);
            conditionColumns = positions.stream().mapToInt(Integer::intValue).toArray();
        }
        return new JoinSpec(kindOf(joinType), buildLeft, buildLeft ? rightColumns : leftColumns,
                buildLeft ? leftColumns : rightColumns, bound, conditionColumns, nullAwareAnti);
    }

    private static boolean isTrue(Expression condition) {
        return condition instanceof Literal literal && Boolean.TRUE.equals(literal.value());
    }

    private static List<Attribute> both(List<Attribute> left, List<Attribute> right) {
        List<Attribute> all = new ArrayList<>(left);
        all.addAll(right);
        return all;
    }

    /** Whether the output holds only the left side's columns. */
    boolean leftOnly() {
        return kind == Kind.LEFT_SEMI || kind == Kind.LEFT_ANTI;
    }

    /** Whether the output holds matched pairs (both sides' columns), not left rows alone or flagged. */
    boolean emitsPairs() {
        return !leftOnly() && kind != Kind.EXISTENCE;
    }

    /**
     * Whether stream rows without a match are kept (with nulls, alone for an anti join, flagged false for
     * an existence join).
     */
    boolean keepsUnmatchedStream() {
        return switch (kind) {
            case INNER, LEFT_SEMI -> false;
            case LEFT_OUTER, LEFT_ANTI -> !buildLeft;
            case RIGHT_OUTER -> buildLeft;
            case FULL_OUTER, EXISTENCE -> true;
        };
    }

    /** Whether the build side's matched rows must be tracked (emitted at the end). */
    boolean tracksBuild() {
        return switch (kind) {
            case INNER, EXISTENCE -> false;
            case LEFT_OUTER, LEFT_SEMI, LEFT_ANTI -> buildLeft;
            case RIGHT_OUTER -> !buildLeft;
            case FULL_OUTER -> true;
        };
    }
}
