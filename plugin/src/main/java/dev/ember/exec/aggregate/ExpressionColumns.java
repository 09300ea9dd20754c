package dev.ember.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.ember.expr.SupportLevel;
import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.exec.Planning;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;

/**
 * Expressions bound to the columns of an input: each becomes either a reference to an input column
 * (its buffers are shared, nothing is computed) or a compiled program the device evaluates. Used by the
 * join, aggregate and sort operators for their keys and inputs.
 *
 * <p>Built on the driver ({@link #bind}); travels to executors inside partition functions.
 */
public final class ExpressionColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] inputOrdinals;
    private final boolean[] normalize;
    private final Program[] programs;

    private ExpressionColumns(int[] inputOrdinals, boolean[] normalize, Program[] programs) {
        this.inputOrdinals = inputOrdinals;
        this.normalize = normalize;
        this.programs = programs;
    }

    /**
     * The input column an expression only references or renames, or -1. Spark's float normalization of
     * grouping and join keys ({@code KnownFloatingPointNormalized(NormalizeNaNAndZero(column))}) counts as
     * a reference: {@link #evaluate} normalizes such columns itself.
     */
    public static int ordinalOf(Expression expression, List<Attribute> input) {
        Expression body = unwrapNormalization(expression instanceof Alias alias ? alias.child() : expression);
        if (!(body instanceof AttributeReference reference)) {
            return -1;
        }
        for (int i = 0; i < input.size(); i++) {
            if (input.get(i).exprId().equals(reference.exprId())) {
                return i;
            }
        }
        return -1;
    }

    /** Whether every expression is a column of {@code input} or compiles; the reason names the first that does not. */
    public static SupportLevel support(List<? extends Expression> expressions, List<Attribute> input,
            ExpressionCompiler compiler, String role) {
        for (Expression expression : expressions) {
            if (ordinalOf(expression, input) >= 0) {
                continue;
            }
            SupportLevel level = compiler.support(expression, input);
            if (!level.isCompatible()) {
                return SupportLevel.unsupported(role + " " + expression.sql() + ": " + level.reason());
            }
        }
        return SupportLevel.compatible();
    }

    /** Binds expressions that {@link #support} accepted; driver side. */
    public static ExpressionColumns bind(List<? extends Expression> expressions, List<Attribute> input) {
        requireNonNull(expressions, "expressions is null");
        requireNonNull(input, "input is null");
        int[] ordinals = new int[expressions.size()];
        boolean[] normalize = new boolean[expressions.size()];
        Program[] programs = new Program[expressions.size()];
        ExpressionCompiler compiler = null;
        for (int i = 0; i < ordinals.length; i++) {
            ordinals[i] = ordinalOf(expressions.get(i), input);
            normalize[i] = ordinals[i] >= 0 && isNormalization(expressions.get(i));
            if (ordinals[i] < 0) {
                compiler = compiler == null ? Planning.compiler() : compiler;
                programs[i] = compiler.compile(expressions.get(i), input);
            }
        }
        return new ExpressionColumns(ordinals, normalize, programs);
    }

    private static Expression unwrapNormalization(Expression expression) {
        if (expression instanceof KnownFloatingPointNormalized known
                && known.child() instanceof NormalizeNaNAndZero normalize) {
            return normalize.child();
        }
        return expression;
    }

    private static boolean isNormalization(Expression expression) {
        Expression body = expression instanceof Alias alias ? alias.child() : expression;
        return body != unwrapNormalization(body);
    }

    public int size() {
        return inputOrdinals.length;
    }

    /**
     * The bound columns over {@code rowCount} rows of {@code columns}; new vectors owned by the caller
     * (references share the input's buffers).
     */
    public List<FieldVector> evaluate(List<FieldVector> columns, int rowCount, Device device,
            BufferAllocator allocator) {
        List<FieldVector> out = new ArrayList<>(inputOrdinals.length);
        try {
            for (int i = 0; i < inputOrdinals.length; i++) {
                if (inputOrdinals[i] < 0) {
                    out.add(device.evaluate(programs[i], columns, rowCount, allocator));
                } else if (normalize[i]) {
                    out.add(normalized(columns.get(inputOrdinals[i]), rowCount, allocator));
                } else {
                    out.add(share(columns.get(inputOrdinals[i]), allocator));
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    /** A copy of a floating column with every NaN made the canonical NaN and -0.0 made 0.0, as Spark's normalization does. */
    private static FieldVector normalized(FieldVector column, int rowCount, BufferAllocator allocator) {
        if (!(column instanceof Float8Vector) && !(column instanceof Float4Vector)) {
            return share(column, allocator);
        }
        FieldVector out = column.getField().createVector(allocator);
        try {
            out.setInitialCapacity(Math.max(rowCount, 1));
            out.allocateNew();
            for (int row = 0; row < rowCount; row++) {
                if (column.isNull(row)) {
                    out.setNull(row);
                } else if (column instanceof Float8Vector doubles) {
                    double value = doubles.get(row);
                    ((Float8Vector) out).set(row, Double.isNaN(value) ? Double.NaN : value + 0.0);
                } else {
                    float value = ((Float4Vector) column).get(row);
                    ((Float4Vector) out).set(row, Float.isNaN(value) ? Float.NaN : value + 0.0f);
                }
            }
            out.setValueCount(rowCount);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** A new vector sharing the buffers of {@code vector}; the caller owns it. */
    public static FieldVector share(FieldVector vector, BufferAllocator allocator) {
        return ArrowBatches.slice(vector, 0, vector.getValueCount(), allocator);
    }
}
