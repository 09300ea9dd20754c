package dev.ember.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.ember.expr.SupportLevel;
import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.expr.ExpressionCompiler;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;

/**
 * One aggregate function of a window (sum, avg, count, min or max in Spark's Complete mode), planned
 * and finished by the same code as a hash aggregation's ({@link AggregatePlan}, {@link AggregateOutput}):
 * the group-by operations whose state it needs, their inputs, and the function's result from the state
 * of each row's frame. So result types, nulls, NaN, ANSI errors and decimal overflow come out as in
 * Spark's aggregation, which Spark's window operator also runs.
 *
 * <p>Built on the driver ({@link #plan}); travels to executors inside partition functions.
 */
public final class FrameAggregate implements Serializable {
    private static final long serialVersionUID = 1L;

    private final AggregatePlan plan;

    private FrameAggregate(AggregatePlan plan) {
        this.plan = plan;
    }

    /** Whether Ember computes {@code aggregate} over window frames of rows of {@code input}. */
    public static SupportLevel support(AggregateExpression aggregate, List<Attribute> input,
            ExpressionCompiler compiler) {
        requireNonNull(aggregate, "aggregate is null");
        if (aggregate.isDistinct()) {
            return SupportLevel.unsupported("a DISTINCT aggregate over a window is not supported");
        }
        Optional<String> exact = ExactDecimalSums.problem(aggregate, "over a window");
        if (exact.isPresent()) {
            return SupportLevel.unsupported(exact.get());
        }
        SupportLevel level = AggregatePlan.support(List.of(), List.of(aggregate), List.of(aggregate.resultAttribute()),
                List.<NamedExpression>of(aggregate.resultAttribute()), input, compiler);
        if (!level.isCompatible()) {
            return level;
        }
        for (AggregateOperation operation : plan(aggregate, input).operations()) {
            if (operation.kind() == AggregateOperation.Kind.MOMENTS) {
                return SupportLevel.unsupported(aggregate.aggregateFunction().prettyName()
                        + " over a window is not supported yet");
            }
            if (operation.kind().orderSensitive()) {
                return SupportLevel.unsupported(aggregate.aggregateFunction().prettyName()
                        + " over a window frame is not supported yet");
            }
        }
        return SupportLevel.compatible();
    }

    /** Plans an aggregate that {@link #support} accepted; driver side. */
    public static FrameAggregate plan(AggregateExpression aggregate, List<Attribute> input) {
        return new FrameAggregate(AggregatePlan.plan(List.of(), List.of(aggregate),
                List.of(aggregate.resultAttribute()), List.<NamedExpression>of(aggregate.resultAttribute()), input,
                false));
    }

    /** The group-by operations whose per-frame state the function needs (avg: a sum and a count). */
    public List<AggregateOperation> operations() {
        return plan.operations();
    }

    /**
     * The inputs of each operation over {@code rowCount} rows of {@code columns}. The caller closes the
     * result, which owns every vector it lists.
     */
    public Inputs inputs(List<FieldVector> columns, int rowCount, Device device, BufferAllocator allocator) {
        List<FieldVector> evaluated = plan.inputs().evaluate(columns, rowCount, device, allocator);
        List<List<FieldVector>> perOperation = new ArrayList<>(plan.operations().size());
        for (int[] indexes : plan.operationInputs()) {
            List<FieldVector> operationInputs = new ArrayList<>(indexes.length);
            for (int index : indexes) {
                // -1 (a merge's "is empty" column) never occurs: window aggregates read raw values
                operationInputs.add(evaluated.get(index));
            }
            perOperation.add(List.copyOf(operationInputs));
        }
        return new Inputs(evaluated, List.copyOf(perOperation));
    }

    /** The inputs of the operations; owns {@code evaluated}, which {@code perOperation} lists again. */
    public record Inputs(List<FieldVector> evaluated, List<List<FieldVector>> perOperation) implements AutoCloseable {
        @Override
        public void close() {
            ArrowBatches.closeAll(evaluated);
        }
    }

    /**
     * The function's result for {@code rowCount} rows from the state columns of its operations (one list
     * per operation, as {@link Device#window} returns them; borrowed); a new vector owned by the caller.
     *
     * @throws RuntimeException Spark's error where Spark's evaluation raises one (ANSI decimal overflow)
     */
    public FieldVector result(List<List<FieldVector>> states, int rowCount, BufferAllocator allocator) {
        if (states.size() != plan.operations().size()) {
            throw new IllegalArgumentException("expected the states of " + plan.operations().size()
                    + " operations, got " + states.size());
        }
        List<FieldVector> results = AggregateOutput.columns(plan, (operation, target) -> {
            // AggregateOutput closes the states it is given: hand it shares
            List<FieldVector> shared = new ArrayList<>();
            try {
                for (FieldVector state : states.get(operation)) {
                    shared.add(ExpressionColumns.share(state, target));
                }
                return shared;
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(shared);
                throw e;
            }
        }, rowCount, allocator);
        if (results.size() != 1) {
            ArrowBatches.closeAll(results);
            throw new IllegalStateException("one window aggregate gave " + results.size() + " columns");
        }
        return results.get(0);
    }
}
