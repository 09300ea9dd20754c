// The subset of the CUDA driver API's types and constants the emulator implements, declared here
// so the emulator builds with g++ alone (no CUDA toolkit). Values match cuda.h.
#pragma once

#include <cstddef>

extern "C" {

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct EmberContext* CUcontext;
typedef struct EmberModule* CUmodule;
typedef struct EmberFunction* CUfunction;
typedef struct EmberStream* CUstream;
typedef struct EmberEvent* CUevent;

}

namespace ember_emulator {

enum Result : CUresult {
    kSuccess = 0,
    kInvalidValue = 1,
    kOutOfMemory = 2,
    kNotInitialized = 3,
    kNoDevice = 100,
    kInvalidDevice = 101,
    kInvalidImage = 200,
    kInvalidContext = 201,
    kNoBinaryForGpu = 209,
    kInvalidPtx = 218,
    kInvalidHandle = 400,
    kNotFound = 500,
    kNotReady = 600,
    kLaunchOutOfResources = 701,
    kAssert = 710,
    kLaunchFailed = 719,
    kNotSupported = 801,
    kUnknown = 999,
};

enum DeviceAttribute {
    kMaxThreadsPerBlock = 1,
    kMaxBlockDimX = 2,
    kMaxBlockDimY = 3,
    kMaxBlockDimZ = 4,
    kMaxGridDimX = 5,
    kMaxGridDimY = 6,
    kMaxGridDimZ = 7,
    kMaxSharedMemoryPerBlock = 8,
    kTotalConstantMemory = 9,
    kWarpSize = 10,
    kMaxRegistersPerBlock = 12,
    kClockRate = 13,
    kMultiprocessorCount = 16,
    kIntegrated = 18,
    kUnifiedAddressing = 41,
    kComputeCapabilityMajor = 75,
    kComputeCapabilityMinor = 76,
    kManagedMemory = 83,
    kPageableMemoryAccess = 88,
    kConcurrentManagedAccess = 89,
    kMaxSharedMemoryPerBlockOptin = 97,
    kPageableMemoryAccessUsesHostPageTables = 100,
};

enum PointerAttribute {
    kPointerContext = 1,
    kPointerMemoryType = 2,
    kPointerDevicePointer = 3,
    kPointerHostPointer = 4,
    kPointerIsManaged = 8,
    kPointerDeviceOrdinal = 9,
    kPointerRangeStart = 11,
    kPointerRangeSize = 12,
};

constexpr unsigned kMemoryTypeHost = 1;
constexpr unsigned kMemoryTypeDevice = 2;
constexpr int kDeviceCpu = -1;
constexpr unsigned kEventDisableTiming = 0x2;  // CU_EVENT_DISABLE_TIMING
constexpr std::size_t kMaxSharedBytes = 48 * 1024;

}  // namespace ember_emulator
