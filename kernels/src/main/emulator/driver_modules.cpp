// Module loading and kernel launches of the CUDA driver emulator: PTX in, the g++-compiled kernel
// of each .entry out (checked against the PTX's parameter sizes), launches run by scheduler.cpp.
#include <memory>
#include <string>
#include <vector>

#include "driver_state.h"
#include "ptx_module.h"
#include "scheduler.h"

using namespace ember_emulator;

namespace {

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
        const RegisteredKernel* registered = find_kernel(entry.name);
        if (registered == nullptr) {
            report("cuModuleLoadData: kernel " + entry.name
                   + " is in the PTX but not compiled into the emulator; rebuild the kernels module");
            return kInvalidImage;
        }
        if (registered->parameter_sizes != entry.parameter_sizes) {
            std::string sizes;
            for (std::size_t size : entry.parameter_sizes) {
                sizes += " " + std::to_string(size);
            }
            std::string host_sizes;
            for (std::size_t size : registered->parameter_sizes) {
                host_sizes += " " + std::to_string(size);
            }
            report("cuModuleLoadData: kernel " + entry.name + " takes parameters of bytes [" + sizes
                   + " ] in the PTX but [" + host_sizes
                   + " ] in the emulator's host build; the PTX and the build are out of step, rebuild both");
            return kInvalidImage;
        }
        auto function = std::make_unique<EmberFunction>();
        function->name = entry.name;
        function->invoker = registered->invoker;
        function->parameter_sizes = entry.parameter_sizes;
        function->synchronizes = entry.synchronizes;
        loaded->functions.push_back(std::move(function));
    }
    *module = loaded.release();
    return kSuccess;
}

}  // namespace

extern "C" {

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

}  // extern "C"
