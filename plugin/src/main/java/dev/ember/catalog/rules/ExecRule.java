package dev.ember.catalog.rules;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.expr.SupportLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * The rule of one Spark plan node class: whether Ember can run a node, and how to replace it.
 *
 * <p>The checks every rule shares (its enable key, the types of its input and output columns) run
 * before the rule's own {@link #supportOf}; the planner calls {@link #convert} only for nodes whose
 * support level is compatible.
 *
 * @param <T> the Spark plan node class
 */
public abstract class ExecRule<T extends SparkPlan> {
    private final Class<T> sparkClass;
    private final String emberNode;
    private final String notes;

    protected ExecRule(Class<T> sparkClass, String emberNode, String notes) {
        this.sparkClass = requireNonNull(sparkClass, "sparkClass is null");
        this.emberNode = requireNonNull(emberNode, "emberNode is null");
        this.notes = requireNonNull(notes, "notes is null");
    }

    /** The Spark class's simple name, as in the enable key ({@code FilterExec}). */
    public final String name() {
        return sparkClass.getSimpleName();
    }

    public final Class<T> sparkClass() {
        return sparkClass;
    }

    /**
     * The node's name in Spark's UI and event logs ({@code Filter}): the class name without {@code Exec},
     * unless Spark names the node otherwise ({@code Exchange}; {@code Scan parquet}, which the log follows with
     * the table's name). The tuner matches event-log plans by it.
     */
    public String planNodeName() {
        String simple = sparkClass.getSimpleName();
        return simple.endsWith("Exec") ? simple.substring(0, simple.length() - 4) : simple;
    }

    /**
     * The event-log names of the Spark nodes next to this one that run on Ember's batches when this node does,
     * though no rule of their own replaces them: a broadcast join's exchange below it, which becomes Ember's, and
     * adaptive execution's shuffle read above an exchange, which stays Spark's node and hands Ember's batches on
     * columnar. The tuner counts such a node as Ember's where the node it sits next to is.
     */
    public List<String> carriedNodes() {
        return List.of();
    }

    /** The Ember node that replaces it ({@code EmberFilterExec}). */
    public final String emberNode() {
        return emberNode;
    }

    /** What differs from Spark or falls back, in words. */
    public final String notes() {
        return notes;
    }

    /** The device primitives the Ember node calls. */
    public List<Primitive> primitives() {
        return List.of();
    }

    public final String enableKey() {
        return "spark.ember.exec." + name() + ".enabled";
    }

    /** The support level of a node, with every shared check applied. */
    public final SupportLevel support(SparkPlan plan, PlanContext context) {
        T node = sparkClass.cast(plan);
        if (!context.conf().isEnabled(enableKey(), true)) {
            return SupportLevel.unsupported(name() + " is disabled by " + enableKey() + "=false");
        }
        List<Attribute> checked = new ArrayList<>();
        for (Attribute column : Seqs.toList(plan.output())) {
            if (!buildsForSpark(node, column)) {
                checked.add(column);
            }
        }
        Optional<String> badType = unsupportedColumn("output", checked);
        if (badType.isEmpty()) {
            for (SparkPlan child : Seqs.toList(plan.children())) {
                badType = unsupportedColumn("input", Seqs.toList(child.output()));
                if (badType.isPresent()) {
                    break;
                }
            }
        }
        if (badType.isPresent()) {
            return SupportLevel.unsupported(badType.get());
        }
        return supportOf(node, context);
    }

    /**
     * The rule's check of the node's children as planned so far (Ember nodes where Ember took them):
     * some nodes pay off only over Ember input. Called after {@link #support} found the node compatible.
     */
    public SupportLevel supportOver(List<SparkPlan> children) {
        return SupportLevel.compatible();
    }

    /** Replaces a node that is supported; {@code children} already produce Ember batches. */
    public final SparkPlan convert(SparkPlan plan, List<SparkPlan> children, PlanContext context) {
        return convertNode(sparkClass.cast(plan), List.copyOf(children), context);
    }

    /**
     * Whether the node builds this output column in a type no Ember operator carries, for a Spark node above
     * to read ({@link ProjectRule}'s structs); the shared type check skips such a column, and the rule's own
     * {@link #supportOf} checks how it is built. An Ember node above still rejects it as input.
     */
    protected boolean buildsForSpark(T plan, Attribute column) {
        return false;
    }

    /** The rule's own checks: its expressions and settings. */
    protected abstract SupportLevel supportOf(T plan, PlanContext context);

    protected abstract SparkPlan convertNode(T plan, List<SparkPlan> children, PlanContext context);

    private static Optional<String> unsupportedColumn(String side, List<Attribute> attributes) {
        for (Attribute attribute : attributes) {
            Optional<String> why = ArrowTypes.whyNotSupported(attribute.dataType());
            if (why.isPresent()) {
                return Optional.of(side + " column " + attribute.name() + ": " + why.get());
            }
        }
        return Optional.empty();
    }
}
