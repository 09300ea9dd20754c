package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertSameVector;

import dev.ember.device.host.HostDevice;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Every primitive on {@link HostDevice} and on the CUDA device (the emulator, or a real GPU with
 * {@code -Dember.test.realGpu=true}) over the same seeded random inputs in managed memory: the
 * results must be identical. Sizes cover empty, one row, a partial block, exact blocks and tiles,
 * one past them, and more than one grid's worth ({@link EmulatorDevice#MAX_BLOCKS_PER_GRID}).
 *
 * <p>The build runs this class twice, in forked JVMs: in normal thread order and with the
 * emulator's reverse thread order and poisoned allocations (see plugin/pom.xml).
 */
class TestDeviceConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 31, 33, 255, 256, 257, 1023, 1025, 8191, 8192, 8193, 40_000};

    static Stream<Arguments> selectCases() {
        List<Arguments> cases = new ArrayList<>();
        double[][] shares = {{0.0, 0.5}, {0.2, 0.7}, {0.0, 0.0}, {0.0, 1.0}, {1.0, 0.5}, {0.5, 0.05}};
        for (int size : SIZES) {
            for (double[] share : shares) {
                cases.add(Arguments.of(size, share[0], share[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "selectTrue rows={0} nulls={1} true={2}")
    @MethodSource("selectCases")
    void selectTrueMatchesHost(int rows, double nullShare, double trueShare) {
        PrimitiveChecks.selectTrue(pair(), rows, nullShare, trueShare);
    }

    static Stream<Arguments> gatherCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int size : SIZES) {
            if (size > 0) {
                cases.add(Arguments.of(size, size, 0.0));
                cases.add(Arguments.of(size, Math.max(1, size / 3), 0.3));
                cases.add(Arguments.of(Math.max(1, size / 2), size, 1.0));
            }
        }
        cases.add(Arguments.of(500, 0, 0.3));
        return cases.stream();
    }

    @ParameterizedTest(name = "gather rows={0} indices={1} nulls={2}")
    @MethodSource("gatherCases")
    void gatherMatchesHost(int rows, int indexCount, double nullShare) {
        PrimitiveChecks.gather(pair(), rows, indexCount, nullShare);
    }

    /**
     * A compiled predicate evaluated on each device (the CUDA device runs the host interpreter over
     * managed memory), then its flags compacted: the first half of a filter.
     */
    @Test
    void evaluateMatchesHost() {
        RandomVectors random = new RandomVectors(seed ^ 0xe7a1);
        int rows = 3_000;
        AttributeReference left = attribute("left", DataTypes.IntegerType);
        AttributeReference right = attribute("right", DataTypes.IntegerType);
        Program program = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true))
                .compile(new GreaterThan(left, right), List.of(left, right));
        List<FieldVector> inputs = List.of(random.column(DataTypes.IntegerType, rows, 0.1, allocator),
                random.column(DataTypes.IntegerType, rows, 0.1, allocator));
        try (FieldVector expected = host.evaluate(program, inputs, rows, allocator);
                FieldVector actual = cuda.evaluate(program, inputs, rows, allocator)) {
            assertSameVector(expected, actual, "evaluate left > right over " + rows + " rows, seed " + seed);
            try (IntVector hostPositions = host.selectTrue((BitVector) expected, rows, allocator);
                    IntVector cudaPositions = cuda.selectTrue((BitVector) actual, rows, allocator)) {
                assertSameVector(hostPositions, cudaPositions, "selectTrue of the predicate, seed " + seed);
            }
        } finally {
            inputs.forEach(FieldVector::close);
        }
    }

    private static AttributeReference attribute(String name, DataType type) {
        return new AttributeReference(name, type, true, Metadata.empty(), NamedExpression.newExprId(),
                CollectionConverters.asScala(List.<String>of()).toSeq());
    }

    /** The filter pattern: positions from selectTrue feed gather, on each device end to end. */
    @Test
    void filterPipelineMatchesHost() {
        PrimitiveChecks.filterPipeline(pair(), 12_345);
    }

    private DevicePair pair() {
        return new DevicePair(host, cuda, allocator, seed);
    }
}
