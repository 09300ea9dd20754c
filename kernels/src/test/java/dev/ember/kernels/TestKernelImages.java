package dev.ember.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the jar packs: PTX for every family, NUL-terminated, with the entry points the plugin launches. */
class TestKernelImages {

    @Test
    void everyFamilyHasTerminatedPtxForCompute75() {
        for (String family : KernelImages.FAMILIES) {
            byte[] ptx = KernelImages.ptx(family);
            assertEquals(0, ptx[ptx.length - 1], family + " must end with NUL for cuModuleLoadData");
            String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
            assertTrue(text.contains(".target sm_75"), family + " targets sm_75");
            assertTrue(text.contains(".visible .entry"), family + " has entry points");
        }
    }

    @Test
    void compactionHasItsEntryPoints() {
        String text = new String(KernelImages.ptx("compaction"), StandardCharsets.US_ASCII);
        assertTrue(text.contains(".entry count_true_flags("), text);
        assertTrue(text.contains(".entry scatter_true_positions("), text);
    }

    @Test
    void expressionHasTheInterpreterEntryPoint() {
        String text = new String(KernelImages.ptx("expression"), StandardCharsets.US_ASCII);
        assertTrue(text.contains(".entry evaluate_program("), text);
    }

    @Test
    void unknownFamiliesAreRefusedWithTheKnownOnes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> KernelImages.ptx("no_such_family"));
        assertTrue(error.getMessage().contains(KernelImages.FAMILIES.toString()), error.getMessage());
    }

    @Test
    void theEmulatorResourceIsNamedForThisPlatform() {
        String path = EmulatorLibrary.resourcePath();
        assertTrue(path.startsWith("/dev/ember/kernels/emulator/linux-"), path);
        assertTrue(path.endsWith("/libcuda.so.1"), path);
    }
}
