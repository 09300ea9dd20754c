package dev.ember.device.cuda;

import jcuda.driver.CUresult;

/**
 * A CUDA driver call that did not return {@code CUDA_SUCCESS}, or a CUDA device that cannot be
 * used. The message names the call (and for launches the kernel and its configuration) and the
 * driver's error name.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int result;

    CudaException(String message, int result) {
        super(message);
        this.result = result;
    }

    CudaException(String message, Throwable cause) {
        super(message, cause);
        this.result = -1;
    }

    /** The driver's return code ({@code CUresult}), or -1 when no driver call failed. */
    public int result() {
        return result;
    }

    /** Throws when {@code result} is not {@code CUDA_SUCCESS}; {@code what} describes the call. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(what + " failed: " + errorName(result), result);
        }
    }

    /** The driver's name for a return code, such as {@code CUDA_ERROR_OUT_OF_MEMORY (2)}. */
    static String errorName(int result) {
        return CUresult.stringFor(result) + " (" + result + ")";
    }
}
