package dev.ember.kernels;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The compiled kernels this module packs, by family ({@code compaction}, {@code expression}, {@code gather},
 * {@code scan}: one per {@code .cu} source).
 *
 * <p>PTX (for {@code compute_75}) is always present: it is committed. A fatbin with SASS for
 * sm_80, sm_90, sm_100, sm_120 and sm_121 plus the same PTX is present only when the jar was built
 * where nvcc exists. Thread-safe; every call reads the resource again.
 */
public final class KernelImages {

    /** The kernel families, one per source file in {@code kernels/src/main/cuda}. */
    public static final List<String> FAMILIES = List.of("compaction", "concatenate", "expression", "gather", "group_by",
            "hash_join", "hash_partition", "scan", "sort", "window");

    private static final String PTX_FOLDER = "/dev/ember/kernels/ptx/";
    private static final String FATBIN_FOLDER = "/dev/ember/kernels/fatbin/";

    private KernelImages() {}

    /**
     * The PTX text of a family, NUL-terminated as {@code cuModuleLoadData} expects.
     *
     * @throws IllegalArgumentException when the family does not exist
     */
    public static byte[] ptx(String family) {
        byte[] text = read(PTX_FOLDER + checkFamily(family) + ".ptx")
                .orElseThrow(() -> new IllegalStateException("the PTX of kernel family " + family
                        + " is missing from the ember-kernels jar; rebuild the kernels module"));
        byte[] terminated = new byte[text.length + 1];
        System.arraycopy(text, 0, terminated, 0, text.length);
        return terminated;
    }

    /** The fatbin of a family, when the build had nvcc. */
    public static Optional<byte[]> fatbin(String family) {
        return read(FATBIN_FOLDER + checkFamily(family) + ".fatbin");
    }

    private static String checkFamily(String family) {
        requireNonNull(family, "family is null");
        if (!FAMILIES.contains(family)) {
            throw new IllegalArgumentException("unknown kernel family '" + family + "'; known: " + FAMILIES);
        }
        return family;
    }

    static Optional<byte[]> read(String resource) {
        try (InputStream input = KernelImages.class.getResourceAsStream(resource)) {
            return input == null ? Optional.empty() : Optional.of(input.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }
}
