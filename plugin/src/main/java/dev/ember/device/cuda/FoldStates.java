package dev.ember.device.cuda;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device.AggregateOperation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The states of aggregate folds as the kernels of {@code group_by.cu} and {@code window.cu} keep them ({@code group_fold.cuh}: {@code Fold}, {@code FoldState}):
 * per operation three arrays with one state per slot (values of the operation's width, a flag byte and an
 * extra byte), and their turning into the Arrow state columns that {@code Device.GroupBy.state} returns. The
 * group-by ({@link KernelGroupBy}) keeps a state per group, the window ({@link KernelWindow}) one per row.
 */
final class FoldStates {
    private FoldStates() {}

    /** The kind of a fixed-width type (the kernels fold these), or null. */
    static ColumnKind fixedWidthKind(DataType type) {
        if (type instanceof BooleanType) {
            return ColumnKind.BOOLEAN;
        } else if (type instanceof ByteType) {
            return ColumnKind.BYTE;
        } else if (type instanceof ShortType) {
            return ColumnKind.SHORT;
        } else if (type instanceof IntegerType || type instanceof DateType) {
            return ColumnKind.INT;
        } else if (type instanceof LongType || type instanceof TimestampType || type instanceof TimestampNTZType) {
            return ColumnKind.LONG;
        } else if (type instanceof FloatType) {
            return ColumnKind.FLOAT;
        } else if (type instanceof DoubleType) {
            return ColumnKind.DOUBLE;
        } else if (type instanceof DecimalType) {
            return ColumnKind.DECIMAL;
        }
        return null;
    }

    /**
     * The kind of a value that min, max, first and last fold: fixed-width, or a UTF8_BINARY string (a collated
     * string compares by its collation, not by bytes); null for any other type.
     */
    static ColumnKind foldedKind(DataType type) {
        if (type instanceof StringType) {
            return ArrowTypes.isSupported(type) ? ColumnKind.STRING : null;
        }
        return fixedWidthKind(type);
    }

    /**
     * The kind of an operation's state value, or null when no kernel folds it (moments, or min, max, first
     * and last over values that are neither fixed-width nor UTF8_BINARY strings). A string state is not kept
     * in the fixed-width state arrays: see {@link GroupStringState} and {@code KernelWindow}.
     */
    static ColumnKind valueKind(AggregateOperation operation) {
        return switch (operation.kind()) {
            case SUM_LONG, COUNT -> ColumnKind.LONG;
            case SUM_DOUBLE -> ColumnKind.DOUBLE;
            case SUM_DECIMAL -> ColumnKind.DECIMAL;
            case MIN, MAX, FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS -> foldedKind(operation.type());
            case MOMENTS -> null;
        };
    }

    /** Doubles per group of a {@code MOMENTS} state ({@code group_by.cu}'s kMomentParts): n, avg and m2, interleaved. */
    static final int MOMENT_PARTS = 3;

    /**
     * The kind of an operation's state value in a grouping: {@link #valueKind}, and double for {@code MOMENTS},
     * whose three parts the group-by kernels keep (the window kernels do not fold moments).
     */
    static ColumnKind groupValueKind(AggregateOperation operation) {
        return operation.kind() == AggregateOperation.Kind.MOMENTS ? ColumnKind.DOUBLE : valueKind(operation);
    }

    /** The bytes of one group's state values: {@link #MOMENT_PARTS} doubles for {@code MOMENTS}, else one value. */
    static int stateWidth(AggregateOperation operation, ColumnKind valueKind) {
        return operation.kind() == AggregateOperation.Kind.MOMENTS ? MOMENT_PARTS * Double.BYTES : valueKind.width;
    }

    /** @throws IllegalArgumentException for a decimal sum whose precision is not 1 to 38 */
    static void checkOperation(AggregateOperation operation) {
        if (operation.kind() == AggregateOperation.Kind.SUM_DECIMAL
                && (operation.precision() < 1 || operation.precision() > 38)) {
            throw new IllegalArgumentException("decimal sum precision must be 1 to 38, not " + operation.precision());
        }
    }

    /**
     * The fold's constants as the kernels read them: [value kind, ansi, 10^precision low word, high word].
     *
     * @throws IllegalArgumentException for a decimal sum whose precision is not 1 to 38
     */
    static ArrowBuf constants(AggregateOperation operation, ColumnKind valueKind, BufferAllocator allocator) {
        checkOperation(operation);
        long limitLow = 0;
        long limitHigh = 0;
        if (operation.kind() == AggregateOperation.Kind.SUM_DECIMAL) {
            BigInteger limit = BigInteger.TEN.pow(operation.precision());
            limitLow = limit.longValue();
            limitHigh = limit.shiftRight(64).longValue();
        }
        ArrowBuf constants = allocator.buffer(4L * Long.BYTES);
        constants.setLong(0, valueKind.ordinal());
        constants.setLong(Long.BYTES, operation.ansi() ? 1 : 0);
        constants.setLong(2L * Long.BYTES, limitLow);
        constants.setLong(3L * Long.BYTES, limitHigh);
        return constants;
    }

    /**
     * The state columns of {@code count} states of {@code operation} (as {@code Device.GroupBy.state} returns
     * them), copied from the state arrays by kernels; the caller synchronizes before reading them.
     */
    static List<FieldVector> columns(KernelLauncher launcher, AggregateOperation operation, ColumnKind valueKind,
            ArrowBuf values, ArrowBuf flags, ArrowBuf extra, int count, BufferAllocator target) {
        List<FieldVector> out = new ArrayList<>(2);
        try {
            switch (operation.kind()) {
                case SUM_LONG -> fill(launcher, add(out, new BigIntVector("sum", target)), ColumnKind.LONG, values, flags,
                        false, count);
                case SUM_DOUBLE -> fill(launcher, add(out, new Float8Vector("sum", target)), ColumnKind.DOUBLE, values,
                        flags, false, count);
                case COUNT -> fill(launcher, add(out, new BigIntVector("count", target)), ColumnKind.LONG, values, null,
                        false, count);
                case SUM_DECIMAL -> {
                    fill(launcher, add(out, new DecimalVector("sum", target, 38, operation.scale())), ColumnKind.DECIMAL,
                            values, extra, true, count);
                    fill(launcher, add(out, new BitVector("nonEmpty", target)), ColumnKind.BOOLEAN, flags, null, false,
                            count);
                }
                case MIN, MAX -> fill(launcher, add(out, ArrowTypes.newVector("extreme", operation.type(), target)),
                        valueKind, values, flags, false, count);
                case FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS -> {
                    fill(launcher, add(out, ArrowTypes.newVector("value", operation.type(), target)), valueKind, values,
                            extra, false, count);
                    fill(launcher, add(out, new BitVector("valueSet", target)), ColumnKind.BOOLEAN, flags, null, false,
                            count);
                }
                case MOMENTS -> {
                    String[] names = {"n", "avg", "m2"};
                    for (int part = 0; part < MOMENT_PARTS; part++) {
                        Float8Vector column = new Float8Vector(names[part], target);
                        out.add(column);
                        momentPart(launcher, column, values, part, count);
                    }
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    /** Fills {@code vector} with part {@code part} of {@code count} interleaved moment states, every value valid. */
    private static void momentPart(KernelLauncher launcher, Float8Vector vector, ArrowBuf values, int part, int count) {
        vector.allocateNew(Math.max(count, 1));
        if (count > 0) {
            long data = vector.getDataBuffer().memoryAddress();
            long validity = vector.getValidityBuffer().memoryAddress();
            launcher.requireManaged("a moment part's values", data, (long) count * Double.BYTES);
            launcher.requireManaged("a moment part's validity", validity, (count + 7L) / 8);
            launcher.launch(Kernel.GROUP_BY_MOMENT_PART, launcher.blocksFor(count), new KernelArguments()
                    .address("state", values.memoryAddress()).integer("part", part).integer("count", count)
                    .address("target", data));
            launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((count + 7L) / 8), new KernelArguments()
                    .address("bitmap", validity).integer("count", count));
        }
        vector.setValueCount(count);
    }

    private static FieldVector add(List<FieldVector> out, FieldVector vector) {
        out.add(vector);
        return vector;
    }

    /**
     * Fills {@code vector} with {@code count} strings of an arena in Arrow's layout ({@code offsets}: count + 1
     * int32 offsets into {@code bytes}, of which {@code used} are in use; null offsets: every string empty) and
     * validity from the flag bytes {@code valid} (a set flag means non-null); the caller synchronizes.
     */
    static void fillStrings(KernelLauncher launcher, BaseVariableWidthVector vector, ArrowBuf offsets, ArrowBuf bytes,
            long used, ArrowBuf valid, int count) {
        vector.allocateNew(Math.max(used, 1), Math.max(count, 1));
        if (count == 0) {
            vector.setValueCount(0);
            return;
        }
        long targetOffsets = vector.getOffsetBuffer().memoryAddress();
        long validity = vector.getValidityBuffer().memoryAddress();
        launcher.requireManaged("a string output's offsets", targetOffsets, (count + 1L) * Integer.BYTES);
        launcher.requireManaged("a string output's validity", validity, (count + 7L) / 8);
        if (offsets == null) {
            launcher.launch(Kernel.GROUP_BY_FILL_INTS, launcher.blocksFor(count + 1L), new KernelArguments()
                    .address("target", targetOffsets).integer("count", count + 1).integer("value", 0));
        } else {
            launcher.launch(Kernel.CONCATENATE_FIXED_4, launcher.blocksFor(count + 1L), new KernelArguments()
                    .address("source", offsets.memoryAddress()).integer("count", count + 1)
                    .address("target", targetOffsets));
        }
        if (used > 0) {
            long data = vector.getDataBuffer().memoryAddress();
            launcher.requireManaged("a string output's bytes", data, used);
            launcher.launch(Kernel.CONCATENATE_BYTES, launcher.blocksFor(used), new KernelArguments()
                    .address("source", bytes.memoryAddress()).integer("count", (int) used).address("target", data));
        }
        launcher.launch(Kernel.GROUP_BY_FLAGS_TO_BITS, launcher.blocksFor((count + 7L) / 8), new KernelArguments()
                .address("flags", valid.memoryAddress()).integer("count", count).integer("invert", 0)
                .address("bitmap", validity));
        // the offsets are written: setValueCount must not fill them in as holes after the last set row
        vector.setLastSet(count - 1);
        vector.setValueCount(count);
    }

    /**
     * Fills {@code vector} with {@code count} values of {@code kind} from {@code values} (booleans one byte
     * each) and validity from the flag bytes {@code valid} (null: every value valid; {@code invert}: a set flag
     * means null).
     */
    static void fill(KernelLauncher launcher, FieldVector vector, ColumnKind kind, ArrowBuf values, ArrowBuf valid,
            boolean invert, int count) {
        vector.setInitialCapacity(Math.max(count, 1));
        vector.allocateNew();
        if (count == 0) {
            vector.setValueCount(0);
            return;
        }
        long data = vector.getDataBuffer().memoryAddress();
        long validity = vector.getValidityBuffer().memoryAddress();
        long bitmapBytes = (count + 7L) / 8;
        launcher.requireManaged("a fold output's validity", validity, bitmapBytes);
        if (kind == ColumnKind.BOOLEAN) {
            launcher.requireManaged("a fold output's values", data, bitmapBytes);
            launcher.launch(Kernel.GROUP_BY_FLAGS_TO_BITS, launcher.blocksFor(bitmapBytes), new KernelArguments()
                    .address("flags", values.memoryAddress()).integer("count", count).integer("invert", 0)
                    .address("bitmap", data));
        } else {
            launcher.requireManaged("a fold output's values", data, (long) count * kind.width);
            Kernel copy = switch (kind.width) {
                case 1 -> Kernel.CONCATENATE_FIXED_1;
                case 2 -> Kernel.CONCATENATE_FIXED_2;
                case 4 -> Kernel.CONCATENATE_FIXED_4;
                case 8 -> Kernel.CONCATENATE_FIXED_8;
                default -> Kernel.CONCATENATE_FIXED_16;
            };
            launcher.launch(copy, launcher.blocksFor(count), new KernelArguments()
                    .address("source", values.memoryAddress()).integer("count", count).address("target", data));
        }
        if (valid == null) {
            launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor(bitmapBytes), new KernelArguments()
                    .address("bitmap", validity).integer("count", count));
        } else {
            launcher.launch(Kernel.GROUP_BY_FLAGS_TO_BITS, launcher.blocksFor(bitmapBytes), new KernelArguments()
                    .address("flags", valid.memoryAddress()).integer("count", count)
                    .integer("invert", invert ? 1 : 0).address("bitmap", validity));
        }
        vector.setValueCount(count);
    }
}
