// The CUDA driver API calls Ember uses: initialization, devices, contexts, streams, events and
// error names (memory calls are in driver_memory.cpp, modules and launches in driver_modules.cpp).
// Every other cu* symbol JCuda imports is defined by the generated unsupported_calls.cpp and returns
// CUDA_ERROR_NOT_SUPPORTED.
//
// Model: one process-wide state guarded by a mutex; launches run synchronously on the calling
// thread, so streams and events order nothing and only report sticky errors. Device pointers are
// host addresses (unified addressing), so the CPU reads managed memory directly.
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

#include "driver_state.h"

using namespace ember_emulator;

extern "C" {

CUresult cuInit(unsigned int flags) {
    if (flags != 0) {
        return kInvalidValue;
    }
    State& emulator = state();
    std::lock_guard<std::mutex> lock(emulator.mutex);
    if (!emulator.initialized) {
        emulator.switches = read_switches();
    }
    if (emulator.switches.init_error != 0) {
        return emulator.switches.init_error;
    }
    if (!emulator.initialized) {
        for (int device = 0; device < emulator.switches.device_count; device++) {
            emulator.primary_contexts.push_back(
                    std::make_unique<EmberContext>(EmberContext{device, true, 0, kSuccess}));
        }
        emulator.initialized = true;
    }
    return kSuccess;
}

CUresult cuDriverGetVersion(int* version) {
    if (version == nullptr) {
        return kInvalidValue;
    }
    // Like the real driver, this works before cuInit.
    *version = state().initialized ? state().switches.driver_version : read_switches().driver_version;
    return kSuccess;
}

CUresult cuDeviceGetCount(int* count) {
    if (count == nullptr) {
        return kInvalidValue;
    }
    if (!state().initialized) {
        return kNotInitialized;
    }
    *count = state().switches.device_count;
    return kSuccess;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (device == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_device(ordinal);
    if (status == kSuccess) {
        *device = ordinal;
    }
    return status;
}

CUresult cuDeviceGetName(char* name, int length, CUdevice device) {
    if (name == nullptr || length <= 0) {
        return kInvalidValue;
    }
    CUresult status = check_device(device);
    if (status == kSuccess) {
        std::snprintf(name, static_cast<std::size_t>(length), "%s", state().switches.coherent_unified
                ? "Ember CUDA emulator (coherent unified memory)" : "Ember CUDA emulator");
    }
    return status;
}

CUresult cuDeviceTotalMem_v2(std::size_t* bytes, CUdevice device) {
    if (bytes == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_device(device);
    if (status == kSuccess) {
        *bytes = state().switches.memory_bytes;
    }
    return status;
}

CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice device) {
    if (major == nullptr || minor == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_device(device);
    if (status == kSuccess) {
        *major = state().switches.compute_major;
        *minor = state().switches.compute_minor;
    }
    return status;
}

CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice device) {
    if (value == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_device(device);
    if (status != kSuccess) {
        return status;
    }
    switch (attribute) {
        case kMaxThreadsPerBlock: *value = 1024; break;
        case kMaxBlockDimX: *value = 1024; break;
        case kMaxBlockDimY: *value = 1024; break;
        case kMaxBlockDimZ: *value = 64; break;
        case kMaxGridDimX: *value = 2147483647; break;
        case kMaxGridDimY: *value = 65535; break;
        case kMaxGridDimZ: *value = 65535; break;
        case kMaxSharedMemoryPerBlock: *value = static_cast<int>(kMaxSharedBytes); break;
        case kMaxSharedMemoryPerBlockOptin: *value = static_cast<int>(kMaxSharedBytes); break;
        case kTotalConstantMemory: *value = 65536; break;
        case kWarpSize: *value = 32; break;
        case kMaxRegistersPerBlock: *value = 65536; break;
        case kClockRate: *value = 1000000; break;
        case kMultiprocessorCount: *value = 2; break;
        // Reported like a discrete card, so that Ember's prefetch path runs under the emulator, unless
        // EMBER_EMULATOR_COHERENT_UNIFIED asks for a GB10 / Grace Hopper: not integrated, but the GPU
        // reads pageable memory through the host's page tables, coherently.
        case kIntegrated: *value = 0; break;
        case kUnifiedAddressing: *value = 1; break;
        case kComputeCapabilityMajor: *value = state().switches.compute_major; break;
        case kComputeCapabilityMinor: *value = state().switches.compute_minor; break;
        case kManagedMemory: *value = 1; break;
        case kConcurrentManagedAccess: *value = 1; break;
        case kPageableMemoryAccess: *value = state().switches.coherent_unified ? 1 : 0; break;
        case kPageableMemoryAccessUsesHostPageTables: *value = state().switches.coherent_unified ? 1 : 0; break;
        default: return kNotSupported;
    }
    return kSuccess;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device) {
    if (context == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_device(device);
    if (status != kSuccess) {
        return status;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    EmberContext* primary = state().primary_contexts[static_cast<std::size_t>(device)].get();
    primary->primary_references++;
    *context = primary;
    return kSuccess;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
    CUresult status = check_device(device);
    if (status != kSuccess) {
        return status;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    EmberContext* primary = state().primary_contexts[static_cast<std::size_t>(device)].get();
    if (primary->primary_references <= 0) {
        return kInvalidContext;
    }
    if (--primary->primary_references == 0) {
        primary->sticky_error = kSuccess;  // the context is destroyed; a later retain gets a fresh one
    }
    return kSuccess;
}

CUresult cuDevicePrimaryCtxReset_v2(CUdevice device) {
    CUresult status = check_device(device);
    if (status != kSuccess) {
        return status;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    state().primary_contexts[static_cast<std::size_t>(device)]->sticky_error = kSuccess;
    return kSuccess;
}

CUresult cuCtxCreate_v2(CUcontext* context, unsigned int flags, CUdevice device) {
    (void) flags;
    if (context == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_device(device);
    if (status != kSuccess) {
        return status;
    }
    *context = new EmberContext{device, false, 0, kSuccess};
    context_stack.push_back(*context);
    return kSuccess;
}

CUresult cuCtxDestroy_v2(CUcontext context) {
    if (context == nullptr || context->primary) {
        return kInvalidContext;
    }
    for (auto it = context_stack.begin(); it != context_stack.end();) {
        it = *it == context ? context_stack.erase(it) : it + 1;
    }
    delete context;
    return kSuccess;
}

CUresult cuCtxSetCurrent(CUcontext context) {
    if (!state().initialized) {
        return kNotInitialized;
    }
    if (context_stack.empty()) {
        if (context != nullptr) {
            context_stack.push_back(context);
        }
    } else if (context == nullptr) {
        context_stack.pop_back();
    } else {
        context_stack.back() = context;
    }
    return kSuccess;
}

CUresult cuCtxGetCurrent(CUcontext* context) {
    if (context == nullptr) {
        return kInvalidValue;
    }
    if (!state().initialized) {
        return kNotInitialized;
    }
    *context = current_context();
    return kSuccess;
}

CUresult cuCtxPushCurrent_v2(CUcontext context) {
    if (context == nullptr) {
        return kInvalidValue;
    }
    context_stack.push_back(context);
    return kSuccess;
}

CUresult cuCtxPopCurrent_v2(CUcontext* context) {
    if (context_stack.empty()) {
        return kInvalidContext;
    }
    if (context != nullptr) {
        *context = context_stack.back();
    }
    context_stack.pop_back();
    return kSuccess;
}

CUresult cuCtxGetDevice(CUdevice* device) {
    if (device == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_context();
    if (status == kSuccess || status == kAssert || status == kLaunchFailed) {
        if (current_context() == nullptr) {
            return kInvalidContext;
        }
        *device = current_context()->device;
        return kSuccess;
    }
    return status;
}

CUresult cuCtxSynchronize() {
    return check_context();
}


CUresult cuStreamCreate(CUstream* stream, unsigned int flags) {
    (void) flags;
    if (stream == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_context();
    if (status != kSuccess) {
        return status;
    }
    *stream = new EmberStream{current_context()};
    return kSuccess;
}

CUresult cuStreamCreateWithPriority(CUstream* stream, unsigned int flags, int priority) {
    (void) priority;
    return cuStreamCreate(stream, flags);
}

CUresult cuStreamDestroy_v2(CUstream stream) {
    if (stream == nullptr) {
        return kInvalidHandle;
    }
    delete stream;
    return kSuccess;
}

CUresult cuStreamSynchronize(CUstream stream) {
    if (stream != nullptr) {
        return stream->context->sticky_error;
    }
    return check_context();
}

CUresult cuStreamQuery(CUstream stream) {
    return cuStreamSynchronize(stream);
}

CUresult cuEventCreate(CUevent* event, unsigned int flags) {
    if (event == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_context();
    if (status == kSuccess) {
        *event = new EmberEvent{std::chrono::steady_clock::now(), false, (flags & kEventDisableTiming) != 0};
    }
    return status;
}

CUresult cuEventRecord(CUevent event, CUstream stream) {
    (void) stream;
    if (event == nullptr) {
        return kInvalidHandle;
    }
    CUresult status = check_context();
    if (status == kSuccess) {
        // the stream's earlier work has completed already (see EmberEvent)
        event->recorded = std::chrono::steady_clock::now();
        event->has_recorded = true;
    }
    return status;
}

CUresult cuEventRecordWithFlags(CUevent event, CUstream stream, unsigned int flags) {
    (void) flags;
    return cuEventRecord(event, stream);
}

CUresult cuEventSynchronize(CUevent event) {
    return event == nullptr ? kInvalidHandle : check_context();
}

CUresult cuEventQuery(CUevent event) {
    return event == nullptr ? kInvalidHandle : check_context();
}

CUresult cuEventElapsedTime(float* milliseconds, CUevent start, CUevent end) {
    if (milliseconds == nullptr) {
        return kInvalidValue;
    }
    if (start == nullptr || end == nullptr) {
        return kInvalidHandle;
    }
    // as the driver: an event never recorded, or created without timing, has no time to give
    if (!start->has_recorded || !end->has_recorded || start->timing_disabled || end->timing_disabled) {
        return kInvalidHandle;
    }
    CUresult status = check_context();
    if (status == kSuccess) {
        *milliseconds = std::chrono::duration<float, std::milli>(end->recorded - start->recorded).count();
    }
    return status;
}

CUresult cuEventDestroy_v2(CUevent event) {
    if (event == nullptr) {
        return kInvalidHandle;
    }
    delete event;
    return kSuccess;
}

CUresult cuGetErrorName(CUresult error, const char** name) {
    if (name == nullptr) {
        return kInvalidValue;
    }
    *name = error_name(error);
    return *name == nullptr ? kInvalidValue : kSuccess;
}

CUresult cuGetErrorString(CUresult error, const char** text) {
    return cuGetErrorName(error, text);
}

}  // extern "C"
