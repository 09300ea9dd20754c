package dev.ember.device;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;

/**
 * Chooses the device of an executor from {@code spark.ember.device}.
 *
 * <p>{@code auto} takes CUDA when it can be used and the host otherwise, and always says why.
 * {@code cuda} and {@code emulator} fail with a message that says what is missing.
 */
public final class DeviceSelector {

    /** The chosen device and, in words, why it was chosen. */
    public record Selection(Device device, String reason) {
        public Selection {
            requireNonNull(device, "device is null");
            requireNonNull(reason, "reason is null");
        }
    }

    private DeviceSelector() {}

    public static Selection select(EmberConf conf) {
        String setting = conf.get(EmberConf.DEVICE);
        switch (setting) {
            case "host":
                return new Selection(new HostDevice(), "spark.ember.device=host");
            case "auto":
                return new Selection(new HostDevice(), "spark.ember.device=auto chose the host: " + whyNotCuda());
            case "cuda":
            case "emulator":
                throw new IllegalStateException("spark.ember.device=" + setting
                        + " cannot be used: this build of Ember has no CUDA device yet (" + whyNotCuda()
                        + "). Set spark.ember.device=host or auto.");
            default:
                throw new IllegalStateException("unknown device setting " + setting);
        }
    }

    /** Why the CUDA path cannot be used on this machine, in words. */
    static String whyNotCuda() {
        try {
            Class.forName("jcuda.driver.JCudaDriver");
        } catch (ClassNotFoundException | LinkageError e) {
            return "JCuda is not on the classpath";
        }
        try {
            jcuda.driver.JCudaDriver.setExceptionsEnabled(false);
            int result = jcuda.driver.JCudaDriver.cuInit(0);
            if (result != jcuda.driver.CUresult.CUDA_SUCCESS) {
                return "cuInit failed with " + jcuda.driver.CUresult.stringFor(result);
            }
            return "the CUDA device is not implemented in this build";
        } catch (LinkageError e) {
            return "the CUDA driver (libcuda.so.1) could not be loaded: " + e.getMessage();
        }
    }
}
