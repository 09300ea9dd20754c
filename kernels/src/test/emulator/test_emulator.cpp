// The emulator's own tests: drive libcuda.so.1 through the driver API exactly as JCuda does
// (PTX text in, void** arguments, return codes out) and check the GPU semantics Ember relies on.
// Run by build-kernels.sh in normal order, reverse thread order and forced-fiber mode; with
// --switches, the environment switches, each in a child process (cuInit reads them once).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct EmberContext* CUcontext;
typedef struct EmberModule* CUmodule;
typedef struct EmberFunction* CUfunction;
typedef struct EmberStream* CUstream;
typedef struct EmberEvent* CUevent;
CUresult cuInit(unsigned);
CUresult cuDriverGetVersion(int*);
CUresult cuDeviceGetCount(int*);
CUresult cuDeviceGet(CUdevice*, int);
CUresult cuDeviceGetName(char*, int, CUdevice);
CUresult cuDeviceGetAttribute(int*, int, CUdevice);
CUresult cuDevicePrimaryCtxRetain(CUcontext*, CUdevice);
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice);
CUresult cuCtxCreate_v2(CUcontext*, unsigned, CUdevice);
CUresult cuCtxDestroy_v2(CUcontext);
CUresult cuCtxSetCurrent(CUcontext);
CUresult cuCtxSynchronize();
CUresult cuMemAllocManaged(CUdeviceptr*, size_t, unsigned);
CUresult cuMemAlloc_v2(CUdeviceptr*, size_t);
CUresult cuMemFree_v2(CUdeviceptr);
CUresult cuMemGetInfo_v2(size_t*, size_t*);
CUresult cuMemPrefetchAsync(CUdeviceptr, size_t, CUdevice, CUstream);
CUresult cuPointerGetAttribute(void*, int, CUdeviceptr);
CUresult cuModuleLoadData(CUmodule*, const void*);
CUresult cuModuleGetFunction(CUfunction*, CUmodule, const char*);
CUresult cuModuleUnload(CUmodule);
CUresult cuLaunchKernel(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                        CUstream, void**, void**);
CUresult cuStreamCreate(CUstream*, unsigned);
CUresult cuStreamDestroy_v2(CUstream);
CUresult cuStreamSynchronize(CUstream);
CUresult cuEventCreate(CUevent*, unsigned);
CUresult cuEventRecord(CUevent, CUstream);
CUresult cuEventSynchronize(CUevent);
CUresult cuEventQuery(CUevent);
CUresult cuEventElapsedTime(float*, CUevent, CUevent);
CUresult cuEventDestroy_v2(CUevent);
CUresult cuGetErrorName(CUresult, const char**);
CUresult cuGraphCreate(void*, unsigned);  // one JCuda import the emulator does not implement
}

namespace {

int failures = 0;
int checks = 0;

#define CHECK(condition, ...)                                                   \
    do {                                                                        \
        checks++;                                                               \
        if (!(condition)) {                                                     \
            failures++;                                                         \
            std::fprintf(stderr, "FAILED %s:%d: %s: ", __FILE__, __LINE__, #condition); \
            std::fprintf(stderr, __VA_ARGS__);                                  \
            std::fprintf(stderr, "\n");                                         \
        }                                                                       \
    } while (0)

#define CHECK_CUDA(call) CHECK((call) == 0, "%s", #call)

std::string read_file(const std::string& path) {
    std::ifstream input(path);
    if (!input) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::exit(2);
    }
    std::stringstream text;
    text << input.rdbuf();
    return text.str();
}

template <typename T>
T* managed(size_t count) {
    CUdeviceptr pointer = 0;
    if (cuMemAllocManaged(&pointer, count * sizeof(T) + 1, 1) != 0) {
        std::fprintf(stderr, "cuMemAllocManaged failed\n");
        std::exit(2);
    }
    return reinterpret_cast<T*>(pointer);
}

template <typename T>
void release(T* pointer) {
    cuMemFree_v2(reinterpret_cast<CUdeviceptr>(pointer));
}

CUmodule module_handle = nullptr;

CUfunction function(const char* name) {
    CUfunction handle = nullptr;
    CHECK_CUDA(cuModuleGetFunction(&handle, module_handle, name));
    return handle;
}

CUresult launch(const char* name, unsigned blocks, unsigned threads, std::vector<void*> arguments,
                unsigned shared_bytes = 0, CUstream stream = nullptr) {
    return cuLaunchKernel(function(name), blocks, 1, 1, threads, 1, 1, shared_bytes, stream, arguments.data(),
                          nullptr);
}

void test_barrier() {
    const unsigned blocks = 3;
    const unsigned threads = 96;
    int* data = managed<int>(blocks * threads);
    for (unsigned i = 0; i < blocks * threads; i++) {
        data[i] = static_cast<int>(i);
    }
    CHECK_CUDA(launch("test_reverse_in_block", blocks, threads, {&data}));
    for (unsigned block = 0; block < blocks; block++) {
        for (unsigned t = 0; t < threads; t++) {
            const int expected = static_cast<int>(block * threads + threads - 1 - t);
            CHECK(data[block * threads + t] == expected, "block %u thread %u: %d", block, t, data[block * threads + t]);
        }
    }
    release(data);
}

void test_shuffles() {
    const unsigned threads = 64;
    int* input = managed<int>(threads);
    int* by_index = managed<int>(threads);
    int* up = managed<int>(threads);
    int* down = managed<int>(threads);
    int* by_xor = managed<int>(threads);
    double* wide = managed<double>(threads);
    int* segmented = managed<int>(threads);
    for (unsigned i = 0; i < threads; i++) {
        input[i] = static_cast<int>(i * i + 7);
    }
    CHECK_CUDA(launch("test_shuffles", 1, threads, {&input, &by_index, &up, &down, &by_xor, &wide, &segmented}));
    for (unsigned i = 0; i < threads; i++) {
        const unsigned warp = i & ~31u;
        const unsigned lane = i & 31u;
        CHECK(by_index[i] == input[warp + 3], "index shuffle at %u: %d", i, by_index[i]);
        CHECK(up[i] == (lane >= 2 ? input[i - 2] : input[i]), "up shuffle at %u: %d", i, up[i]);
        CHECK(down[i] == (lane + 5 < 32 ? input[i + 5] : input[i]), "down shuffle at %u: %d", i, down[i]);
        CHECK(by_xor[i] == input[i ^ 1u], "xor shuffle at %u: %d", i, by_xor[i]);
        CHECK(wide[i] == input[warp + 31] * 0.5, "double shuffle at %u: %f", i, wide[i]);
        CHECK(segmented[i] == input[(i & ~7u) + 1], "width-8 shuffle at %u: %d", i, segmented[i]);
    }
    release(input);
    release(by_index);
    release(up);
    release(down);
    release(by_xor);
    release(wide);
    release(segmented);
}

void test_votes() {
    const unsigned threads = 64;
    int* predicate = managed<int>(threads);
    unsigned* ballot = managed<unsigned>(threads);
    int* any = managed<int>(threads);
    int* all = managed<int>(threads);
    unsigned* half = managed<unsigned>(threads);
    for (unsigned i = 0; i < threads; i++) {
        predicate[i] = i < 32 ? (i % 3 == 0) : 1;  // warp 0 mixed, warp 1 all true
    }
    CHECK_CUDA(launch("test_votes", 1, threads, {&predicate, &ballot, &any, &all, &half}));
    unsigned expected_mixed = 0;
    for (unsigned lane = 0; lane < 32; lane++) {
        expected_mixed |= (lane % 3 == 0 ? 1u : 0u) << lane;
    }
    for (unsigned i = 0; i < threads; i++) {
        const bool first = i < 32;
        CHECK(ballot[i] == (first ? expected_mixed : 0xffffffffu), "ballot at %u: %08x", i, ballot[i]);
        CHECK(any[i] == 1, "any at %u", i);
        CHECK(all[i] == (first ? 0 : 1), "all at %u: %d", i, all[i]);
        if ((i & 31u) < 16) {
            CHECK(half[i] == ((first ? expected_mixed : 0xffffffffu) & 0xffffu), "half-warp ballot at %u: %08x", i,
                  half[i]);
        }
    }
    release(predicate);
    release(ballot);
    release(any);
    release(all);
    release(half);
}

void test_atomics() {
    const unsigned blocks = 5;
    const unsigned threads = 200;
    const int n = static_cast<int>(blocks * threads);
    int* counter = managed<int>(1);
    unsigned long long* sum = managed<unsigned long long>(1);
    float* float_sum = managed<float>(1);
    int* maximum = managed<int>(1);
    int* minimum = managed<int>(1);
    unsigned* bits = managed<unsigned>(1);
    int* first_claim = managed<int>(1);
    *counter = 0;
    *sum = 0;
    *float_sum = 0;
    *maximum = -1;
    *minimum = 1 << 30;
    *bits = 0;
    *first_claim = -1;
    CHECK_CUDA(launch("test_atomics", blocks, threads, {&counter, &sum, &float_sum, &maximum, &minimum, &bits,
                                                         &first_claim}));
    int expected_max = -1;
    for (int id = 0; id < n; id++) {
        expected_max = std::max(expected_max, id * 7 % 1000);
    }
    CHECK(*counter == n, "counter %d", *counter);
    CHECK(*sum == static_cast<unsigned long long>(n) * (n - 1) / 2, "sum %llu", *sum);
    CHECK(*float_sum == n * 0.5f, "float sum %f", *float_sum);
    CHECK(*maximum == expected_max, "max %d", *maximum);
    CHECK(*minimum == 1000 - (n - 1), "min %d", *minimum);
    CHECK(*bits == 0xffffffffu, "or %08x", *bits);
    CHECK(*first_claim >= 0 && *first_claim < n, "claim %d", *first_claim);
    release(counter);
    release(sum);
    release(float_sum);
    release(maximum);
    release(minimum);
    release(bits);
    release(first_claim);
}

void test_dynamic_shared() {
    const unsigned blocks = 2;
    const unsigned threads = 128;
    long long* data = managed<long long>(blocks * threads);
    for (unsigned i = 0; i < blocks * threads; i++) {
        data[i] = i;
    }
    CHECK_CUDA(launch("test_dynamic_shared", blocks, threads, {&data}, threads * sizeof(long long)));
    for (unsigned block = 0; block < blocks; block++) {
        for (unsigned t = 0; t < threads; t++) {
            const long long expected = static_cast<long long>(block * threads + threads - 1 - t) * 3;
            CHECK(data[block * threads + t] == expected, "block %u thread %u: %lld", block, t,
                  data[block * threads + t]);
        }
    }
    CHECK(launch("test_dynamic_shared", 1, threads, {&data}, 1 << 20) == 1,
          "more dynamic shared memory than a block has must be CUDA_ERROR_INVALID_VALUE");
    release(data);
}

void test_block_scan() {
    const unsigned blocks = 3;
    const unsigned threads = 256;
    long long* values = managed<long long>(blocks * threads);
    long long* totals = managed<long long>(blocks);
    unsigned seed = 12345;
    std::vector<long long> original(blocks * threads);
    for (unsigned i = 0; i < blocks * threads; i++) {
        seed = seed * 1103515245u + 12345u;
        original[i] = (seed >> 16) % 1000;
        values[i] = original[i];
    }
    CHECK_CUDA(launch("test_block_scan", blocks, threads, {&values, &totals}));
    for (unsigned block = 0; block < blocks; block++) {
        long long running = 0;
        for (unsigned t = 0; t < threads; t++) {
            CHECK(values[block * threads + t] == running, "scan block %u thread %u: %lld != %lld", block, t,
                  values[block * threads + t], running);
            running += original[block * threads + t];
        }
        CHECK(totals[block] == running, "block %u total %lld != %lld", block, totals[block], running);
    }
    release(values);
    release(totals);
}

void test_early_exit() {
    int* output = managed<int>(64);
    CHECK_CUDA(launch("test_early_exit", 1, 64, {&output}));
    CHECK(output[63] == 63, "thread 63 wrote %d", output[63]);
    release(output);
}

void test_struct_parameter() {
    struct Triple {
        int first;
        int second;
        int third;
    } triple{1, 2, 3};
    char small = 4;
    long long* output = managed<long long>(1);
    CHECK_CUDA(launch("test_struct_parameter", 1, 1, {&triple, &small, &output}));
    CHECK(*output == 4321, "struct parameter gave %lld", *output);
    release(output);
}

// Runs body in a fresh context, so that the sticky error it provokes does not leak.
void in_scratch_context(const std::function<void()>& body) {
    CUcontext scratch = nullptr;
    CHECK_CUDA(cuCtxCreate_v2(&scratch, 0, 0));
    CHECK_CUDA(cuCtxSetCurrent(scratch));
    body();
    CHECK_CUDA(cuCtxDestroy_v2(scratch));
}

void test_deadlock(CUcontext primary) {
    in_scratch_context([] {
        int* output = managed<int>(64);
        CHECK(launch("test_deadlock", 1, 64, {&output}) == 719, "deadlock must be CUDA_ERROR_LAUNCH_FAILED");
        CHECK(cuCtxSynchronize() == 719, "the deadlock error must be sticky");
        CUdeviceptr more = 0;
        CHECK(cuMemAllocManaged(&more, 16, 1) == 719, "a poisoned context refuses allocations");
    });
    CHECK_CUDA(cuCtxSetCurrent(primary));
    CHECK_CUDA(cuCtxSynchronize());
}

void test_trap(CUcontext primary) {
    for (int trigger_value : {0, 77, 255}) {
        in_scratch_context([trigger_value] {
            int* trigger = managed<int>(1);
            int* output = managed<int>(256);
            *trigger = trigger_value;
            CHECK(launch("test_trap", 2, 128, {&trigger, &output}) == 710, "__trap must be CUDA_ERROR_ASSERT");
            CHECK(cuCtxSynchronize() == 710, "the trap error must be sticky");
        });
    }
    CHECK_CUDA(cuCtxSetCurrent(primary));
}

// Events as KernelLauncher uses them: recorded around a launch on a stream, complete in stream order,
// elapsed time read after the stream is synchronized; events are reused and destroyed.
void test_events() {
    CUstream stream = nullptr;
    CHECK_CUDA(cuStreamCreate(&stream, 0));
    CUevent start = nullptr;
    CUevent end = nullptr;
    CHECK_CUDA(cuEventCreate(&start, 0));
    CHECK_CUDA(cuEventCreate(&end, 0));
    float milliseconds = -1;
    CHECK(cuEventElapsedTime(&milliseconds, start, end) == 400,
          "events never recorded have no time: CUDA_ERROR_INVALID_HANDLE");
    const unsigned threads = 96;
    int* data = managed<int>(threads);
    for (int round = 0; round < 3; round++) {  // the same events, recorded again
        CHECK_CUDA(cuEventRecord(start, stream));
        CHECK_CUDA(launch("test_reverse_in_block", 1, threads, {&data}, 0, stream));
        CHECK_CUDA(cuEventRecord(end, stream));
        CHECK_CUDA(cuStreamSynchronize(stream));
        CHECK_CUDA(cuEventQuery(end));
        CHECK_CUDA(cuEventSynchronize(end));
        milliseconds = -1;
        CHECK_CUDA(cuEventElapsedTime(&milliseconds, start, end));
        CHECK(milliseconds > 0 && milliseconds < 60000, "round %d: the kernel took %f ms", round, milliseconds);
        float backwards = 1;
        CHECK_CUDA(cuEventElapsedTime(&backwards, end, start));
        CHECK(backwards == -milliseconds, "end to start is the negative time, not %f", backwards);
    }
    CHECK(cuEventElapsedTime(nullptr, start, end) == 1, "no result pointer is CUDA_ERROR_INVALID_VALUE");
    CHECK(cuEventElapsedTime(&milliseconds, nullptr, end) == 400, "no start event is CUDA_ERROR_INVALID_HANDLE");
    CUevent untimed = nullptr;
    CHECK_CUDA(cuEventCreate(&untimed, 0x2));  // CU_EVENT_DISABLE_TIMING
    CHECK_CUDA(cuEventRecord(untimed, stream));
    CHECK(cuEventElapsedTime(&milliseconds, start, untimed) == 400,
          "an event created without timing has no time: CUDA_ERROR_INVALID_HANDLE");
    CHECK(cuEventRecord(nullptr, stream) == 400, "recording no event is CUDA_ERROR_INVALID_HANDLE");
    CHECK_CUDA(cuEventDestroy_v2(untimed));
    CHECK_CUDA(cuEventDestroy_v2(start));
    CHECK_CUDA(cuEventDestroy_v2(end));
    CHECK(cuEventDestroy_v2(nullptr) == 400, "destroying no event is CUDA_ERROR_INVALID_HANDLE");
    CHECK_CUDA(cuStreamDestroy_v2(stream));
    release(data);
}

// After a kernel failed, event calls report the context's sticky error like every other call.
void test_events_after_a_failure(CUcontext primary) {
    in_scratch_context([] {
        CUevent start = nullptr;
        CUevent end = nullptr;
        CHECK_CUDA(cuEventCreate(&start, 0));
        CHECK_CUDA(cuEventCreate(&end, 0));
        CHECK_CUDA(cuEventRecord(start, nullptr));
        int* output = managed<int>(64);
        CHECK(launch("test_deadlock", 1, 64, {&output}) == 719, "deadlock must be CUDA_ERROR_LAUNCH_FAILED");
        CHECK(cuEventRecord(end, nullptr) == 719, "recording in a failed context reports the sticky error");
        CHECK(cuEventSynchronize(start) == 719, "waiting in a failed context reports the sticky error");
        float milliseconds = 0;
        CHECK(cuEventElapsedTime(&milliseconds, start, end) == 400, "the end was never recorded");
        CHECK_CUDA(cuEventDestroy_v2(start));
        CHECK_CUDA(cuEventDestroy_v2(end));
    });
    CHECK_CUDA(cuCtxSetCurrent(primary));
}

void test_module_checks() {
    CUmodule broken = nullptr;
    const std::string wrong_sizes = ".version 9.0\n.target sm_75\n.address_size 64\n"
                                    ".visible .entry test_trap(\n.param .u32 a,\n.param .u64 b\n)\n{\nret;\n}\n";
    CHECK(cuModuleLoadData(&broken, wrong_sizes.c_str()) == 200,
          "a parameter size mismatch must be CUDA_ERROR_INVALID_IMAGE");
    const std::string unknown = ".version 9.0\n.target sm_75\n.address_size 64\n"
                                ".visible .entry no_such_kernel(\n.param .u64 a\n)\n{\nret;\n}\n";
    CHECK(cuModuleLoadData(&broken, unknown.c_str()) == 200, "an unknown kernel must be CUDA_ERROR_INVALID_IMAGE");
    const unsigned char fatbin[] = {0x50, 0xed, 0x55, 0xba, 0, 0, 0, 0};
    CHECK(cuModuleLoadData(&broken, fatbin) == 209, "a fatbin must be CUDA_ERROR_NO_BINARY_FOR_GPU");
    CHECK(cuGraphCreate(nullptr, 0) == 801, "an unimplemented call must be CUDA_ERROR_NOT_SUPPORTED");
}

void test_memory() {
    CUdeviceptr pointer = 0;
    CHECK_CUDA(cuMemAllocManaged(&pointer, 1000, 1));
    unsigned is_managed = 0;
    CHECK_CUDA(cuPointerGetAttribute(&is_managed, 8, pointer + 999));
    CHECK(is_managed == 1, "managed memory must say so");
    CHECK(cuPointerGetAttribute(&is_managed, 8, pointer + 1000) == 1, "past the end is not CUDA memory");
    int host_variable = 0;
    CHECK(cuPointerGetAttribute(&is_managed, 8, reinterpret_cast<CUdeviceptr>(&host_variable)) == 1,
          "host memory is not CUDA memory");
    CHECK_CUDA(cuMemPrefetchAsync(pointer, 1000, 0, nullptr));
    CHECK(cuMemPrefetchAsync(pointer, 1001, 0, nullptr) == 1, "prefetch past the allocation is an error");
    CUdeviceptr plain = 0;
    CHECK_CUDA(cuMemAlloc_v2(&plain, 64));
    CHECK_CUDA(cuPointerGetAttribute(&is_managed, 8, plain));
    CHECK(is_managed == 0, "cuMemAlloc memory is not managed");
    size_t free_bytes = 0;
    size_t total_bytes = 0;
    CHECK_CUDA(cuMemGetInfo_v2(&free_bytes, &total_bytes));
    CHECK(free_bytes + 1064 <= total_bytes, "free %zu total %zu", free_bytes, total_bytes);
    CHECK_CUDA(cuMemFree_v2(pointer));
    CHECK_CUDA(cuMemFree_v2(plain));
    CHECK(cuMemFree_v2(pointer) == 1, "a double free is CUDA_ERROR_INVALID_VALUE");
    CUdeviceptr huge = 0;
    CHECK(cuMemAllocManaged(&huge, total_bytes + 1, 1) == 2, "more than the device has is OUT_OF_MEMORY");
}

int run_kernel_tests() {
    CHECK_CUDA(cuInit(0));
    CUcontext primary = nullptr;
    CHECK_CUDA(cuDevicePrimaryCtxRetain(&primary, 0));
    CHECK_CUDA(cuCtxSetCurrent(primary));
    const std::string ptx = read_file(std::string(EMBER_TEST_PTX_DIR) + "/emulator_test_kernels.ptx");
    CHECK_CUDA(cuModuleLoadData(&module_handle, ptx.c_str()));
    test_barrier();
    test_shuffles();
    test_votes();
    test_atomics();
    test_dynamic_shared();
    test_block_scan();
    test_early_exit();
    test_struct_parameter();
    test_events();
    std::fprintf(stderr, "(the emulator diagnostics below are expected: the next tests provoke them)\n");
    test_deadlock(primary);
    test_trap(primary);
    test_events_after_a_failure(primary);
    test_module_checks();
    test_memory();
    CHECK_CUDA(cuModuleUnload(module_handle));
    CHECK_CUDA(cuDevicePrimaryCtxRelease_v2(0));
    std::printf("emulator tests: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

// Runs check in a child process with one environment variable set; returns its exit status.
int in_child(const char* name, const char* value, const std::function<int()>& check) {
    std::fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
        setenv(name, value, 1);
        std::_Exit(check());
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

int run_switch_tests() {
    CHECK(in_child("EMBER_EMULATOR_DEVICE_COUNT", "0", [] {
              int count = -1;
              CUdevice device = 0;
              return cuInit(0) == 0 && cuDeviceGetCount(&count) == 0 && count == 0 && cuDeviceGet(&device, 0) == 101
                      ? 0 : 1;
          }) == 0, "zero devices");
    CHECK(in_child("EMBER_EMULATOR_INIT_ERROR", "100", [] { return cuInit(0) == 100 ? 0 : 1; }) == 0,
          "failing cuInit");
    CHECK(in_child("EMBER_EMULATOR_COMPUTE_CAPABILITY", "12.1", [] {
              int major = 0;
              int minor = 0;
              return cuInit(0) == 0 && cuDeviceGetAttribute(&major, 75, 0) == 0 && cuDeviceGetAttribute(&minor, 76, 0) == 0
                      && major == 12 && minor == 1 ? 0 : 1;
          }) == 0, "reported compute capability");
    CHECK(in_child("EMBER_EMULATOR_DRIVER_VERSION", "12080", [] {
              int version = 0;
              return cuDriverGetVersion(&version) == 0 && version == 12080 ? 0 : 1;
          }) == 0, "reported driver version");
    // 18 INTEGRATED, 88 PAGEABLE_MEMORY_ACCESS, 89 CONCURRENT_MANAGED_ACCESS, 100 ..._USES_HOST_PAGE_TABLES
    CHECK(in_child("EMBER_EMULATOR_COHERENT_UNIFIED", "0", [] {
              int host_page_tables = -1;
              int concurrent = -1;
              return cuInit(0) == 0 && cuDeviceGetAttribute(&host_page_tables, 100, 0) == 0
                      && cuDeviceGetAttribute(&concurrent, 89, 0) == 0 && host_page_tables == 0 && concurrent == 1
                      ? 0 : 1;
          }) == 0, "a discrete device by default");
    CHECK(in_child("EMBER_EMULATOR_COHERENT_UNIFIED", "1", [] {
              int pageable = 0;
              int host_page_tables = 0;
              int concurrent = 0;
              int integrated = -1;
              char name[128] = {};
              return cuInit(0) == 0 && cuDeviceGetAttribute(&pageable, 88, 0) == 0
                      && cuDeviceGetAttribute(&host_page_tables, 100, 0) == 0
                      && cuDeviceGetAttribute(&concurrent, 89, 0) == 0 && cuDeviceGetAttribute(&integrated, 18, 0) == 0
                      && cuDeviceGetName(name, sizeof name, 0) == 0 && pageable == 1 && host_page_tables == 1
                      && concurrent == 1 && integrated == 0
                      && std::strstr(name, "coherent unified memory") != nullptr ? 0 : 1;
          }) == 0, "a coherent unified device");
    CHECK(in_child("EMBER_EMULATOR_POISON", "1", [] {
              CUcontext context = nullptr;
              CUdeviceptr pointer = 0;
              if (cuInit(0) != 0 || cuDevicePrimaryCtxRetain(&context, 0) != 0 || cuCtxSetCurrent(context) != 0
                  || cuMemAllocManaged(&pointer, 64, 1) != 0) {
                  return 1;
              }
              const auto* bytes = reinterpret_cast<const unsigned char*>(pointer);
              return bytes[0] == 0xa5 && bytes[63] == 0xa5 ? 0 : 1;
          }) == 0, "poisoned allocations");
    CHECK(in_child("EMBER_EMULATOR_DEVICE_COUNT", "1", [] {
              CUdeviceptr pointer = 0;
              return cuMemAllocManaged(&pointer, 64, 1) == 3 ? 0 : 1;  // before cuInit
          }) == 0, "calls before cuInit are CUDA_ERROR_NOT_INITIALIZED");
    std::printf("emulator switch tests: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--switches") == 0) {
        return run_switch_tests();
    }
    return run_kernel_tests();
}
