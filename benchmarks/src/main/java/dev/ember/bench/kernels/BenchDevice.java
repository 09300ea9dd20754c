package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.kernels.KernelBenchOptions.DeviceKind;
import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.device.Primitive;
import dev.ember.device.cuda.CudaDevice;
import dev.ember.device.cuda.CudaDevices;
import dev.ember.device.cuda.CudaInventory;
import dev.ember.device.cuda.CudaInventory.DeviceInfo;
import dev.ember.device.host.HostDevice;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.arrow.memory.RootAllocator;

/**
 * The device {@code bin/ember bench kernels} measures, with the root allocator its inputs come from and
 * what the driver says about it. A CUDA device (GPU or emulator) opens as {@code ember doctor} opens it:
 * {@link CudaDevices#probe}, {@link CudaInventory#read}, {@link CudaDevices#open} with an executor's default
 * settings ({@link CudaDevices.Settings#of(boolean, int, EmberConf)}), and a root allocator of its managed
 * memory ({@link CudaDevices.Opened#newRootAllocator()}).
 *
 * <p>Owns the device and the allocator; {@link #close} closes the allocator first and fails, naming what
 * is still open, when a buffer leaked. The JVM stays bound to the driver it opened.
 *
 * @param device the device measured
 * @param root every input and output buffer comes from a child of it
 * @param name the driver's device name ({@code NVIDIA H100 80GB HBM3}) or {@code host}
 * @param computeCapability such as {@code 9.0}; empty on the host
 * @param peakBytesPerSecond the peak memory bandwidth from the driver's attributes; empty when unknown
 */
record BenchDevice(Device device, RootAllocator root, String name, Optional<String> computeCapability,
    OptionalDouble peakBytesPerSecond) implements AutoCloseable {

  /** The device was not usable; the message says why and what to run instead. */
  static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  BenchDevice {
    requireNonNull(device, "device is null");
    requireNonNull(root, "root is null");
    requireNonNull(name, "name is null");
    requireNonNull(computeCapability, "computeCapability is null");
    requireNonNull(peakBytesPerSecond, "peakBytesPerSecond is null");
  }

  /**
   * Opens device 0 of {@code kind}.
   *
   * @throws Unavailable when CUDA (or the emulator) cannot be used here, saying why and what to do
   */
  static BenchDevice open(DeviceKind kind) {
    return switch (kind) {
      case HOST -> new BenchDevice(new HostDevice(), new RootAllocator(), "host", Optional.empty(),
          OptionalDouble.empty());
      case CUDA, EMULATOR -> openCuda(kind == DeviceKind.EMULATOR);
    };
  }

  private static BenchDevice openCuda(boolean emulator) {
    Optional<String> whyNot = CudaDevices.probe(emulator);
    if (whyNot.isPresent()) {
      String reason = CudaDevices.shortReason(whyNot.get());
      throw new Unavailable(emulator
          ? "the CUDA driver emulator cannot be used: " + reason + "; run with --device host, or build the kernels"
              + " module with g++ on the PATH"
          : "no CUDA device: " + reason + ". Run with --device emulator to check the kernels' correctness on the"
              + " CPU, or --device host to measure the host device");
    }
    CudaInventory.Inventory inventory = CudaInventory.read(emulator);
    if (inventory.devices().isEmpty()) {
      throw new Unavailable("the driver lists no readable device: " + String.join("; ", inventory.deviceFailures()));
    }
    DeviceInfo info = inventory.devices().get(0);
    CudaDevices.Opened opened = CudaDevices.open(
        CudaDevices.Settings.of(emulator, 0, EmberConf.of(key -> Optional.empty())));
    try {
      return new BenchDevice(opened.device(), opened.newRootAllocator(), info.name(),
          Optional.of(info.computeMajor() + "." + info.computeMinor()), info.peakMemoryBytesPerSecond());
    } catch (RuntimeException e) {
      opened.device().close();
      throw e;
    }
  }

  /** How many calls of {@code primitive} a CUDA device ran on the host instead of as kernels; 0 on the host. */
  long hostCalls(Primitive primitive) {
    return device instanceof CudaDevice cuda ? cuda.hostCalls().getOrDefault(primitive, 0L) : 0L;
  }

  /**
   * Closes the allocator, then the device.
   *
   * @throws IllegalStateException when a buffer is still open: Arrow's message names the allocator (the
   *     primitive's) and the bytes
   */
  @Override
  public void close() {
    try {
      root.close();
    } finally {
      device.close();
    }
  }
}
