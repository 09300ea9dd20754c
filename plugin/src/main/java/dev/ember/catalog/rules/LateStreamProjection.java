package dev.ember.catalog.rules;

import dev.ember.exec.EmberProjectExec;
import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.CodegenSupport;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Moves the columns of a broadcast join's stream-side Ember projection that the join does not read above the
 * join, so that they are computed on the rows the join outputs only.
 *
 * <p>Why: Spark's generated code for a broadcast join (hash joins of every type; nested loop joins of the types
 * Spark generates code for) fuses the stream side's projection into the join's loop, and evaluates a projected
 * column where it is first used: key columns for every stream row, the rest for the rows the join outputs. An
 * expression that raises an error (an ANSI cast of {@code 'x'}, an overflowing product) on a row the join drops
 * never raises it in Spark. Ember's projection evaluates whole batches before the join sees them, so without
 * this it failed queries Spark answers (a cast under an inner join whose failing rows have no match).
 *
 * <p>The lower projection keeps the columns the join reads (its keys' and condition's), plain column references
 * and literals, non-deterministic columns (which Spark evaluates for every row too) and struct columns built
 * for Spark; it passes on the input columns the moved ones read. The upper projection computes the moved
 * columns, each with its name and expression id, and puts the join's output back in its order. A column that
 * the join's condition reads is computed for every stream row, as in Spark: its generated code evaluates the
 * columns a join's condition uses before the join, so such a cast fails there too.
 */
final class LateStreamProjection {
    private final SparkPlan input;
    private final List<NamedExpression> lower;
    private final Map<ExprId, Alias> moved;

    private LateStreamProjection(SparkPlan input, List<NamedExpression> lower, Map<ExprId, Alias> moved) {
        this.input = input;
        this.lower = lower;
        this.moved = moved;
    }

    /**
     * {@code join} of the stream side, with the stream's projection split around it where it has a column to
     * move: the join built over the lower projection, under the upper one.
     *
     * @param spark Spark's join, to ask whether Spark generates its code (else Spark projects every stream row
     *     before the join sees it, and so must Ember), and for its output
     * @param readers the join's stream keys and its condition, if any: the columns they reference stay below
     * @param join builds Ember's join over the stream side it is given
     */
    static SparkPlan around(SparkPlan spark, SparkPlan stream, List<Expression> readers,
            Function<SparkPlan, SparkPlan> join) {
        Optional<LateStreamProjection> late = of(spark, stream, readers);
        if (late.isEmpty()) {
            return join.apply(stream);
        }
        return late.get().above(join.apply(late.get().below()), Seqs.toList(spark.output()));
    }

    private static Optional<LateStreamProjection> of(SparkPlan spark, SparkPlan stream, List<Expression> readers) {
        if (!(stream instanceof EmberProjectExec projection) || !sparkFusesStream(spark, projection)) {
            return Optional.empty();
        }
        Set<ExprId> read = exprIds(readers);
        List<NamedExpression> kept = new ArrayList<>();
        Map<ExprId, Alias> moved = new HashMap<>();
        for (NamedExpression expression : Seqs.toList(projection.projectList())) {
            if (movable(expression, read)) {
                moved.put(expression.exprId(), (Alias) expression);
            } else {
                kept.add(expression);
            }
        }
        if (moved.isEmpty()) {
            return Optional.empty();
        }
        Set<ExprId> carried = new HashSet<>();
        for (NamedExpression expression : kept) {
            carried.add(expression.exprId());
        }
        // the input columns the moved expressions read, in the input's order, once each
        Set<ExprId> needed = exprIds(new ArrayList<>(moved.values()));
        for (Attribute column : Seqs.toList(projection.child().output())) {
            if (needed.contains(column.exprId()) && carried.add(column.exprId())) {
                kept.add(column);
            }
        }
        return Optional.of(new LateStreamProjection(projection.child(), kept, moved));
    }

    private static Set<ExprId> exprIds(List<? extends Expression> expressions) {
        Set<ExprId> ids = new HashSet<>();
        for (Expression expression : expressions) {
            for (Attribute attribute : Seqs.toList(expression.references().toSeq())) {
                ids.add(attribute.exprId());
            }
        }
        return ids;
    }

    /** Whether Spark's whole-stage code generation puts the join and its stream's projection in one loop. */
    private static boolean sparkFusesStream(SparkPlan join, EmberProjectExec projection) {
        SQLConf conf = SQLConf.get();
        int maxFields = conf.wholeStageMaxNumFields();
        return conf.wholeStageEnabled() && join instanceof CodegenSupport codegen && codegen.supportCodegen()
                && join.output().size() <= maxFields && projection.output().size() <= maxFields;
    }

    private static boolean movable(NamedExpression expression, Set<ExprId> read) {
        if (!(expression instanceof Alias alias)) {
            return false;
        }
        Expression value = alias.child();
        return !(value instanceof Attribute) && !value.foldable() && value.deterministic()
                && EmberProjectExec.structOf(expression).isEmpty() && !read.contains(alias.exprId());
    }

    /** The join's new stream side: the kept columns and the inputs of the moved ones, over the old input. */
    private SparkPlan below() {
        return new EmberProjectExec(Seqs.from(lower), input);
    }

    /** Above the join: {@code output} (Spark's join's), the moved columns computed from those carried through. */
    private SparkPlan above(SparkPlan join, List<Attribute> output) {
        List<NamedExpression> columns = new ArrayList<>(output.size());
        for (Attribute attribute : output) {
            Alias alias = moved.get(attribute.exprId());
            columns.add(alias != null ? alias : attribute);
        }
        return new EmberProjectExec(Seqs.from(columns), join);
    }
}
