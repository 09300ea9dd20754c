// The memory calls of the CUDA driver emulator: managed and device allocations (host memory,
// tracked so that pointer attributes and range checks work as on a GPU), copies, memsets, and
// prefetch/advice, which move nothing but check their range as the driver does.
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "driver_state.h"

using namespace ember_emulator;

namespace {

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

}  // namespace

extern "C" {

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

}  // extern "C"
