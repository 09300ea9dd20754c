// The emulator's test switches, read from the environment once, at cuInit:
//   EMBER_EMULATOR_REVERSE_THREADS=1     run blocks and the threads of a block in reverse order
//   EMBER_EMULATOR_POISON=1              fill new allocations with 0xA5 instead of zeros
//   EMBER_EMULATOR_DEVICE_COUNT=n        report n devices (0: cuDeviceGetCount says none)
//   EMBER_EMULATOR_INIT_ERROR=code       make cuInit return this CUresult (100 = no device, ...)
//   EMBER_EMULATOR_FORCE_FIBERS=1        run every kernel's threads as fibers
//   EMBER_EMULATOR_COMPUTE_CAPABILITY=M.m  the compute capability reported (default 9.0)
//   EMBER_EMULATOR_DRIVER_VERSION=n      the driver version reported (default 13000 = CUDA 13.0)
//   EMBER_EMULATOR_MEMORY_BYTES=n        the device memory reported and enforced (default 8 GiB)
//   EMBER_EMULATOR_COHERENT_UNIFIED=1    report a GPU sharing coherent memory with the CPU through the host's
//                                        page tables (GB10, Grace Hopper) instead of a discrete card
#pragma once

#include <cstddef>

namespace ember_emulator {

struct Switches {
    bool reverse_threads = false;
    bool poison = false;
    int device_count = 1;
    int init_error = 0;
    bool force_fibers = false;
    int compute_major = 9;
    int compute_minor = 0;
    int driver_version = 13000;
    std::size_t memory_bytes = std::size_t{8} << 30;
    bool coherent_unified = false;
};

/** Reads the switches from the environment; called by cuInit. */
Switches read_switches();

}  // namespace ember_emulator
