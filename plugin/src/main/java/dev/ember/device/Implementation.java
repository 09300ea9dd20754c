package dev.ember.device;

import static java.util.Objects.requireNonNull;

/**
 * How one device runs one {@link Primitive}, for explain output: where the work happens and, in words,
 * the kernels it launches or the code that runs instead.
 *
 * @param placement where the primitive runs
 * @param description the kernels or the host code; for {@link Placement#HOST_FALLBACK} and
 *     {@link Placement#KERNELS_WITH_HOST_FALLBACK}, also why (some of) the work runs on the host
 */
public record Implementation(Placement placement, String description) {

    /** Where a device runs a primitive. */
    public enum Placement {
        /** The device is the host: Java loops on the CPU, by design. */
        HOST_DEVICE,
        /** Kernels on the GPU for every input. */
        KERNELS,
        /** Kernels on the GPU, except for inputs the description names, which run on the host. */
        KERNELS_WITH_HOST_FALLBACK,
        /** The GPU device runs the host implementation over the same unified-memory buffers, for the named reason. */
        HOST_FALLBACK
    }

    public Implementation {
        requireNonNull(placement, "placement is null");
        requireNonNull(description, "description is null");
    }

    /** The text explain output shows after the primitive's name. */
    public String explain() {
        return switch (placement) {
            case HOST_DEVICE, KERNELS, KERNELS_WITH_HOST_FALLBACK -> description;
            case HOST_FALLBACK -> "on the host: " + description;
        };
    }
}
