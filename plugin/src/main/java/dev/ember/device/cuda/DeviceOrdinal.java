package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * The CUDA device ordinal an executor opens, and where that number came from (for logs and errors).
 *
 * <p>When Spark assigned GPUs to the executor ({@code spark.executor.resource.gpu.amount} with a
 * discovery script), the first assigned address is the ordinal and
 * {@value #ORDINAL_SETTING} is not read; otherwise {@value #ORDINAL_SETTING} is (default 0). CUDA
 * numbers only the devices the process sees: with {@code CUDA_VISIBLE_DEVICES=2,3} ordinal 0 is
 * physical GPU 2, so an address must be an ordinal as the executor's process sees it.
 *
 * @param ordinal the CUDA device ordinal, at least 0
 * @param source a phrase saying where the ordinal came from, such as
 *     {@code spark.ember.cuda.deviceOrdinal=1}
 */
public record DeviceOrdinal(int ordinal, String source) {

    /** The setting that names the ordinal when Spark assigns no GPU. */
    public static final String ORDINAL_SETTING = "spark.ember.cuda.deviceOrdinal";

    /** The setting with which Spark assigns GPUs to executors. */
    public static final String GPU_AMOUNT_SETTING = "spark.executor.resource.gpu.amount";

    /** Spark's name of the GPU resource. */
    public static final String GPU_RESOURCE = "gpu";

    public DeviceOrdinal {
        if (ordinal < 0) {
            throw new IllegalArgumentException("a CUDA device ordinal must not be negative: " + ordinal);
        }
        requireNonNull(source, "source is null");
    }

    /** The ordinal from {@value #ORDINAL_SETTING}. */
    public static DeviceOrdinal configured(int ordinal) {
        return new DeviceOrdinal(ordinal, ORDINAL_SETTING + "=" + ordinal);
    }

    /** The addresses of the {@code gpu} resource in Spark's executor resources, or none. */
    public static List<String> assignedGpuAddresses(Map<String, ResourceInformation> resources) {
        requireNonNull(resources, "resources is null");
        ResourceInformation gpus = resources.get(GPU_RESOURCE);
        return gpus == null ? List.of() : List.of(gpus.addresses());
    }

    /**
     * The first of {@code assignedGpuAddresses} when there is one, else {@code configuredOrdinal}.
     *
     * @throws IllegalArgumentException when the first assigned address is not an ordinal, saying
     *     what to change
     */
    public static DeviceOrdinal choose(List<String> assignedGpuAddresses, int configuredOrdinal) {
        requireNonNull(assignedGpuAddresses, "assignedGpuAddresses is null");
        if (assignedGpuAddresses.isEmpty()) {
            return configured(configuredOrdinal);
        }
        String first = assignedGpuAddresses.get(0).trim();
        int ordinal;
        try {
            ordinal = Integer.parseInt(first);
        } catch (NumberFormatException e) {
            ordinal = -1;
        }
        if (ordinal < 0) {
            throw new IllegalArgumentException("Spark assigned this executor GPU address '" + first + "' ("
                    + GPU_AMOUNT_SETTING + "), but Ember opens the first assigned address as a CUDA device ordinal:"
                    + " make the discovery script (spark.executor.resource.gpu.discoveryScript) print ordinals such"
                    + " as \"0\", or leave " + GPU_AMOUNT_SETTING + " unset and set " + ORDINAL_SETTING);
        }
        String source = "GPU address " + first + " that Spark assigned to this executor (" + GPU_AMOUNT_SETTING
                + "; " + ORDINAL_SETTING + " is not read)";
        if (assignedGpuAddresses.size() > 1) {
            source += "; Ember uses one GPU per executor, so the other assigned addresses "
                    + Arrays.toString(assignedGpuAddresses.subList(1, assignedGpuAddresses.size()).toArray())
                    + " stay unused";
        }
        return new DeviceOrdinal(ordinal, source);
    }

    /**
     * Why this ordinal cannot be opened when the driver reports {@code deviceCount} devices, naming
     * both settings that choose it and the {@code CUDA_VISIBLE_DEVICES} the process runs with.
     */
    String missingDeviceMessage(int deviceCount, String cudaVisibleDevices) {
        String visible = cudaVisibleDevices == null ? "CUDA_VISIBLE_DEVICES is not set"
                : "CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices + ", and CUDA numbers only those devices, from 0";
        return "CUDA device ordinal " + ordinal + " (" + source + ") does not exist: the driver reports "
                + deviceCount + (deviceCount == 1 ? " device, ordinal 0" : " devices, ordinals 0 to " + (deviceCount - 1))
                + " (" + visible + "). Set " + ORDINAL_SETTING + " to one of them, or, when Spark assigns GPUs ("
                + GPU_AMOUNT_SETTING + "), make its discovery script print CUDA ordinals as the executor sees them";
    }
}
