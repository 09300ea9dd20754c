package dev.ember.device.cuda;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * {@code hashPartition} on the GPU (kernels of {@code hash_partition.cu}): the output vector's int32
 * buffer holds the row hashes while they are computed, seeded by one launch, folded by one launch per
 * key column, and turned into partition ids by a last one; bit-identical to
 * {@code dev.ember.device.host.HostHashPartition}, which is Spark's own Murmur3. Stateless.
 */
final class HashPartition {

    /** {@code Decimal.MAX_LONG_DIGITS}: wider decimals hash by the bytes of their unscaled value. */
    private static final int MAX_LONG_DIGITS = 18;

    /** The value kinds of {@code hash_partition_fixed}; the ordinals are the kernel's kind codes. */
    private enum Kind { BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DECIMAL_LONG, DECIMAL_WIDE }

    private final KernelLauncher launcher;

    HashPartition(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** See {@code Device#hashPartition(List, int, int, int, BufferAllocator)}; arguments checked as the host checks them. */
    IntVector partitionIds(List<FieldVector> keys, int rowCount, int partitionCount, int seed,
            BufferAllocator allocator) {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partitionCount must be at least 1: " + partitionCount);
        }
        for (FieldVector key : keys) {
            if (rowCount < 0 || rowCount > key.getValueCount()) {
                throw new IllegalArgumentException("rowCount " + rowCount + " is outside key column "
                        + key.getField().getName() + "'s " + key.getValueCount() + " values");
            }
            if (!(key instanceof VarCharVector)) {
                kindOf(key);  // refuses a type before anything is launched
            }
        }
        launcher.enter();
        IntVector ids = new IntVector("partition", allocator);
        try {
            ids.allocateNew(Math.max(rowCount, 1));
            if (rowCount > 0) {
                long hashes = ids.getDataBuffer().memoryAddress();
                launcher.requireManaged("the partition ids", hashes, rowCount * 4L);
                int blocks = launcher.blocksFor(rowCount);
                launcher.launch(Kernel.HASH_PARTITION_SEED, blocks, new KernelArguments().address("hashes", hashes)
                        .integer("count", rowCount).integer("seed", seed));
                for (int column = 0; column < keys.size(); column++) {
                    hashColumn("key column " + column + " (" + keys.get(column).getField() + ")", keys.get(column),
                            rowCount, hashes, blocks);
                }
                launcher.launch(Kernel.HASH_PARTITION_PMOD, blocks, new KernelArguments().address("hashes", hashes)
                        .integer("count", rowCount).integer("partitions", partitionCount));
                long validity = ids.getValidityBuffer().memoryAddress();
                launcher.requireManaged("the partition ids' validity", validity, (rowCount + 7L) / 8);
                launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((rowCount + 7L) / 8),
                        new KernelArguments().address("bitmap", validity).integer("count", rowCount));
                launcher.synchronize("hash partitioning " + rowCount + " rows by " + keys.size() + " keys");
            }
            ids.setValueCount(rowCount);
            return ids;
        } catch (RuntimeException e) {
            ids.close();
            throw e;
        }
    }

    private void hashColumn(String name, FieldVector key, int rowCount, long hashes, int blocks) {
        long validity = key.getValidityBuffer().memoryAddress();
        launcher.requireManaged(name + " validity", validity, (rowCount + 7L) / 8);
        launcher.prefetchToDevice(validity, (rowCount + 7L) / 8);
        if (key instanceof VarCharVector strings) {
            long offsets = strings.getOffsetBuffer().memoryAddress();
            long bytes = strings.getOffsetBuffer().getInt((long) rowCount * Integer.BYTES);
            long data = strings.getDataBuffer().memoryAddress();
            launcher.requireManaged(name + " offsets", offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.requireManaged(name + " bytes", data, bytes);
            launcher.prefetchToDevice(offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.prefetchToDevice(data, bytes);
            // an empty vector may have no data buffer; the kernel reads no byte of it then
            launcher.launch(Kernel.HASH_PARTITION_STRINGS, blocks, new KernelArguments().address("offsets", offsets)
                    .address("data", data == 0 ? offsets : data).address("validity", validity)
                    .integer("count", rowCount).address("hashes", hashes));
            return;
        }
        Kind kind = kindOf(key);
        long values = key.getDataBuffer().memoryAddress();
        long valueBytes = switch (kind) {
            case BOOLEAN -> (rowCount + 7L) / 8;
            case BYTE -> rowCount;
            case SHORT -> rowCount * 2L;
            case INT, FLOAT -> rowCount * 4L;
            case LONG, DOUBLE -> rowCount * 8L;
            case DECIMAL_LONG, DECIMAL_WIDE -> rowCount * 16L;
        };
        launcher.requireManaged(name + " values", values, valueBytes);
        launcher.prefetchToDevice(values, valueBytes);
        launcher.launch(Kernel.HASH_PARTITION_FIXED, blocks, new KernelArguments().integer("kind", kind.ordinal())
                .address("values", values).address("validity", validity).integer("count", rowCount)
                .address("hashes", hashes));
    }

    private static Kind kindOf(FieldVector key) {
        if (key instanceof BitVector) {
            return Kind.BOOLEAN;
        } else if (key instanceof TinyIntVector) {
            return Kind.BYTE;
        } else if (key instanceof SmallIntVector) {
            return Kind.SHORT;
        } else if (key instanceof IntVector || key instanceof DateDayVector) {
            return Kind.INT;
        } else if (key instanceof BigIntVector || key instanceof TimeStampVector) {
            return Kind.LONG;
        } else if (key instanceof Float4Vector) {
            return Kind.FLOAT;
        } else if (key instanceof Float8Vector) {
            return Kind.DOUBLE;
        } else if (key instanceof DecimalVector decimals) {
            return decimals.getPrecision() <= MAX_LONG_DIGITS ? Kind.DECIMAL_LONG : Kind.DECIMAL_WIDE;
        }
        throw new IllegalArgumentException("hash partitioning does not support key column "
                + key.getField().getName() + " of Arrow type " + key.getField().getType());
    }
}
