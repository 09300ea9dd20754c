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
 * discovery script), the first assigned address chooses the device and {@value #ORDINAL_SETTING} is
 * not read; otherwise {@value #ORDINAL_SETTING} is (default 0). CUDA numbers only the devices the
 * process sees, in the order of {@code CUDA_VISIBLE_DEVICES}: with {@code CUDA_VISIBLE_DEVICES=2,3}
 * ordinal 0 is GPU 2. See {@link #choose(List, int, String)} for how an address becomes an ordinal.
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

    /** As {@link #choose(List, int, String)} with this process's {@code CUDA_VISIBLE_DEVICES}. */
    public static DeviceOrdinal choose(List<String> assignedGpuAddresses, int configuredOrdinal) {
        return choose(assignedGpuAddresses, configuredOrdinal, System.getenv("CUDA_VISIBLE_DEVICES"));
    }

    /**
     * The ordinal of the first of {@code assignedGpuAddresses} when there is one, else
     * {@code configuredOrdinal}.
     *
     * <p>Discovery scripts print GPUs as {@code nvidia-smi} numbers them (Spark's example script, and
     * Ember's, which prints the entries of {@code CUDA_VISIBLE_DEVICES} when it is set), while CUDA
     * numbers only the visible devices, in the order {@code CUDA_VISIBLE_DEVICES} lists them. So an
     * address equal to an entry of {@code cudaVisibleDevices} is the ordinal of that entry's position
     * (with {@code CUDA_VISIBLE_DEVICES=2,3} address 3 is ordinal 1); any other address must be a
     * non-negative integer and is taken as the CUDA ordinal itself.
     *
     * @param cudaVisibleDevices the executor's {@code CUDA_VISIBLE_DEVICES}, or null when unset
     * @throws IllegalArgumentException when the first assigned address is not an ordinal, saying
     *     what to change
     */
    public static DeviceOrdinal choose(List<String> assignedGpuAddresses, int configuredOrdinal,
            String cudaVisibleDevices) {
        requireNonNull(assignedGpuAddresses, "assignedGpuAddresses is null");
        if (assignedGpuAddresses.isEmpty()) {
            return configured(configuredOrdinal);
        }
        String first = assignedGpuAddresses.get(0).trim();
        String settings = "(" + GPU_AMOUNT_SETTING + "; " + ORDINAL_SETTING + " is not read)";
        int visiblePosition = visiblePosition(first, cudaVisibleDevices);
        String source;
        int ordinal;
        if (visiblePosition >= 0) {
            ordinal = visiblePosition;
            source = "GPU address " + first + " that Spark assigned to this executor, which is CUDA ordinal " + ordinal
                    + " under CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices + " " + settings;
        } else {
            ordinal = parseOrdinal(first);
            if (ordinal < 0) {
                throw new IllegalArgumentException("Spark assigned this executor GPU address '" + first + "' ("
                        + GPU_AMOUNT_SETTING + "), which is neither a CUDA device ordinal nor an entry of"
                        + " CUDA_VISIBLE_DEVICES (" + (cudaVisibleDevices == null ? "not set" : cudaVisibleDevices)
                        + "): make the discovery script (spark.executor.resource.gpu.discoveryScript) print GPU"
                        + " indexes such as \"0\", or leave " + GPU_AMOUNT_SETTING + " unset and set " + ORDINAL_SETTING);
            }
            source = "GPU address " + first + " that Spark assigned to this executor " + settings;
        }
        if (assignedGpuAddresses.size() > 1) {
            source += "; Ember uses one GPU per executor, so the other assigned addresses "
                    + Arrays.toString(assignedGpuAddresses.subList(1, assignedGpuAddresses.size()).toArray())
                    + " stay unused";
        }
        return new DeviceOrdinal(ordinal, source);
    }

    // The position of address among the entries of CUDA_VISIBLE_DEVICES, or -1.
    private static int visiblePosition(String address, String cudaVisibleDevices) {
        if (cudaVisibleDevices == null || cudaVisibleDevices.isBlank()) {
            return -1;
        }
        String[] entries = cudaVisibleDevices.split(",", -1);
        for (int position = 0; position < entries.length; position++) {
            if (entries[position].trim().equals(address)) {
                return position;
            }
        }
        return -1;
    }

    private static int parseOrdinal(String address) {
        try {
            return Integer.parseInt(address);
        } catch (NumberFormatException e) {
            return -1;
        }
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
