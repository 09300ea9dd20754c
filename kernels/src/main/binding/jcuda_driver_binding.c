/*
 * Ember's own implementation of the JNI entry points of JCuda's jcuda.driver.JCudaDriver that Ember
 * calls, for platforms JCuda 12.0.0 publishes no natives for (linux-aarch64: DGX Spark's GB10, Grace
 * Hopper). Built by kernels/build-kernels.sh with the aarch64 cross compiler and packed in the jar as
 * lib/libJCudaDriver-12.0.0-linux-aarch64.so, the resource JCuda's LibUtils loads on that platform, so
 * JCuda's Java API is used unchanged.
 *
 * The driver is libcuda.so.1 of the system, opened with dlopen when the library loads (as JCuda's own
 * natives link it); each call is looked up with dlsym once. A call Ember never makes has no entry point
 * here: the JVM then throws UnsatisfiedLinkError naming it, instead of anything silent.
 *
 * How JCuda's Java objects carry values (read from JCuda's class files: jcuda.NativePointerObject,
 * jcuda.Pointer):
 *   - a handle (CUcontext, CUmodule, CUfunction, CUstream, CUevent) is NativePointerObject.nativePointer;
 *     CUdevice keeps the device ordinal there (-1: CU_DEVICE_CPU);
 *   - a CUdeviceptr (a Pointer) is nativePointer + Pointer.byteOffset;
 *   - a host Pointer made by Pointer.to(array) holds a java.nio.Buffer (heap or direct) plus byteOffset;
 *     Pointer.to(Pointer...) holds an array of pointers (the void** of cuLaunchKernel's parameters).
 * Heap arrays are copied in before a call and, for outputs, back after it, so no JNI call runs while
 * the JVM holds an array pinned.
 */
#include <dlfcn.h>
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
enum { CUDA_ERROR_INVALID_VALUE = 1, CUDA_ERROR_OUT_OF_MEMORY = 2, CUDA_ERROR_NOT_FOUND = 500 };

static void* driver;
static jfieldID native_pointer_field;
static jfieldID byte_offset_field;
static jfieldID buffer_field;
static jfieldID pointers_field;
static jmethodID buffer_array_method;
static jmethodID buffer_array_offset_method;
static jmethodID buffer_has_array_method;
static jclass array_classes[7];
static const size_t array_element_sizes[7] = {1, 2, 2, 4, 8, 4, 8};
static const char* const array_class_names[7] = {"[B", "[S", "[C", "[I", "[J", "[F", "[D"};

/* The driver function `name`, looked up once per call site. */
#define DRIVER_CALL(type, name)                                        \
    static __typeof__(type) function = NULL;                           \
    if (function == NULL) {                                            \
        function = (type) dlsym(driver, name);                         \
        if (function == NULL) {                                        \
            return CUDA_ERROR_NOT_FOUND;                               \
        }                                                              \
    }

static jlong native_pointer(JNIEnv* env, jobject object) {
    return object == NULL ? 0 : (*env)->GetLongField(env, object, native_pointer_field);
}

static void set_native_pointer(JNIEnv* env, jobject object, jlong value) {
    (*env)->SetLongField(env, object, native_pointer_field, value);
}

/* A CUdeviceptr's address: its native pointer plus its byte offset. */
static uint64_t device_pointer(JNIEnv* env, jobject pointer) {
    if (pointer == NULL) {
        return 0;
    }
    return (uint64_t) native_pointer(env, pointer) + (uint64_t) (*env)->GetLongField(env, pointer, byte_offset_field);
}

static int device_ordinal(JNIEnv* env, jobject device) {
    return (int) native_pointer(env, device);
}

/* Host memory a Pointer points to: a direct buffer's, a copy of a heap array's, or a raw address. */
typedef struct {
    void* address;
    void* copy;        /* malloc'd copy of a heap array, or NULL */
    jarray array;      /* the heap array the copy came from */
    size_t bytes;      /* the copy's size */
} HostMemory;

static size_t element_size(JNIEnv* env, jobject array) {
    for (int i = 0; i < 7; i++) {
        if ((*env)->IsInstanceOf(env, array, array_classes[i])) {
            return array_element_sizes[i];
        }
    }
    return 0;
}

/* Resolves `pointer` (a Pointer to host memory); returns 0 when it cannot. */
static int host_memory(JNIEnv* env, jobject pointer, HostMemory* memory) {
    memset(memory, 0, sizeof *memory);
    if (pointer == NULL) {
        return 1;
    }
    jlong offset = (*env)->GetLongField(env, pointer, byte_offset_field);
    jobject buffer = (*env)->GetObjectField(env, pointer, buffer_field);
    if (buffer == NULL) {
        memory->address = (void*) (uintptr_t) (native_pointer(env, pointer) + offset);
        return 1;
    }
    void* direct = (*env)->GetDirectBufferAddress(env, buffer);
    if (direct != NULL) {
        memory->address = (char*) direct + offset;
        return 1;
    }
    if (!(*env)->CallBooleanMethod(env, buffer, buffer_has_array_method)) {
        return 0;
    }
    jarray array = (jarray) (*env)->CallObjectMethod(env, buffer, buffer_array_method);
    jint array_offset = (*env)->CallIntMethod(env, buffer, buffer_array_offset_method);
    size_t width = element_size(env, array);
    if (array == NULL || width == 0) {
        return 0;
    }
    size_t bytes = (size_t) (*env)->GetArrayLength(env, array) * width;
    memory->copy = malloc(bytes == 0 ? 1 : bytes);
    if (memory->copy == NULL) {
        return 0;
    }
    void* elements = (*env)->GetPrimitiveArrayCritical(env, array, NULL);
    memcpy(memory->copy, elements, bytes);
    (*env)->ReleasePrimitiveArrayCritical(env, array, elements, JNI_ABORT);
    memory->array = array;
    memory->bytes = bytes;
    memory->address = (char*) memory->copy + (size_t) array_offset * width + offset;
    return 1;
}

/* Frees a copy, writing it back to its heap array first when `write_back`. */
static void release_host_memory(JNIEnv* env, HostMemory* memory, int write_back) {
    if (memory->copy == NULL) {
        return;
    }
    if (write_back) {
        void* elements = (*env)->GetPrimitiveArrayCritical(env, memory->array, NULL);
        memcpy(elements, memory->copy, memory->bytes);
        (*env)->ReleasePrimitiveArrayCritical(env, memory->array, elements, 0);
    }
    free(memory->copy);
    memory->copy = NULL;
}

static void set_int(JNIEnv* env, jintArray array, int value) {
    jint element = value;
    (*env)->SetIntArrayRegion(env, array, 0, 1, &element);
}

static void set_long(JNIEnv* env, jlongArray array, uint64_t value) {
    jlong element = (jlong) value;
    (*env)->SetLongArrayRegion(env, array, 0, 1, &element);
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* reserved) {
    (void) reserved;
    JNIEnv* env = NULL;
    if ((*vm)->GetEnv(vm, (void**) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    /* The emulator, when the JVM loaded it first, answers to its soname: dlopen reuses it. */
    driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (driver == NULL) {
        jclass error = (*env)->FindClass(env, "java/lang/UnsatisfiedLinkError");
        const char* why = dlerror();
        (*env)->ThrowNew(env, error, why != NULL ? why : "libcuda.so.1: cannot open shared object file");
        return JNI_VERSION_1_8;
    }
    jclass native_pointer_object = (*env)->FindClass(env, "jcuda/NativePointerObject");
    jclass pointer = (*env)->FindClass(env, "jcuda/Pointer");
    jclass buffer = (*env)->FindClass(env, "java/nio/Buffer");
    if (native_pointer_object == NULL || pointer == NULL || buffer == NULL) {
        return JNI_ERR;
    }
    native_pointer_field = (*env)->GetFieldID(env, native_pointer_object, "nativePointer", "J");
    byte_offset_field = (*env)->GetFieldID(env, pointer, "byteOffset", "J");
    buffer_field = (*env)->GetFieldID(env, pointer, "buffer", "Ljava/nio/Buffer;");
    pointers_field = (*env)->GetFieldID(env, pointer, "pointers", "[Ljcuda/NativePointerObject;");
    buffer_array_method = (*env)->GetMethodID(env, buffer, "array", "()Ljava/lang/Object;");
    buffer_array_offset_method = (*env)->GetMethodID(env, buffer, "arrayOffset", "()I");
    buffer_has_array_method = (*env)->GetMethodID(env, buffer, "hasArray", "()Z");
    for (int i = 0; i < 7; i++) {
        jclass local = (*env)->FindClass(env, array_class_names[i]);
        if (local == NULL) {
            return JNI_ERR;
        }
        array_classes[i] = (jclass) (*env)->NewGlobalRef(env, local);
    }
    if (native_pointer_field == NULL || byte_offset_field == NULL || buffer_field == NULL || pointers_field == NULL
        || buffer_array_method == NULL || buffer_array_offset_method == NULL || buffer_has_array_method == NULL) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}

#define ENTRY(name) JNIEXPORT jint JNICALL Java_jcuda_driver_JCudaDriver_##name

JNIEXPORT void JNICALL Java_jcuda_driver_JCudaDriver_setLogLevel(JNIEnv* env, jclass cls, jint level) {
    (void) env; (void) cls; (void) level;  /* this binding does not log */
}

ENTRY(cuInitNative)(JNIEnv* env, jclass cls, jint flags) {
    DRIVER_CALL(CUresult (*)(unsigned), "cuInit");
    return function((unsigned) flags);
}

ENTRY(cuDriverGetVersionNative)(JNIEnv* env, jclass cls, jintArray version) {
    DRIVER_CALL(CUresult (*)(int*), "cuDriverGetVersion");
    if (version == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    int value = 0;
    CUresult result = function(&value);
    set_int(env, version, value);
    return result;
}

ENTRY(cuDeviceGetCountNative)(JNIEnv* env, jclass cls, jintArray count) {
    DRIVER_CALL(CUresult (*)(int*), "cuDeviceGetCount");
    if (count == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    int value = 0;
    CUresult result = function(&value);
    set_int(env, count, value);
    return result;
}

ENTRY(cuDeviceGetNative)(JNIEnv* env, jclass cls, jobject device, jint ordinal) {
    DRIVER_CALL(CUresult (*)(int*, int), "cuDeviceGet");
    if (device == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    int value = 0;
    CUresult result = function(&value, ordinal);
    set_native_pointer(env, device, value);
    return result;
}

ENTRY(cuDeviceGetNameNative)(JNIEnv* env, jclass cls, jbyteArray name, jint length, jobject device) {
    DRIVER_CALL(CUresult (*)(char*, int, int), "cuDeviceGetName");
    if (name == NULL || length <= 0 || length > (*env)->GetArrayLength(env, name)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    char* text = calloc((size_t) length, 1);
    if (text == NULL) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    CUresult result = function(text, length, device_ordinal(env, device));
    (*env)->SetByteArrayRegion(env, name, 0, length, (const jbyte*) text);
    free(text);
    return result;
}

ENTRY(cuDeviceGetAttributeNative)(JNIEnv* env, jclass cls, jintArray value, jint attribute, jobject device) {
    DRIVER_CALL(CUresult (*)(int*, int, int), "cuDeviceGetAttribute");
    if (value == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    int answer = 0;
    CUresult result = function(&answer, attribute, device_ordinal(env, device));
    set_int(env, value, answer);
    return result;
}

ENTRY(cuDeviceTotalMemNative)(JNIEnv* env, jclass cls, jlongArray bytes, jobject device) {
    DRIVER_CALL(CUresult (*)(size_t*, int), "cuDeviceTotalMem_v2");
    if (bytes == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    size_t total = 0;
    CUresult result = function(&total, device_ordinal(env, device));
    set_long(env, bytes, total);
    return result;
}

ENTRY(cuDevicePrimaryCtxRetainNative)(JNIEnv* env, jclass cls, jobject context, jobject device) {
    DRIVER_CALL(CUresult (*)(void**, int), "cuDevicePrimaryCtxRetain");
    if (context == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    void* handle = NULL;
    CUresult result = function(&handle, device_ordinal(env, device));
    set_native_pointer(env, context, (jlong) (uintptr_t) handle);
    return result;
}

ENTRY(cuDevicePrimaryCtxReleaseNative)(JNIEnv* env, jclass cls, jobject device) {
    DRIVER_CALL(CUresult (*)(int), "cuDevicePrimaryCtxRelease_v2");
    return function(device_ordinal(env, device));
}

ENTRY(cuCtxSetCurrentNative)(JNIEnv* env, jclass cls, jobject context) {
    DRIVER_CALL(CUresult (*)(void*), "cuCtxSetCurrent");
    return function((void*) (uintptr_t) native_pointer(env, context));
}

ENTRY(cuModuleLoadDataNative)(JNIEnv* env, jclass cls, jobject module, jbyteArray image) {
    DRIVER_CALL(CUresult (*)(void**, const void*), "cuModuleLoadData");
    if (module == NULL || image == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    /* PTX is text the driver reads up to a NUL: copy with one after it (a fatbin ignores it). */
    jsize length = (*env)->GetArrayLength(env, image);
    char* bytes = malloc((size_t) length + 1);
    if (bytes == NULL) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    (*env)->GetByteArrayRegion(env, image, 0, length, (jbyte*) bytes);
    bytes[length] = '\0';
    void* handle = NULL;
    CUresult result = function(&handle, bytes);
    free(bytes);
    set_native_pointer(env, module, (jlong) (uintptr_t) handle);
    return result;
}

ENTRY(cuModuleUnloadNative)(JNIEnv* env, jclass cls, jobject module) {
    DRIVER_CALL(CUresult (*)(void*), "cuModuleUnload");
    return function((void*) (uintptr_t) native_pointer(env, module));
}

ENTRY(cuModuleGetFunctionNative)(JNIEnv* env, jclass cls, jobject function_object, jobject module, jstring name) {
    DRIVER_CALL(CUresult (*)(void**, void*, const char*), "cuModuleGetFunction");
    if (function_object == NULL || name == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    const char* text = (*env)->GetStringUTFChars(env, name, NULL);
    if (text == NULL) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    void* handle = NULL;
    CUresult result = function(&handle, (void*) (uintptr_t) native_pointer(env, module), text);
    (*env)->ReleaseStringUTFChars(env, name, text);
    set_native_pointer(env, function_object, (jlong) (uintptr_t) handle);
    return result;
}

ENTRY(cuMemGetInfoNative)(JNIEnv* env, jclass cls, jlongArray free_bytes, jlongArray total_bytes) {
    DRIVER_CALL(CUresult (*)(size_t*, size_t*), "cuMemGetInfo_v2");
    if (free_bytes == NULL || total_bytes == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    size_t available = 0;
    size_t total = 0;
    CUresult result = function(&available, &total);
    set_long(env, free_bytes, available);
    set_long(env, total_bytes, total);
    return result;
}

ENTRY(cuMemAllocManagedNative)(JNIEnv* env, jclass cls, jobject pointer, jlong bytes, jint flags) {
    DRIVER_CALL(CUresult (*)(uint64_t*, size_t, unsigned), "cuMemAllocManaged");
    if (pointer == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    uint64_t address = 0;
    CUresult result = function(&address, (size_t) bytes, (unsigned) flags);
    set_native_pointer(env, pointer, (jlong) address);
    return result;
}

ENTRY(cuMemFreeNative)(JNIEnv* env, jclass cls, jobject pointer) {
    DRIVER_CALL(CUresult (*)(uint64_t), "cuMemFree_v2");
    return function(device_pointer(env, pointer));
}

ENTRY(cuMemsetD8Native)(JNIEnv* env, jclass cls, jobject pointer, jbyte value, jlong count) {
    DRIVER_CALL(CUresult (*)(uint64_t, unsigned char, size_t), "cuMemsetD8_v2");
    return function(device_pointer(env, pointer), (unsigned char) value, (size_t) count);
}

ENTRY(cuMemPrefetchAsyncNative)(JNIEnv* env, jclass cls, jobject pointer, jlong count, jobject device,
                                jobject stream) {
    DRIVER_CALL(CUresult (*)(uint64_t, size_t, int, void*), "cuMemPrefetchAsync");
    return function(device_pointer(env, pointer), (size_t) count, device_ordinal(env, device),
                    (void*) (uintptr_t) native_pointer(env, stream));
}

ENTRY(cuPointerGetAttributeNative)(JNIEnv* env, jclass cls, jobject data, jint attribute, jobject pointer) {
    DRIVER_CALL(CUresult (*)(void*, int, uint64_t), "cuPointerGetAttribute");
    HostMemory memory;
    if (data == NULL || !host_memory(env, data, &memory)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    CUresult result = function(memory.address, attribute, device_pointer(env, pointer));
    release_host_memory(env, &memory, 1);
    return result;
}

ENTRY(cuStreamCreateNative)(JNIEnv* env, jclass cls, jobject stream, jint flags) {
    DRIVER_CALL(CUresult (*)(void**, unsigned), "cuStreamCreate");
    if (stream == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    void* handle = NULL;
    CUresult result = function(&handle, (unsigned) flags);
    set_native_pointer(env, stream, (jlong) (uintptr_t) handle);
    return result;
}

ENTRY(cuStreamSynchronizeNative)(JNIEnv* env, jclass cls, jobject stream) {
    DRIVER_CALL(CUresult (*)(void*), "cuStreamSynchronize");
    return function((void*) (uintptr_t) native_pointer(env, stream));
}

ENTRY(cuStreamDestroyNative)(JNIEnv* env, jclass cls, jobject stream) {
    DRIVER_CALL(CUresult (*)(void*), "cuStreamDestroy_v2");
    return function((void*) (uintptr_t) native_pointer(env, stream));
}

ENTRY(cuEventCreateNative)(JNIEnv* env, jclass cls, jobject event, jint flags) {
    DRIVER_CALL(CUresult (*)(void**, unsigned), "cuEventCreate");
    if (event == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    void* handle = NULL;
    CUresult result = function(&handle, (unsigned) flags);
    set_native_pointer(env, event, (jlong) (uintptr_t) handle);
    return result;
}

ENTRY(cuEventRecordNative)(JNIEnv* env, jclass cls, jobject event, jobject stream) {
    DRIVER_CALL(CUresult (*)(void*, void*), "cuEventRecord");
    return function((void*) (uintptr_t) native_pointer(env, event), (void*) (uintptr_t) native_pointer(env, stream));
}

ENTRY(cuEventElapsedTimeNative)(JNIEnv* env, jclass cls, jfloatArray milliseconds, jobject start, jobject end) {
    DRIVER_CALL(CUresult (*)(float*, void*, void*), "cuEventElapsedTime");
    if (milliseconds == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    float value = 0;
    CUresult result = function(&value, (void*) (uintptr_t) native_pointer(env, start),
                               (void*) (uintptr_t) native_pointer(env, end));
    jfloat element = value;
    (*env)->SetFloatArrayRegion(env, milliseconds, 0, 1, &element);
    return result;
}

ENTRY(cuEventDestroyNative)(JNIEnv* env, jclass cls, jobject event) {
    DRIVER_CALL(CUresult (*)(void*), "cuEventDestroy_v2");
    return function((void*) (uintptr_t) native_pointer(env, event));
}

ENTRY(cuLaunchKernelNative)(JNIEnv* env, jclass cls, jobject kernel, jint grid_x, jint grid_y, jint grid_z,
                            jint block_x, jint block_y, jint block_z, jint shared_bytes, jobject stream,
                            jobject parameters, jobject extra) {
    DRIVER_CALL(CUresult (*)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void*,
                             void**, void**), "cuLaunchKernel");
    if (extra != NULL) {
        return CUDA_ERROR_INVALID_VALUE;  /* Ember passes its arguments as kernelParams only */
    }
    jobjectArray values = parameters == NULL ? NULL
            : (jobjectArray) (*env)->GetObjectField(env, parameters, pointers_field);
    jsize count = values == NULL ? 0 : (*env)->GetArrayLength(env, values);
    void** arguments = calloc((size_t) count + 1, sizeof(void*));
    HostMemory* memories = calloc((size_t) count + 1, sizeof(HostMemory));
    CUresult result = CUDA_ERROR_OUT_OF_MEMORY;
    jsize resolved = 0;
    if (arguments != NULL && memories != NULL) {
        result = 0;
        for (; resolved < count; resolved++) {
            jobject value = (*env)->GetObjectArrayElement(env, values, resolved);
            int ok = host_memory(env, value, &memories[resolved]);
            (*env)->DeleteLocalRef(env, value);
            if (!ok) {
                result = CUDA_ERROR_INVALID_VALUE;
                break;
            }
            arguments[resolved] = memories[resolved].address;
        }
        if (result == 0) {
            result = function((void*) (uintptr_t) native_pointer(env, kernel), (unsigned) grid_x, (unsigned) grid_y,
                              (unsigned) grid_z, (unsigned) block_x, (unsigned) block_y, (unsigned) block_z,
                              (unsigned) shared_bytes, (void*) (uintptr_t) native_pointer(env, stream),
                              parameters == NULL ? NULL : arguments, NULL);
        }
    }
    for (jsize i = 0; i < resolved && memories != NULL; i++) {
        release_host_memory(env, &memories[i], 0);
    }
    free(arguments);
    free(memories);
    return result;
}
