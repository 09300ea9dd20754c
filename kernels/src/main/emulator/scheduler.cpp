#include "scheduler.h"

#include <sys/mman.h>
#include <unistd.h>

#include <csetjmp>
#include <cstdlib>
#include <new>
#include <sstream>
#include <vector>

extern "C" void ember_fiber_switch(void** save_stack_pointer, void* next_stack_pointer);
extern "C" void ember_fiber_start();

namespace ember_emulator {

thread_local ember_dim3 current_thread_index;
thread_local ember_dim3 current_block_index;
thread_local ember_dim3 current_block_dim;
thread_local ember_dim3 current_grid_dim;

namespace {

constexpr std::size_t kStackBytes = 64 * 1024;
constexpr unsigned kWarpSize = 32;

enum class Waiting { None, BlockBarrier, WarpOperation };

struct Fiber {
    void* stack_pointer = nullptr;
    unsigned char* stack_top = nullptr;
    bool finished = false;
    Waiting waiting = Waiting::None;
    ember_dim3 index{};
    WarpOperation operation = WarpOperation::Sync;
    unsigned mask = 0;
    std::uint64_t value = 0;
    int parameter = 0;
    int width = kWarpSize;
    std::uint64_t result = 0;
};

// A fiber stack: kStackBytes usable, with an inaccessible guard page below it so that an
// overflow faults instead of corrupting a neighbour.
struct Stack {
    unsigned char* mapping;
    std::size_t mapping_bytes;
    unsigned char* top;
};

struct BlockRun {
    KernelInvoker invoker = nullptr;
    void** arguments = nullptr;
    bool fibers = false;
    std::vector<Fiber> threads;
    Fiber* current = nullptr;
    void* scheduler_stack_pointer = nullptr;
    bool trapped = false;
    bool unexpected_barrier = false;
    std::jmp_buf sequential_exit;
    void* dynamic_shared = nullptr;
};

thread_local BlockRun* active = nullptr;
thread_local std::vector<Stack> stack_pool;

Stack& stack_at(std::size_t position) {
    while (stack_pool.size() <= position) {
        const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        const std::size_t bytes = kStackBytes + page;
        void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapping == MAP_FAILED) {
            throw std::bad_alloc();
        }
        mprotect(mapping, page, PROT_NONE);
        auto* base = static_cast<unsigned char*>(mapping);
        stack_pool.push_back(Stack{base, bytes, base + bytes});
    }
    return stack_pool[position];
}

extern "C" void ember_fiber_entry(void* argument) {
    auto* fiber = static_cast<Fiber*>(argument);
    active->invoker(active->arguments);
    fiber->finished = true;
    ember_fiber_switch(&fiber->stack_pointer, active->scheduler_stack_pointer);
    __builtin_trap();  // a finished fiber is never resumed
}

// Lays out a new fiber's first frame so that the first switch into it "returns" into
// ember_fiber_start, which calls ember_fiber_entry(fiber).
void prepare_fiber(Fiber& fiber, unsigned char* stack_top) {
    auto* top = reinterpret_cast<std::uintptr_t*>(reinterpret_cast<std::uintptr_t>(stack_top) & ~std::uintptr_t{15});
#if defined(__x86_64__)
    std::uintptr_t* frame = top - 9;  // r15 r14 r13 r12 rbx rbp, return address, padding
    for (int slot = 0; slot < 9; slot++) {
        frame[slot] = 0;
    }
    frame[2] = reinterpret_cast<std::uintptr_t>(&fiber);             // r13: argument
    frame[3] = reinterpret_cast<std::uintptr_t>(&ember_fiber_entry);  // r12: entry
    frame[6] = reinterpret_cast<std::uintptr_t>(&ember_fiber_start);  // return address
#elif defined(__aarch64__)
    std::uintptr_t* frame = top - 20;  // x19..x30 then d8..d15, 160 bytes
    for (int slot = 0; slot < 20; slot++) {
        frame[slot] = 0;
    }
    frame[0] = reinterpret_cast<std::uintptr_t>(&ember_fiber_entry);   // x19: entry
    frame[1] = reinterpret_cast<std::uintptr_t>(&fiber);               // x20: argument
    frame[11] = reinterpret_cast<std::uintptr_t>(&ember_fiber_start);  // x30: return address
#endif
    fiber.stack_pointer = frame;
}

void yield_to_scheduler() {
    Fiber* fiber = active->current;
    ember_fiber_switch(&fiber->stack_pointer, active->scheduler_stack_pointer);
}

unsigned source_lane(const Fiber& fiber, unsigned lane) {
    const unsigned width = fiber.width >= 1 && fiber.width <= 32 ? static_cast<unsigned>(fiber.width) : kWarpSize;
    const unsigned base = lane & ~(width - 1);
    const unsigned offset = lane - base;
    switch (fiber.operation) {
        case WarpOperation::ShuffleIndex:
            return base + static_cast<unsigned>(((fiber.parameter % static_cast<int>(width)) + width) % width);
        case WarpOperation::ShuffleUp:
            return offset >= static_cast<unsigned>(fiber.parameter) ? lane - fiber.parameter : lane;
        case WarpOperation::ShuffleDown:
            return offset + fiber.parameter < width ? lane + fiber.parameter : lane;
        case WarpOperation::ShuffleXor: {
            const unsigned source = lane ^ static_cast<unsigned>(fiber.parameter);
            return source >= base && source < base + width ? source : lane;
        }
        case WarpOperation::Sync:
        case WarpOperation::Ballot:
            return lane;
    }
    return lane;
}

bool release_block_barrier(BlockRun& block) {
    bool any_waiting = false;
    for (const Fiber& fiber : block.threads) {
        if (fiber.finished) {
            continue;
        }
        if (fiber.waiting != Waiting::BlockBarrier) {
            return false;
        }
        any_waiting = true;
    }
    if (!any_waiting) {
        return false;
    }
    for (Fiber& fiber : block.threads) {
        fiber.waiting = Waiting::None;
    }
    return true;
}

// Completes the warp operation of every warp whose participating lanes (the union of the masks
// of its waiting lanes, limited to lanes that exist) are all waiting on it.
bool release_warps(BlockRun& block) {
    bool released = false;
    const std::size_t thread_count = block.threads.size();
    for (std::size_t first = 0; first < thread_count; first += kWarpSize) {
        const unsigned lanes = static_cast<unsigned>(std::min<std::size_t>(kWarpSize, thread_count - first));
        const unsigned existing = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1u);
        unsigned waiting = 0;
        unsigned wanted = 0;
        for (unsigned lane = 0; lane < lanes; lane++) {
            const Fiber& fiber = block.threads[first + lane];
            if (!fiber.finished && fiber.waiting == Waiting::WarpOperation) {
                waiting |= 1u << lane;
                wanted |= fiber.mask | (1u << lane);
            }
        }
        wanted &= existing;
        if (waiting == 0 || (wanted & ~waiting) != 0) {
            continue;
        }
        unsigned ballot = 0;
        for (unsigned lane = 0; lane < lanes; lane++) {
            const Fiber& fiber = block.threads[first + lane];
            if ((waiting >> lane) & 1u && fiber.value != 0) {
                ballot |= 1u << lane;
            }
        }
        for (unsigned lane = 0; lane < lanes; lane++) {
            if (!((waiting >> lane) & 1u)) {
                continue;
            }
            Fiber& fiber = block.threads[first + lane];
            if (fiber.operation == WarpOperation::Ballot) {
                fiber.result = ballot & fiber.mask;
            } else if (fiber.operation == WarpOperation::Sync) {
                fiber.result = 0;
            } else {
                const unsigned source = source_lane(fiber, lane);
                fiber.result = source < lanes && ((waiting >> source) & 1u)
                        ? block.threads[first + source].value : fiber.value;
            }
        }
        for (unsigned lane = 0; lane < lanes; lane++) {
            if ((waiting >> lane) & 1u) {
                block.threads[first + lane].waiting = Waiting::None;
            }
        }
        released = true;
    }
    return released;
}

std::string describe_deadlock(const BlockRun& block) {
    std::size_t at_barrier = 0;
    std::size_t at_warp = 0;
    std::size_t finished = 0;
    for (const Fiber& fiber : block.threads) {
        if (fiber.finished) {
            finished++;
        } else if (fiber.waiting == Waiting::BlockBarrier) {
            at_barrier++;
        } else if (fiber.waiting == Waiting::WarpOperation) {
            at_warp++;
        }
    }
    std::ostringstream text;
    text << "deadlock in block (" << current_block_index.x << "," << current_block_index.y << ","
         << current_block_index.z << "): " << at_barrier << " threads wait at __syncthreads, " << at_warp
         << " at a warp operation whose other lanes never arrive, " << finished << " have exited";
    return text.str();
}

ember_dim3 thread_index_of(std::size_t linear, const ember_dim3& block) {
    return ember_dim3{static_cast<unsigned>(linear % block.x),
                      static_cast<unsigned>((linear / block.x) % block.y),
                      static_cast<unsigned>(linear / (static_cast<std::size_t>(block.x) * block.y))};
}

LaunchResult run_block_sequentially(BlockRun& block, std::size_t thread_count, const ember_dim3& shape,
                                    bool reverse) {
    for (std::size_t step = 0; step < thread_count; step++) {
        const std::size_t linear = reverse ? thread_count - 1 - step : step;
        current_thread_index = thread_index_of(linear, shape);
        if (setjmp(block.sequential_exit) != 0) {
            if (block.trapped) {
                return {LaunchOutcome::Trapped, "__trap() called"};
            }
            return {LaunchOutcome::UnexpectedBarrier,
                    "a barrier or warp operation ran in a kernel whose PTX has none (the PTX and the host "
                    "build disagree)"};
        }
        block.invoker(block.arguments);
    }
    return {LaunchOutcome::Completed, ""};
}

LaunchResult run_block_as_fibers(BlockRun& block, std::size_t thread_count, const ember_dim3& shape,
                                 bool reverse) {
    block.threads.assign(thread_count, Fiber{});
    for (std::size_t linear = 0; linear < thread_count; linear++) {
        Fiber& fiber = block.threads[linear];
        fiber.index = thread_index_of(linear, shape);
        prepare_fiber(fiber, stack_at(linear).top);
    }
    for (;;) {
        bool ran = false;
        std::size_t finished = 0;
        for (std::size_t step = 0; step < thread_count; step++) {
            Fiber& fiber = block.threads[reverse ? thread_count - 1 - step : step];
            if (!fiber.finished && fiber.waiting == Waiting::None) {
                block.current = &fiber;
                current_thread_index = fiber.index;
                ember_fiber_switch(&block.scheduler_stack_pointer, fiber.stack_pointer);
                ran = true;
                if (block.trapped) {
                    return {LaunchOutcome::Trapped, "__trap() called"};
                }
            }
            if (fiber.finished) {
                finished++;
            }
        }
        if (finished == thread_count) {
            return {LaunchOutcome::Completed, ""};
        }
        const bool released_block = release_block_barrier(block);
        const bool released_warps = release_warps(block);
        if (!ran && !released_block && !released_warps) {
            return {LaunchOutcome::Deadlocked, describe_deadlock(block)};
        }
    }
}

}  // namespace

void block_barrier() {
    if (active == nullptr || !active->fibers) {
        if (active != nullptr) {
            active->unexpected_barrier = true;
            std::longjmp(active->sequential_exit, 1);
        }
        std::abort();
    }
    active->current->waiting = Waiting::BlockBarrier;
    yield_to_scheduler();
}

std::uint64_t warp_exchange(WarpOperation operation, unsigned mask, std::uint64_t value, int parameter,
                            int width) {
    if (active == nullptr || !active->fibers) {
        if (active != nullptr) {
            active->unexpected_barrier = true;
            std::longjmp(active->sequential_exit, 1);
        }
        std::abort();
    }
    Fiber* fiber = active->current;
    fiber->operation = operation;
    fiber->mask = mask;
    fiber->value = value;
    fiber->parameter = parameter;
    fiber->width = width;
    fiber->waiting = Waiting::WarpOperation;
    yield_to_scheduler();
    return fiber->result;
}

void trap() {
    if (active == nullptr) {
        std::abort();
    }
    active->trapped = true;
    if (active->fibers) {
        yield_to_scheduler();
    } else {
        std::longjmp(active->sequential_exit, 1);
    }
    __builtin_trap();  // a trapped fiber is never resumed
}

void* dynamic_shared_memory() {
    return active == nullptr ? nullptr : active->dynamic_shared;
}

LaunchResult run_kernel(KernelInvoker invoker, void** arguments, const LaunchShape& shape,
                        const SchedulingOptions& options) {
    BlockRun block;
    block.invoker = invoker;
    block.arguments = arguments;
    block.fibers = options.use_fibers;
    const std::size_t shared_bytes = (shape.dynamic_shared_bytes + 15) / 16 * 16;
    void* shared = shared_bytes == 0 ? nullptr : std::aligned_alloc(16, shared_bytes);
    block.dynamic_shared = shared;
    BlockRun* previous = active;
    active = &block;
    current_block_dim = shape.block;
    current_grid_dim = shape.grid;
    const std::size_t thread_count = static_cast<std::size_t>(shape.block.x) * shape.block.y * shape.block.z;
    const std::size_t block_count = static_cast<std::size_t>(shape.grid.x) * shape.grid.y * shape.grid.z;
    LaunchResult result{LaunchOutcome::Completed, ""};
    for (std::size_t step = 0; step < block_count && result.outcome == LaunchOutcome::Completed; step++) {
        const std::size_t linear = options.reverse_order ? block_count - 1 - step : step;
        current_block_index = thread_index_of(linear, shape.grid);
        if (shared != nullptr) {
            std::memset(shared, 0xcd, shared_bytes);  // shared memory starts undefined on a GPU too
        }
        result = options.use_fibers ? run_block_as_fibers(block, thread_count, shape.block, options.reverse_order)
                                    : run_block_sequentially(block, thread_count, shape.block, options.reverse_order);
    }
    active = previous;
    std::free(shared);
    return result;
}

}  // namespace ember_emulator
