package dev.ember.exec.aggregate;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;

/**
 * Turns the per-group state of the group-by operations into Spark's aggregation buffer columns (Partial
 * and PartialMerge modes) or into each function's result (Final and Complete modes), exactly as Spark's
 * declarative aggregates define them.
 */
final class AggregateOutput {
    private AggregateOutput() {}

    /**
     * A decimal sum kept exact ({@link KeylessExactSums}): its value without a precision bound, null after an
     * overflow that Spark marks (a null sum in a non-empty buffer); whether any value came.
     */
    record ExactSum(BigDecimal value, boolean nonEmpty) {}

    /** Where the state columns of an aggregation's operations come from: a grouping, or a window's frames. */
    interface OperationStates {
        /** The state columns of operation {@code operation}, as {@link Device.GroupBy#state} returns them. */
        List<FieldVector> state(int operation, BufferAllocator allocator);

        /**
         * The exact sum of {@code SUM_DECIMAL} operation {@code operation} of an aggregation with one group, which
         * then takes the place of the operation's state; null where the state holds the sum.
         */
        default ExactSum exactSum(int operation) {
            return null;
        }
    }

    /**
     * The buffer columns (or results) of every function, in order, from the states of {@code groups} groups
     * (rows, for a window); new vectors owned by the caller.
     */
    static List<FieldVector> columns(AggregatePlan plan, OperationStates groupBy, int groups, BufferAllocator allocator) {
        List<FieldVector> out = new ArrayList<>();
        try {
            for (FunctionPlan function : plan.functions()) {
                List<FieldVector> state = groupBy.state(function.firstOperation(), allocator);
                List<FieldVector> second = List.of();
                try {
                    // inside the try: when the second state cannot be allocated, the first is closed
                    if (function.kind() == FunctionPlan.Kind.AVERAGE) {
                        second = groupBy.state(function.firstOperation() + 1, allocator);
                    }
                    ExactSum exact = function.decimalSum() ? groupBy.exactSum(function.firstOperation()) : null;
                    if (exact != null) {
                        if (groups != 1) {
                            throw new IllegalStateException("an exact sum of " + groups + " groups");
                        }
                        if (plan.finalResults()) {
                            out.add(exactResult(function, exact, second, allocator));
                        } else {
                            out.addAll(exactBuffer(function, exact, second, allocator));
                        }
                    } else if (plan.finalResults()) {
                        out.add(result(function, state, second, groups, allocator));
                    } else {
                        out.addAll(buffer(function, state, second, groups, allocator));
                    }
                } finally {
                    ArrowBatches.closeAll(state);
                    ArrowBatches.closeAll(second);
                }
            }
            return out;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    private static List<FieldVector> buffer(FunctionPlan function, List<FieldVector> state, List<FieldVector> second,
            int groups, BufferAllocator allocator) {
        return switch (function.kind()) {
            case SUM -> {
                if (!function.decimalSum()) {
                    yield List.of(ExpressionColumns.share(state.get(0), allocator));
                }
                FieldVector sum = decimal(state.get(0), (DecimalType) function.sumType(), allocator);
                try {
                    yield List.of(sum, negate((BitVector) state.get(1), groups, allocator));
                } catch (RuntimeException e) {
                    sum.close();
                    throw e;
                }
            }
            case AVERAGE -> {
                FieldVector sum = function.decimalSum()
                        ? decimal(state.get(0), (DecimalType) function.sumType(), allocator)
                        : zeroWhenNull((Float8Vector) state.get(0), groups, allocator);
                try {
                    yield List.of(sum, zeroWhenNull((BigIntVector) second.get(0), groups, allocator));
                } catch (RuntimeException e) {
                    sum.close();
                    throw e;
                }
            }
            case COUNT -> List.of(zeroWhenNull((BigIntVector) state.get(0), groups, allocator));
            case MIN, MAX -> List.of(ExpressionColumns.share(state.get(0), allocator));
            case FIRST, LAST -> {
                FieldVector value = ExpressionColumns.share(state.get(0), allocator);
                try {
                    yield List.of(value, ExpressionColumns.share(state.get(1), allocator));
                } catch (RuntimeException e) {
                    value.close();
                    throw e;
                }
            }
            case STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP -> {
                // Spark's buffer is the state itself: n, avg, m2
                List<FieldVector> out = new ArrayList<>(3);
                try {
                    for (FieldVector column : state) {
                        out.add(ExpressionColumns.share(column, allocator));
                    }
                    yield out;
                } catch (RuntimeException e) {
                    ArrowBatches.closeAll(out);
                    throw e;
                }
            }
        };
    }

    /**
     * Spark's evaluation of stddev and variance over the moments: null for no value; for one value, the
     * sample statistics' division by zero (null, or NaN with the legacy setting); else m2 / n or
     * m2 / (n - 1), and its square root for the standard deviations.
     */
    private static Float8Vector statistic(FunctionPlan function, Float8Vector counts, Float8Vector squares, int groups,
            BufferAllocator allocator) {
        boolean sample = function.kind() == FunctionPlan.Kind.STDDEV_SAMP || function.kind() == FunctionPlan.Kind.VAR_SAMP;
        boolean root = function.kind() == FunctionPlan.Kind.STDDEV_POP || function.kind() == FunctionPlan.Kind.STDDEV_SAMP;
        Float8Vector out = new Float8Vector(function.kind().name().toLowerCase(Locale.ROOT), allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                double n = counts.get(g);
                if (n == 0.0) {
                    out.setNull(g);
                } else if (sample && n == 1.0) {
                    if (function.nullOnDivideByZero()) {
                        out.setNull(g);
                    } else {
                        out.set(g, Double.NaN);
                    }
                } else {
                    double variance = squares.get(g) / (sample ? n - 1.0 : n);
                    out.set(g, root ? Math.sqrt(variance) : variance);
                }
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static FieldVector result(FunctionPlan function, List<FieldVector> state, List<FieldVector> second,
            int groups, BufferAllocator allocator) {
        return switch (function.kind()) {
            case SUM -> function.decimalSum()
                    ? decimalSum(function, (DecimalVector) state.get(0), (BitVector) state.get(1), groups, allocator)
                    : ExpressionColumns.share(state.get(0), allocator);
            case AVERAGE -> function.decimalSum()
                    ? decimalAverage(function, (DecimalVector) state.get(0), (BigIntVector) second.get(0), groups,
                            allocator)
                    : doubleAverage((Float8Vector) state.get(0), (BigIntVector) second.get(0), groups, allocator);
            case COUNT -> zeroWhenNull((BigIntVector) state.get(0), groups, allocator);
            case MIN, MAX, FIRST, LAST -> ExpressionColumns.share(state.get(0), allocator);
            case STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP -> statistic(function, (Float8Vector) state.get(0),
                    (Float8Vector) state.get(2), groups, allocator);
        };
    }

    /**
     * Spark's buffer of an exact sum, as the row writer of the exchange after its generated code leaves it: the
     * sum nulled where it does not fit the buffer's type (an overflow for the merge to come), Sum's "is empty"
     * flag or Avg's count.
     */
    private static List<FieldVector> exactBuffer(FunctionPlan function, ExactSum exact, List<FieldVector> second,
            BufferAllocator allocator) {
        DecimalType type = (DecimalType) function.sumType();
        DecimalVector sum = new DecimalVector("sum", allocator, type.precision(), type.scale());
        try {
            sum.allocateNew(1);
            if (exact.value() != null && fits(exact.value(), type)) {
                sum.set(0, exact.value());
            } else {
                sum.setNull(0);
            }
            sum.setValueCount(1);
            if (function.kind() == FunctionPlan.Kind.AVERAGE) {
                return List.of(sum, zeroWhenNull((BigIntVector) second.get(0), 1, allocator));
            }
            BitVector isEmpty = new BitVector("isEmpty", allocator);
            try {
                isEmpty.allocateNew(1);
                isEmpty.set(0, exact.nonEmpty() ? 0 : 1);
                isEmpty.setValueCount(1);
                return List.of(sum, isEmpty);
            } catch (RuntimeException e) {
                isEmpty.close();
                throw e;
            }
        } catch (RuntimeException e) {
            sum.close();
            throw e;
        }
    }

    /**
     * The result of an exact sum or average, as Spark's {@code CheckOverflowInSum} and
     * {@code DecimalDivideWithOverflowCheck} evaluate it: a marked overflow raises the sum's overflow error (ANSI)
     * or gives null; a value that does not fit the result type raises the precision change's
     * {@code NUMERIC_VALUE_OUT_OF_RANGE} (ANSI) or gives null.
     */
    private static DecimalVector exactResult(FunctionPlan function, ExactSum exact, List<FieldVector> second,
            BufferAllocator allocator) {
        DecimalType type = (DecimalType) function.resultType();
        boolean average = function.kind() == FunctionPlan.Kind.AVERAGE;
        DecimalVector out = new DecimalVector(average ? "avg" : "sum", allocator, type.precision(), type.scale());
        try {
            out.allocateNew(1);
            BigDecimal result = null;
            long count = 0;
            if (average) {
                BigIntVector counts = (BigIntVector) second.get(0);
                count = counts.isNull(0) ? 0 : counts.get(0);
            }
            if (average ? count != 0 : exact.nonEmpty()) {
                if (exact.value() == null) {
                    if (function.ansi()) {
                        throw QueryExecutionErrors.overflowInSumOfDecimalError(function.context(),
                                average ? "try_avg" : "try_sum");
                    }
                } else {
                    Decimal value = Decimal.apply(exact.value());
                    if (average) {
                        value = value.$div(Decimal.apply(count));
                    }
                    Decimal checked = value.toPrecision(type.precision(), type.scale(), Decimal.ROUND_HALF_UP(),
                            !function.ansi(), function.context());
                    result = checked == null ? null : checked.toJavaBigDecimal();
                }
            }
            if (result == null) {
                out.setNull(0);
            } else {
                out.set(0, result);
            }
            out.setValueCount(1);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Whether {@code value} (of {@code type}'s scale) has at most {@code type}'s precision in digits. */
    private static boolean fits(BigDecimal value, DecimalType type) {
        return value.unscaledValue().abs().compareTo(BigInteger.TEN.pow(type.precision())) < 0;
    }

    /** The same 128-bit values under the declared precision. */
    private static DecimalVector decimal(FieldVector state, DecimalType type, BufferAllocator allocator) {
        DecimalVector source = (DecimalVector) state;
        int groups = source.getValueCount();
        DecimalVector out = new DecimalVector("sum", allocator, type.precision(), type.scale());
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                if (source.isNull(g)) {
                    out.setNull(g);
                } else {
                    copy128(source, g, out, g);
                }
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static void copy128(DecimalVector from, int fromIndex, DecimalVector to, int toIndex) {
        ArrowBuf data = from.getDataBuffer();
        to.getDataBuffer().setLong((long) toIndex * 16, data.getLong((long) fromIndex * 16));
        to.getDataBuffer().setLong((long) toIndex * 16 + 8, data.getLong((long) fromIndex * 16 + 8));
        BitVectorHelper.setBit(to.getValidityBuffer(), toIndex);
    }

    private static BitVector negate(BitVector flags, int groups, BufferAllocator allocator) {
        BitVector out = new BitVector("isEmpty", allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                out.set(g, flags.get(g) == 0 ? 1 : 0);
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static BigIntVector zeroWhenNull(BigIntVector state, int groups, BufferAllocator allocator) {
        BigIntVector out = new BigIntVector("count", allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                out.set(g, state.isNull(g) ? 0 : state.get(g));
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static Float8Vector zeroWhenNull(Float8Vector state, int groups, BufferAllocator allocator) {
        Float8Vector out = new Float8Vector("sum", allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                out.set(g, state.isNull(g) ? 0.0 : state.get(g));
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Sum's evaluation: null when no value came, Spark's overflow error (ANSI) or null when it overflowed. */
    private static DecimalVector decimalSum(FunctionPlan function, DecimalVector sums, BitVector nonEmpty, int groups,
            BufferAllocator allocator) {
        DecimalType type = (DecimalType) function.resultType();
        DecimalVector out = new DecimalVector("sum", allocator, type.precision(), type.scale());
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                if (nonEmpty.get(g) == 0) {
                    out.setNull(g);
                } else if (sums.isNull(g)) {
                    if (function.ansi()) {
                        throw QueryExecutionErrors.overflowInSumOfDecimalError(function.context(), "try_sum");
                    }
                    out.setNull(g);
                } else {
                    copy128(sums, g, out, g);
                }
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static Float8Vector doubleAverage(Float8Vector sums, BigIntVector counts, int groups,
            BufferAllocator allocator) {
        Float8Vector out = new Float8Vector("avg", allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                long count = counts.isNull(g) ? 0 : counts.get(g);
                if (count == 0) {
                    out.setNull(g);
                } else {
                    out.set(g, (sums.isNull(g) ? 0.0 : sums.get(g)) / count);
                }
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * Avg's decimal evaluation: {@code sum / count} computed by Spark's own {@link Decimal} division, then
     * rounded half up to the result type, as Spark's decimal average does.
     */
    private static DecimalVector decimalAverage(FunctionPlan function, DecimalVector sums, BigIntVector counts,
            int groups, BufferAllocator allocator) {
        DecimalType type = (DecimalType) function.resultType();
        DecimalVector out = new DecimalVector("avg", allocator, type.precision(), type.scale());
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                long count = counts.isNull(g) ? 0 : counts.get(g);
                if (count == 0) {
                    out.setNull(g);
                    continue;
                }
                if (sums.isNull(g)) {
                    if (function.ansi()) {
                        throw QueryExecutionErrors.overflowInSumOfDecimalError(function.context(), "try_avg");
                    }
                    out.setNull(g);
                    continue;
                }
                // Spark's own decimal division (quotient to 38 digits, half up), then rounded half up to the result type
                Decimal quotient = Decimal.apply(sums.getObject(g)).$div(Decimal.apply(count));
                // a quotient too wide for the result type is Spark's DecimalDivideWithOverflowCheck case:
                // null, or in ANSI mode the error of a precision change (NUMERIC_VALUE_OUT_OF_RANGE), not
                // the sum's overflow error
                Decimal average = quotient.toPrecision(type.precision(), type.scale(), Decimal.ROUND_HALF_UP(),
                        !function.ansi(), function.context());
                if (average == null) {
                    out.setNull(g);
                } else {
                    out.set(g, average.toJavaBigDecimal());
                }
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
