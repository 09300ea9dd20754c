// Internal state of the CUDA driver emulator shared by its translation units: the handle types
// behind CUcontext, CUmodule, CUfunction, CUstream and CUevent, the process-wide state (switches,
// primary contexts, allocations), the per-thread context stack, and the common entry checks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "device_runtime.h"
#include "driver_types.h"
#include "switches.h"

struct EmberContext {
    CUdevice device;
    bool primary;
    int primary_references;
    CUresult sticky_error;
};

struct EmberFunction {
    std::string name;
    ember_emulator::KernelInvoker invoker;
    std::vector<std::size_t> parameter_sizes;
    bool synchronizes;
};

struct EmberModule {
    std::vector<std::unique_ptr<EmberFunction>> functions;
};

struct EmberStream {
    CUcontext context;
};

// Kernels run to completion inside cuLaunchKernel, so work is complete in stream order the moment
// it is submitted: recording an event completes it at once, stamped with the host's clock.
struct EmberEvent {
    std::chrono::steady_clock::time_point recorded;
    bool has_recorded;
    bool timing_disabled;
};

namespace ember_emulator {

struct RegisteredKernel {
    KernelInvoker invoker;
    std::vector<std::size_t> parameter_sizes;
};

/** The kernel g++ compiled under this name, or nullptr. */
const RegisteredKernel* find_kernel(const std::string& name);

struct Allocation {
    std::size_t size;
    bool managed;
    CUcontext context;
};

struct State {
    std::mutex mutex;
    bool initialized = false;
    Switches switches;
    std::vector<std::unique_ptr<EmberContext>> primary_contexts;
    std::map<std::uintptr_t, Allocation> allocations;
    std::size_t allocated_bytes = 0;
};

State& state();

extern thread_local std::vector<CUcontext> context_stack;

CUcontext current_context();

/** Prints one diagnostic line on stderr, prefixed with the emulator's name. */
void report(const std::string& message);

/** Common entry checks: initialized, a current context, and no sticky error in it. */
CUresult check_context();

/** Initialized, and the device ordinal exists. */
CUresult check_device(CUdevice device);

/** The driver's name for a result code, or nullptr for codes the emulator does not know. */
const char* error_name(CUresult result);

}  // namespace ember_emulator
