#include "driver_state.h"

#include <cstdio>
#include <unordered_map>

namespace ember_emulator {

namespace {

std::unordered_map<std::string, RegisteredKernel>& kernel_registry() {
    static std::unordered_map<std::string, RegisteredKernel> registry;
    return registry;
}

}  // namespace

const RegisteredKernel* find_kernel(const std::string& name) {
    auto found = kernel_registry().find(name);
    return found == kernel_registry().end() ? nullptr : &found->second;
}

void register_kernel(const char* name, KernelInvoker invoker, const std::size_t* parameter_sizes,
                     std::size_t parameter_count) {
    kernel_registry()[name] = RegisteredKernel{
            invoker, std::vector<std::size_t>(parameter_sizes, parameter_sizes + parameter_count)};
}

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

}  // namespace ember_emulator
