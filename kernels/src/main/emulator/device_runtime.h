// What a kernel source sees when g++ compiles it into the CUDA driver emulator: the CUDA C
// built-ins (thread and block indices, barriers, warp shuffles and votes, atomics, bit tricks)
// implemented on the CPU, and EMBER_REGISTER_KERNEL, which makes an extern "C" kernel callable
// from cuLaunchKernel with the void** argument array the driver API passes.
//
// Threads of a block run on one OS thread, one after another or as fibers (see scheduler.h), so
// __shared__ variables are thread_local and block-wide state needs no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

struct ember_dim3 {
    unsigned x;
    unsigned y;
    unsigned z;
};

namespace ember_emulator {

extern thread_local ember_dim3 current_thread_index;
extern thread_local ember_dim3 current_block_index;
extern thread_local ember_dim3 current_block_dim;
extern thread_local ember_dim3 current_grid_dim;

enum class WarpOperation { Sync, ShuffleIndex, ShuffleUp, ShuffleDown, ShuffleXor, Ballot };

void block_barrier();
std::uint64_t warp_exchange(WarpOperation operation, unsigned mask, std::uint64_t value, int parameter,
                            int width);
[[noreturn]] void trap();
void* dynamic_shared_memory();

using KernelInvoker = void (*)(void** arguments);

/** Adds a kernel to the registry that module loading looks names up in; called at load time. */
void register_kernel(const char* name, KernelInvoker invoker, const std::size_t* parameter_sizes,
                     std::size_t parameter_count);

template <auto Kernel, typename Signature = decltype(Kernel)>
struct KernelThunk;

template <auto Kernel, typename... Parameters>
struct KernelThunk<Kernel, void (*)(Parameters...)> {
    static constexpr std::size_t parameter_sizes[] = {sizeof(Parameters)..., 0};

    static void invoke(void** arguments) {
        invoke_with(arguments, std::index_sequence_for<Parameters...>{});
    }

    template <std::size_t... Index>
    static void invoke_with(void** arguments, std::index_sequence<Index...>) {
        Kernel(*static_cast<std::remove_cv_t<std::remove_reference_t<Parameters>>*>(arguments[Index])...);
    }
};

struct KernelRegistration {
    template <auto Kernel, typename... Parameters>
    static bool add(const char* name, void (*)(Parameters...)) {
        register_kernel(name, &KernelThunk<Kernel>::invoke, KernelThunk<Kernel>::parameter_sizes,
                        sizeof...(Parameters));
        return true;
    }
};

template <typename T>
inline std::uint64_t to_bits(T value) {
    static_assert(sizeof(T) <= 8, "warp exchanges carry at most 8 bytes");
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    return bits;
}

template <typename T>
inline T from_bits(std::uint64_t bits) {
    T value;
    std::memcpy(&value, &bits, sizeof(T));
    return value;
}

template <typename T>
struct Identity {
    using Type = T;
};

}  // namespace ember_emulator

#define EMBER_REGISTER_KERNEL(name)                                                      \
    static const bool ember_registered_##name =                                          \
            ::ember_emulator::KernelRegistration::add<&name>(#name, &name);

#define EMBER_DYNAMIC_SHARED(type, name) \
    type* name = reinterpret_cast<type*>(::ember_emulator::dynamic_shared_memory())

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __restrict__ __restrict
#define __align__(n) alignas(n)
#define __shared__ static thread_local
#define __constant__ static

#define threadIdx (::ember_emulator::current_thread_index)
#define blockIdx (::ember_emulator::current_block_index)
#define blockDim (::ember_emulator::current_block_dim)
#define gridDim (::ember_emulator::current_grid_dim)
#define warpSize 32

inline void __syncthreads() {
    ::ember_emulator::block_barrier();
}

inline void __syncwarp(unsigned mask = 0xffffffffu) {
    ::ember_emulator::warp_exchange(::ember_emulator::WarpOperation::Sync, mask, 0, 0, 32);
}

[[noreturn]] inline void __trap() {
    ::ember_emulator::trap();
}

inline void __threadfence() {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

inline void __threadfence_block() {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

template <typename T>
inline T __shfl_sync(unsigned mask, T value, int source_lane, int width = 32) {
    using namespace ember_emulator;
    return from_bits<T>(warp_exchange(WarpOperation::ShuffleIndex, mask, to_bits(value), source_lane, width));
}

template <typename T>
inline T __shfl_up_sync(unsigned mask, T value, unsigned delta, int width = 32) {
    using namespace ember_emulator;
    return from_bits<T>(
            warp_exchange(WarpOperation::ShuffleUp, mask, to_bits(value), static_cast<int>(delta), width));
}

template <typename T>
inline T __shfl_down_sync(unsigned mask, T value, unsigned delta, int width = 32) {
    using namespace ember_emulator;
    return from_bits<T>(
            warp_exchange(WarpOperation::ShuffleDown, mask, to_bits(value), static_cast<int>(delta), width));
}

template <typename T>
inline T __shfl_xor_sync(unsigned mask, T value, int lane_mask, int width = 32) {
    using namespace ember_emulator;
    return from_bits<T>(warp_exchange(WarpOperation::ShuffleXor, mask, to_bits(value), lane_mask, width));
}

inline unsigned __ballot_sync(unsigned mask, int predicate) {
    using namespace ember_emulator;
    return static_cast<unsigned>(warp_exchange(WarpOperation::Ballot, mask, predicate != 0 ? 1 : 0, 0, 32));
}

inline int __any_sync(unsigned mask, int predicate) {
    return __ballot_sync(mask, predicate) != 0;
}

inline int __all_sync(unsigned mask, int predicate) {
    return __ballot_sync(mask, predicate == 0) == 0;
}

inline int __popc(unsigned value) {
    return __builtin_popcount(value);
}

inline int __popcll(unsigned long long value) {
    return __builtin_popcountll(value);
}

inline int __clz(int value) {
    return value == 0 ? 32 : __builtin_clz(static_cast<unsigned>(value));
}

inline int __clzll(long long value) {
    return value == 0 ? 64 : __builtin_clzll(static_cast<unsigned long long>(value));
}

inline int __ffs(int value) {
    return __builtin_ffs(value);
}

inline int __ffsll(long long value) {
    return __builtin_ffsll(value);
}

template <typename T>
inline T __ldg(const T* address) {
    return *address;
}

// Atomics: GCC builtins. Blocks run one at a time today, but the builtins keep kernels honest if
// the emulator ever runs blocks on several threads.
template <typename T>
inline T atomicAdd(T* address, typename ember_emulator::Identity<T>::Type value) {
    if constexpr (std::is_floating_point_v<T>) {
        T expected;
        __atomic_load(address, &expected, __ATOMIC_RELAXED);
        T desired = expected + value;
        while (!__atomic_compare_exchange(address, &expected, &desired, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED)) {
            desired = expected + value;
        }
        return expected;
    } else {
        return __atomic_fetch_add(address, value, __ATOMIC_SEQ_CST);
    }
}

template <typename T>
inline T atomicSub(T* address, typename ember_emulator::Identity<T>::Type value) {
    return __atomic_fetch_sub(address, value, __ATOMIC_SEQ_CST);
}

template <typename T>
inline T atomicExch(T* address, typename ember_emulator::Identity<T>::Type value) {
    return __atomic_exchange_n(address, value, __ATOMIC_SEQ_CST);
}

template <typename T>
inline T atomicCAS(T* address, typename ember_emulator::Identity<T>::Type compare,
                   typename ember_emulator::Identity<T>::Type value) {
    T expected = compare;
    __atomic_compare_exchange_n(address, &expected, value, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}

template <typename T>
inline T atomicMax(T* address, typename ember_emulator::Identity<T>::Type value) {
    T current = __atomic_load_n(address, __ATOMIC_RELAXED);
    while (current < value
           && !__atomic_compare_exchange_n(address, &current, value, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
    }
    return current;
}

template <typename T>
inline T atomicMin(T* address, typename ember_emulator::Identity<T>::Type value) {
    T current = __atomic_load_n(address, __ATOMIC_RELAXED);
    while (value < current
           && !__atomic_compare_exchange_n(address, &current, value, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
    }
    return current;
}

template <typename T>
inline T atomicAnd(T* address, typename ember_emulator::Identity<T>::Type value) {
    return __atomic_fetch_and(address, value, __ATOMIC_SEQ_CST);
}

template <typename T>
inline T atomicOr(T* address, typename ember_emulator::Identity<T>::Type value) {
    return __atomic_fetch_or(address, value, __ATOMIC_SEQ_CST);
}

template <typename T>
inline T atomicXor(T* address, typename ember_emulator::Identity<T>::Type value) {
    return __atomic_fetch_xor(address, value, __ATOMIC_SEQ_CST);
}
