package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.check;

import dev.ember.kernels.KernelImages;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The kernel modules, loaded once per context: the fatbin where the build packed one and a real GPU
 * runs them (SASS for the card starts without JIT), the PTX otherwise and always under the
 * emulator. Immutable after construction; {@link #close()} unloads the modules.
 */
final class KernelModules implements AutoCloseable {

    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
    private final String imageKind;

    /** Loads every family into the current context of {@code context}. */
    KernelModules(CudaContext context, boolean emulator) {
        context.makeCurrent();
        boolean usedFatbin = false;
        try {
            for (String family : KernelImages.FAMILIES) {
                Optional<byte[]> fatbin = emulator ? Optional.empty() : KernelImages.fatbin(family);
                CUmodule module = new CUmodule();
                int result = fatbin.isPresent()
                        ? JCudaDriver.cuModuleLoadData(module, fatbin.get())
                        : JCudaDriver.cuModuleLoadData(module, KernelImages.ptx(family));
                check(result, "loading kernel family " + family + " ("
                        + (fatbin.isPresent() ? "fatbin" : "PTX compute_75") + ") on " + context.deviceName()
                        + (result == jcuda.driver.CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION
                                ? "; the PTX needs CUDA 13 (driver R580 or newer)" : ""));
                modules.put(family, module);
                usedFatbin |= fatbin.isPresent();
            }
            for (Kernel kernel : Kernel.values()) {
                CUfunction function = new CUfunction();
                check(JCudaDriver.cuModuleGetFunction(function, modules.get(kernel.family()), kernel.entryPoint()),
                        "cuModuleGetFunction(" + kernel.entryPoint() + ")");
                functions.put(kernel, function);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.imageKind = usedFatbin ? "fatbin" : "PTX";
    }

    CUfunction function(Kernel kernel) {
        return functions.get(kernel);
    }

    /** {@code fatbin} or {@code PTX}: what was loaded, for the device's name. */
    String imageKind() {
        return imageKind;
    }

    @Override
    public void close() {
        for (CUmodule module : modules.values()) {
            JCudaDriver.cuModuleUnload(module);
        }
        modules.clear();
        functions.clear();
    }
}
