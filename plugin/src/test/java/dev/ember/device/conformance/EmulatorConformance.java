package dev.ember.device.conformance;

import dev.ember.device.Device;
import dev.ember.device.cuda.CudaDevice;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The fixture of a conformance test class: the host device and the emulator's CUDA device, one seed per
 * class (printed; {@code -Dember.test.seed} replays it), and an allocator per test whose close fails the
 * test when a primitive or an evaluation leaked a buffer.
 */
abstract class EmulatorConformance {
    static long seed;
    static Device host;
    static CudaDevice cuda;

    BufferAllocator allocator;

    @BeforeAll
    static void openDevices(TestInfo test) {
        String name = test.getTestClass().map(Class::getSimpleName).orElse("conformance");
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println(name + " seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        host = new HostDevice();
        cuda = (CudaDevice) EmulatorDevice.opened().device();
    }

    @BeforeEach
    void newAllocator(TestInfo test) {
        allocator = EmulatorDevice.newAllocator(test.getTestClass().map(Class::getSimpleName).orElse("conformance"));
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();  // fails the test when a primitive leaked a buffer
    }

    /** Every row count of {@code sizes} with every {@link RowShape}: (rows, shape) arguments. */
    static Stream<Arguments> sizesByShape(int... sizes) {
        List<Arguments> cases = new ArrayList<>();
        for (int size : sizes) {
            for (RowShape shape : RowShape.values()) {
                cases.add(Arguments.of(size, shape));
            }
        }
        return cases.stream();
    }
}
