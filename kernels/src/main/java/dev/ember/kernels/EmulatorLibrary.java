package dev.ember.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Loads the CUDA driver emulator ({@code libcuda.so.1} built from {@code kernels/src/main/emulator})
 * into this JVM, so that JCuda's driver binding, which links against {@code libcuda.so.1}, runs on it.
 *
 * <p>Call {@link #load()} before JCuda's first use: the dynamic loader then reuses the already-loaded
 * soname instead of looking for the NVIDIA driver. Once loaded, the emulator serves every CUDA call
 * of the process; a JVM cannot use the emulator and a real GPU at the same time. Thread-safe.
 */
public final class EmulatorLibrary {

    private static final String LIBRARY_NAME = "libcuda.so.1";

    private static Path loadedFrom;

    private EmulatorLibrary() {}

    /** The resource path of the emulator for this machine, such as {@code .../linux-x86_64/libcuda.so.1}. */
    public static String resourcePath() {
        return "/dev/ember/kernels/emulator/" + platform() + "/" + LIBRARY_NAME;
    }

    /** Whether the jar holds an emulator for this machine (the build had g++ and ran on this platform). */
    public static boolean isPackaged() {
        return EmulatorLibrary.class.getResource(resourcePath()) != null;
    }

    /**
     * Extracts the emulator to a temporary file and loads it; later calls return the same path.
     *
     * @return where the library was loaded from
     * @throws IllegalStateException when the jar holds no emulator for this machine, saying why
     */
    public static synchronized Path load() {
        if (loadedFrom != null) {
            return loadedFrom;
        }
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new IllegalStateException("the CUDA driver emulator runs on Linux only, not on " + os);
        }
        Optional<byte[]> library = KernelImages.read(resourcePath());
        if (library.isEmpty()) {
            throw new IllegalStateException("the CUDA driver emulator is not in this build (no resource "
                    + resourcePath() + "): it is built only where g++ exists, for the build machine's "
                    + "platform; rebuild the kernels module with g++ on PATH, or use spark.ember.device=host");
        }
        try {
            Path folder = Files.createTempDirectory("ember-cuda-emulator");
            Path file = folder.resolve(LIBRARY_NAME);
            Files.write(file, library.get());
            file.toFile().deleteOnExit();
            folder.toFile().deleteOnExit();
            System.load(file.toAbsolutePath().toString());
            loadedFrom = file;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the CUDA driver emulator to a temporary file", e);
        }
    }

    /** Whether {@link #load()} has loaded the emulator into this JVM. */
    public static synchronized boolean isLoaded() {
        return loadedFrom != null;
    }

    static String platform() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> "linux-" + arch;
        };
    }
}
