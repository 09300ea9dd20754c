// Runs one kernel launch on the calling thread: blocks one after another; the threads of a block
// either one after another (kernels without barriers or warp operations) or as fibers that
// switch at every barrier and warp operation.
#pragma once

#include <cstddef>
#include <string>

#include "device_runtime.h"

namespace ember_emulator {

struct LaunchShape {
    ember_dim3 grid;
    ember_dim3 block;
    std::size_t dynamic_shared_bytes;
};

enum class LaunchOutcome {
    Completed,
    /** A thread called __trap: the GPU reports CUDA_ERROR_ASSERT. */
    Trapped,
    /** A full pass over the block's threads made no progress: CUDA_ERROR_LAUNCH_FAILED. */
    Deadlocked,
    /** A barrier or warp operation in a kernel run without fibers (its PTX showed none). */
    UnexpectedBarrier,
};

struct LaunchResult {
    LaunchOutcome outcome;
    /** What went wrong, for the emulator's diagnostic line; empty when completed. */
    std::string detail;
};

struct SchedulingOptions {
    bool use_fibers;
    bool reverse_order;
};

LaunchResult run_kernel(KernelInvoker invoker, void** arguments, const LaunchShape& shape,
                        const SchedulingOptions& options);

}  // namespace ember_emulator
