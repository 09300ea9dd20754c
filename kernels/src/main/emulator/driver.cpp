// The CUDA driver API calls Ember uses, implemented over host memory and the scheduler. Every
// other cu* symbol JCuda imports is defined by the generated unsupported_calls.cpp and returns
// CUDA_ERROR_NOT_SUPPORTED.
//
// Model: one process-wide state guarded by a mutex; launches run synchronously on the calling
// thread, so streams and events only order nothing and report sticky errors. Device pointers are
// host addresses (unified addressing), so the CPU reads managed memory directly.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "driver_types.h"
#include "ptx_module.h"
#include "scheduler.h"
#include "switches.h"

using namespace ember_emulator;

struct EmberContext {
    CUdevice device;
    bool primary;
    int primary_references;
    CUresult sticky_error;
};

struct EmberFunction {
    std::string name;
    KernelInvoker invoker;
    std::vector<std::size_t> parameter_sizes;
    bool synchronizes;
};

struct EmberModule {
    std::vector<std::unique_ptr<EmberFunction>> functions;
};

struct EmberStream {
    CUcontext context;
};

struct EmberEvent {
    std::chrono::steady_clock::time_point recorded;
    bool has_recorded;
};

namespace ember_emulator {

namespace {

struct RegisteredKernel {
    KernelInvoker invoker;
    std::vector<std::size_t> parameter_sizes;
};

std::unordered_map<std::string, RegisteredKernel>& kernel_registry() {
    static std::unordered_map<std::string, RegisteredKernel> registry;
    return registry;
}

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

State& state() {
    static State instance;
    return instance;
}

thread_local std::vector<CUcontext> context_stack;

CUcontext current_context() {
    return context_stack.empty() ? nullptr : context_stack.back();
}

void report(const std::string& message) {
    std::fprintf(stderr, "ember CUDA emulator: %s\n", message.c_str());
    std::fflush(stderr);
}

// Common entry checks: initialized, a current context, and no sticky error in it.
CUresult check_context() {
    if (!state().initialized) {
        return kNotInitialized;
    }
    CUcontext context = current_context();
    if (context == nullptr) {
        return kInvalidContext;
    }
    return context->sticky_error;
}

CUresult check_device(CUdevice device) {
    if (!state().initialized) {
        return kNotInitialized;
    }
    return device >= 0 && device < state().switches.device_count ? kSuccess : kInvalidDevice;
}

// The allocation holding [address, address + bytes), or nullptr.
const std::pair<const std::uintptr_t, Allocation>* find_allocation(std::uintptr_t address, std::size_t bytes) {
    auto& allocations = state().allocations;
    auto found = allocations.upper_bound(address);
    if (found == allocations.begin()) {
        return nullptr;
    }
    --found;
    if (address < found->first || address + bytes > found->first + found->second.size
        || (bytes == 0 && address >= found->first + found->second.size && found->second.size != 0)) {
        return nullptr;
    }
    return &*found;
}

CUresult allocate(CUdeviceptr* pointer, std::size_t bytes, bool managed) {
    if (pointer == nullptr || bytes == 0) {
        return kInvalidValue;
    }
    CUresult status = check_context();
    if (status != kSuccess) {
        return status;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    if (bytes > state().switches.memory_bytes - state().allocated_bytes) {
        return kOutOfMemory;
    }
    const std::size_t rounded = (bytes + 255) / 256 * 256;
    void* memory = std::aligned_alloc(256, rounded);
    if (memory == nullptr) {
        return kOutOfMemory;
    }
    std::memset(memory, state().switches.poison ? 0xa5 : 0, rounded);
    state().allocations[reinterpret_cast<std::uintptr_t>(memory)] = Allocation{bytes, managed, current_context()};
    state().allocated_bytes += bytes;
    *pointer = reinterpret_cast<CUdeviceptr>(memory);
    return kSuccess;
}

CUresult release(CUdeviceptr pointer) {
    if (!state().initialized) {
        return kNotInitialized;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    auto found = state().allocations.find(static_cast<std::uintptr_t>(pointer));
    if (found == state().allocations.end()) {
        return kInvalidValue;
    }
    state().allocated_bytes -= found->second.size;
    state().allocations.erase(found);
    std::free(reinterpret_cast<void*>(pointer));
    return kSuccess;
}

CUresult copy(void* target, const void* source, std::size_t bytes) {
    CUresult status = check_context();
    if (status != kSuccess) {
        return status;
    }
    if (bytes != 0 && (target == nullptr || source == nullptr)) {
        return kInvalidValue;
    }
    std::memmove(target, source, bytes);
    return kSuccess;
}

CUresult load_module(CUmodule* module, const void* image) {
    if (module == nullptr || image == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_context();
    if (status != kSuccess) {
        return status;
    }
    const auto* bytes = static_cast<const unsigned char*>(image);
    if ((bytes[0] == 0x7f && bytes[1] == 'E') || (bytes[0] == 0x50 && bytes[1] == 0xed && bytes[2] == 0x55)) {
        report("cuModuleLoadData: the image is a cubin or fatbin; the emulator runs PTX text only");
        return kNoBinaryForGpu;
    }
    std::vector<PtxEntry> entries;
    std::string error;
    if (!parse_ptx(static_cast<const char*>(image), entries, error)) {
        report("cuModuleLoadData: " + error);
        return kInvalidPtx;
    }
    auto loaded = std::make_unique<EmberModule>();
    for (const PtxEntry& entry : entries) {
        auto registered = kernel_registry().find(entry.name);
        if (registered == kernel_registry().end()) {
            report("cuModuleLoadData: kernel " + entry.name
                   + " is in the PTX but not compiled into the emulator; rebuild the kernels module");
            return kInvalidImage;
        }
        if (registered->second.parameter_sizes != entry.parameter_sizes) {
            std::string sizes;
            for (std::size_t size : entry.parameter_sizes) {
                sizes += " " + std::to_string(size);
            }
            std::string host_sizes;
            for (std::size_t size : registered->second.parameter_sizes) {
                host_sizes += " " + std::to_string(size);
            }
            report("cuModuleLoadData: kernel " + entry.name + " takes parameters of bytes [" + sizes
                   + " ] in the PTX but [" + host_sizes
                   + " ] in the emulator's host build; the PTX and the build are out of step, rebuild both");
            return kInvalidImage;
        }
        auto function = std::make_unique<EmberFunction>();
        function->name = entry.name;
        function->invoker = registered->second.invoker;
        function->parameter_sizes = entry.parameter_sizes;
        function->synchronizes = entry.synchronizes;
        loaded->functions.push_back(std::move(function));
    }
    *module = loaded.release();
    return kSuccess;
}

const char* error_name(CUresult result) {
    switch (result) {
        case kSuccess: return "CUDA_SUCCESS";
        case kInvalidValue: return "CUDA_ERROR_INVALID_VALUE";
        case kOutOfMemory: return "CUDA_ERROR_OUT_OF_MEMORY";
        case kNotInitialized: return "CUDA_ERROR_NOT_INITIALIZED";
        case kNoDevice: return "CUDA_ERROR_NO_DEVICE";
        case kInvalidDevice: return "CUDA_ERROR_INVALID_DEVICE";
        case kInvalidImage: return "CUDA_ERROR_INVALID_IMAGE";
        case kInvalidContext: return "CUDA_ERROR_INVALID_CONTEXT";
        case kNoBinaryForGpu: return "CUDA_ERROR_NO_BINARY_FOR_GPU";
        case kInvalidPtx: return "CUDA_ERROR_INVALID_PTX";
        case kInvalidHandle: return "CUDA_ERROR_INVALID_HANDLE";
        case kNotFound: return "CUDA_ERROR_NOT_FOUND";
        case kNotReady: return "CUDA_ERROR_NOT_READY";
        case kLaunchOutOfResources: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
        case kAssert: return "CUDA_ERROR_ASSERT";
        case kLaunchFailed: return "CUDA_ERROR_LAUNCH_FAILED";
        case kNotSupported: return "CUDA_ERROR_NOT_SUPPORTED";
        case kUnknown: return "CUDA_ERROR_UNKNOWN";
        default: return nullptr;
    }
}

}  // namespace

void register_kernel(const char* name, KernelInvoker invoker, const std::size_t* parameter_sizes,
                     std::size_t parameter_count) {
    kernel_registry()[name] = RegisteredKernel{
            invoker, std::vector<std::size_t>(parameter_sizes, parameter_sizes + parameter_count)};
}

}  // namespace ember_emulator

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
        std::snprintf(name, static_cast<std::size_t>(length), "Ember CUDA emulator");
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
        // Reported like a discrete card, so that Ember's prefetch path runs under the emulator.
        case kIntegrated: *value = 0; break;
        case kUnifiedAddressing: *value = 1; break;
        case kComputeCapabilityMajor: *value = state().switches.compute_major; break;
        case kComputeCapabilityMinor: *value = state().switches.compute_minor; break;
        case kManagedMemory: *value = 1; break;
        case kConcurrentManagedAccess: *value = 1; break;
        case kPageableMemoryAccess: *value = 0; break;
        case kPageableMemoryAccessUsesHostPageTables: *value = 0; break;
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

CUresult cuMemGetInfo_v2(std::size_t* free_bytes, std::size_t* total_bytes) {
    if (free_bytes == nullptr || total_bytes == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_context();
    if (status != kSuccess) {
        return status;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    *total_bytes = state().switches.memory_bytes;
    *free_bytes = state().switches.memory_bytes - state().allocated_bytes;
    return kSuccess;
}

CUresult cuMemAllocManaged(CUdeviceptr* pointer, std::size_t bytes, unsigned int flags) {
    // CU_MEM_ATTACH_GLOBAL = 1, CU_MEM_ATTACH_HOST = 2
    if (flags != 1 && flags != 2) {
        return kInvalidValue;
    }
    return allocate(pointer, bytes, true);
}

CUresult cuMemAlloc_v2(CUdeviceptr* pointer, std::size_t bytes) {
    return allocate(pointer, bytes, false);
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
    return release(pointer);
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr target, const void* source, std::size_t bytes) {
    return copy(reinterpret_cast<void*>(target), source, bytes);
}

CUresult cuMemcpyDtoH_v2(void* target, CUdeviceptr source, std::size_t bytes) {
    return copy(target, reinterpret_cast<const void*>(source), bytes);
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr target, CUdeviceptr source, std::size_t bytes) {
    return copy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(source), bytes);
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr target, const void* source, std::size_t bytes, CUstream stream) {
    (void) stream;
    return copy(reinterpret_cast<void*>(target), source, bytes);
}

CUresult cuMemcpyDtoHAsync_v2(void* target, CUdeviceptr source, std::size_t bytes, CUstream stream) {
    (void) stream;
    return copy(target, reinterpret_cast<const void*>(source), bytes);
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr target, CUdeviceptr source, std::size_t bytes, CUstream stream) {
    (void) stream;
    return copy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(source), bytes);
}

CUresult cuMemcpy(CUdeviceptr target, CUdeviceptr source, std::size_t bytes) {
    return copy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(source), bytes);
}

CUresult cuMemcpyAsync(CUdeviceptr target, CUdeviceptr source, std::size_t bytes, CUstream stream) {
    (void) stream;
    return copy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(source), bytes);
}

CUresult cuMemsetD8_v2(CUdeviceptr target, unsigned char value, std::size_t count) {
    CUresult status = check_context();
    if (status == kSuccess && count != 0) {
        std::memset(reinterpret_cast<void*>(target), value, count);
    }
    return status;
}

CUresult cuMemsetD8Async(CUdeviceptr target, unsigned char value, std::size_t count, CUstream stream) {
    (void) stream;
    return cuMemsetD8_v2(target, value, count);
}

CUresult cuMemsetD32_v2(CUdeviceptr target, unsigned int value, std::size_t count) {
    CUresult status = check_context();
    if (status == kSuccess) {
        auto* words = reinterpret_cast<unsigned int*>(target);
        for (std::size_t i = 0; i < count; i++) {
            words[i] = value;
        }
    }
    return status;
}

CUresult cuMemsetD32Async(CUdeviceptr target, unsigned int value, std::size_t count, CUstream stream) {
    (void) stream;
    return cuMemsetD32_v2(target, value, count);
}

// Prefetching and advice move nothing here, but they check, as the driver does, that the range is
// managed memory and the device exists.
CUresult cuMemPrefetchAsync(CUdeviceptr pointer, std::size_t bytes, CUdevice device, CUstream stream) {
    (void) stream;
    CUresult status = check_context();
    if (status != kSuccess) {
        return status;
    }
    if (device != kDeviceCpu && check_device(device) != kSuccess) {
        return kInvalidDevice;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    const auto* allocation = find_allocation(static_cast<std::uintptr_t>(pointer), bytes);
    return allocation != nullptr && allocation->second.managed ? kSuccess : kInvalidValue;
}

CUresult cuMemAdvise(CUdeviceptr pointer, std::size_t bytes, int advice, CUdevice device) {
    (void) advice;
    return cuMemPrefetchAsync(pointer, bytes, device, nullptr);
}

CUresult cuPointerGetAttribute(void* data, int attribute, CUdeviceptr pointer) {
    if (data == nullptr) {
        return kInvalidValue;
    }
    if (!state().initialized) {
        return kNotInitialized;
    }
    std::lock_guard<std::mutex> lock(state().mutex);
    const auto* found = find_allocation(static_cast<std::uintptr_t>(pointer), 0);
    if (found == nullptr) {
        return kInvalidValue;  // what the driver says of memory it did not allocate
    }
    const Allocation& allocation = found->second;
    switch (attribute) {
        case kPointerContext: *static_cast<CUcontext*>(data) = allocation.context; break;
        case kPointerMemoryType: *static_cast<unsigned*>(data) = kMemoryTypeDevice; break;
        case kPointerDevicePointer:
        case kPointerHostPointer: *static_cast<CUdeviceptr*>(data) = pointer; break;
        case kPointerIsManaged: *static_cast<unsigned*>(data) = allocation.managed ? 1u : 0u; break;
        case kPointerDeviceOrdinal: *static_cast<int*>(data) = allocation.context->device; break;
        case kPointerRangeStart: *static_cast<CUdeviceptr*>(data) = found->first; break;
        case kPointerRangeSize: *static_cast<std::size_t*>(data) = allocation.size; break;
        default: return kNotSupported;
    }
    return kSuccess;
}

CUresult cuModuleLoadData(CUmodule* module, const void* image) {
    return load_module(module, image);
}

CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int option_count, void* options,
                            void** option_values) {
    (void) option_count;
    (void) options;
    (void) option_values;
    return load_module(module, image);
}

CUresult cuModuleUnload(CUmodule module) {
    if (module == nullptr) {
        return kInvalidHandle;
    }
    delete module;
    return kSuccess;
}

CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name) {
    if (function == nullptr || name == nullptr) {
        return kInvalidValue;
    }
    if (module == nullptr) {
        return kInvalidHandle;
    }
    for (const auto& candidate : module->functions) {
        if (candidate->name == name) {
            *function = candidate.get();
            return kSuccess;
        }
    }
    return kNotFound;
}

CUresult cuFuncGetAttribute(int* value, int attribute, CUfunction function) {
    if (value == nullptr || function == nullptr) {
        return kInvalidValue;
    }
    // CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0, CU_FUNC_ATTRIBUTE_NUM_REGS = 4
    *value = attribute == 0 ? 1024 : 0;
    return kSuccess;
}

CUresult cuLaunchKernel(CUfunction function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
                        unsigned block_y, unsigned block_z, unsigned shared_bytes, CUstream stream,
                        void** parameters, void** extra) {
    (void) stream;
    CUresult status = check_context();
    if (status != kSuccess) {
        return status;
    }
    if (function == nullptr) {
        return kInvalidHandle;
    }
    if (extra != nullptr) {
        report("cuLaunchKernel: the 'extra' argument form is not supported; pass kernelParams");
        return kNotSupported;
    }
    const unsigned long long threads = static_cast<unsigned long long>(block_x) * block_y * block_z;
    if (grid_x == 0 || grid_y == 0 || grid_z == 0 || block_x == 0 || block_y == 0 || block_z == 0
        || grid_x > 2147483647u || grid_y > 65535 || grid_z > 65535 || block_x > 1024 || block_y > 1024
        || block_z > 64 || threads > 1024 || shared_bytes > kMaxSharedBytes
        || (parameters == nullptr && !function->parameter_sizes.empty())) {
        return kInvalidValue;
    }
    const bool fibers = function->synchronizes || state().switches.force_fibers;
    LaunchShape shape{ember_dim3{grid_x, grid_y, grid_z}, ember_dim3{block_x, block_y, block_z}, shared_bytes};
    LaunchResult result = run_kernel(function->invoker, parameters, shape,
                                     SchedulingOptions{fibers, state().switches.reverse_threads});
    if (result.outcome == LaunchOutcome::Completed) {
        return kSuccess;
    }
    const CUresult error = result.outcome == LaunchOutcome::Trapped ? kAssert : kLaunchFailed;
    report("kernel " + function->name + " grid (" + std::to_string(grid_x) + "," + std::to_string(grid_y) + ","
           + std::to_string(grid_z) + ") block (" + std::to_string(block_x) + "," + std::to_string(block_y) + ","
           + std::to_string(block_z) + "): " + result.detail + "; the context is now unusable ("
           + error_name(error) + ")");
    current_context()->sticky_error = error;
    return error;
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
    (void) flags;
    if (event == nullptr) {
        return kInvalidValue;
    }
    CUresult status = check_context();
    if (status == kSuccess) {
        *event = new EmberEvent{std::chrono::steady_clock::now(), false};
    }
    return status;
}

CUresult cuEventRecord(CUevent event, CUstream stream) {
    (void) stream;
    if (event == nullptr) {
        return kInvalidHandle;
    }
    event->recorded = std::chrono::steady_clock::now();
    event->has_recorded = true;
    return check_context();
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
    if (milliseconds == nullptr || start == nullptr || end == nullptr) {
        return kInvalidValue;
    }
    if (!start->has_recorded || !end->has_recorded) {
        return kNotReady;
    }
    *milliseconds = std::chrono::duration<float, std::milli>(end->recorded - start->recorded).count();
    return kSuccess;
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
