package dev.ember.device.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * The arguments of one launch, in parameter order, with a name each for error messages. Built by
 * the primitives and checked by {@link KernelLauncher} against the kernel's parameter kinds.
 */
final class KernelArguments {

    private final List<Kernel.Parameter> kinds = new ArrayList<>();
    private final List<Pointer> values = new ArrayList<>();
    private final List<String> descriptions = new ArrayList<>();

    /** A device address; never 0. */
    KernelArguments address(String name, long address) {
        if (address == 0) {
            throw new IllegalArgumentException("kernel argument " + name + " is a null address");
        }
        kinds.add(Kernel.Parameter.ADDRESS);
        values.add(Pointer.to(new long[] {address}));
        descriptions.add(name + "=0x" + Long.toHexString(address));
        return this;
    }

    /** A 32-bit int. */
    KernelArguments integer(String name, int value) {
        kinds.add(Kernel.Parameter.INT);
        values.add(Pointer.to(new int[] {value}));
        descriptions.add(name + "=" + value);
        return this;
    }

    List<Kernel.Parameter> kinds() {
        return List.copyOf(kinds);
    }

    /** The {@code void**} that cuLaunchKernel takes. */
    Pointer toKernelParameters() {
        return Pointer.to(values.toArray(new Pointer[0]));
    }

    @Override
    public String toString() {
        return String.join(", ", descriptions);
    }
}
