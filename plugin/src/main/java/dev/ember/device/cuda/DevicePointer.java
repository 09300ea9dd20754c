package dev.ember.device.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A {@link CUdeviceptr} whose address Java can read: JCuda keeps it in a protected field. Used for
 * the memory Ember allocates, whose address Arrow needs.
 */
final class DevicePointer extends CUdeviceptr {

    /** The device (and, for managed memory, host) address this pointer holds. */
    long address() {
        return getNativePointer();
    }

    /** A pointer to an address Java already knows, such as an Arrow buffer's. */
    static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }
}
