#!/usr/bin/env bash
# Builds what the kernels module packs, called by Maven (see pom.xml) or by hand:
#
#   build-kernels.sh build <classes dir> <build dir>   PTX check + ptxas + fatbin (needs nvcc),
#                                                      emulator libcuda.so.1 (needs g++)
#   build-kernels.sh test <classes dir> <build dir>    builds and runs the emulator's own tests
#   build-kernels.sh refresh-ptx                        rewrites the committed PTX from the sources
#   build-kernels.sh cross-test-aarch64 <build dir>     builds the emulator and its tests for aarch64
#                                                      (GB10, Grace) and runs them under qemu-aarch64;
#                                                      needs g++-aarch64-linux-gnu and qemu-user
#                                                      (kernels/install-cross-toolchain.sh installs both)
#
# The JCuda driver binding (src/main/binding: Ember's JNI entry points of JCuda's JCudaDriver, for
# platforms JCuda publishes no natives for) is built by 'build' for linux-aarch64 into the jar as
# lib/libJCudaDriver-12.0.0-linux-aarch64.so when aarch64-linux-gnu-gcc exists, and for this machine
# into <build dir>/jcuda-binding/host/ (not packed: JCuda's own natives serve x86-64), where the
# plugin's surefire execution emulator-ember-binding loads it instead of JCuda's.
#
# The committed PTX (src/main/resources/dev/ember/kernels/ptx, src/test/ptx) lets a machine
# without nvcc build the jar; where nvcc exists this script regenerates it and fails when the
# committed copy is stale. Without g++ the emulator is skipped with a message, and
# spark.ember.device=emulator then fails at run time saying so.
set -euo pipefail
shopt -s nullglob

MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CUDA_SOURCES="$MODULE/src/main/cuda"
EMULATOR_SOURCES="$MODULE/src/main/emulator"
COMMITTED_PTX="$MODULE/src/main/resources/dev/ember/kernels/ptx"
TEST_CUDA_SOURCES="$MODULE/src/test/cuda"
TEST_EMULATOR_SOURCES="$MODULE/src/test/emulator"
COMMITTED_TEST_PTX="$MODULE/src/test/ptx"
BINDING_SOURCES="$MODULE/src/main/binding"
JCUDA_VERSION=12.0.0
PTX_ARCH=compute_75
SASS_ARCHS="80 90 100 120 121"
# -ffp-contract=off: GCC contracts a * b + c into one fused multiply-add in C++ (its default is -ffp-contract=fast
# outside ISO C), and on aarch64, where FMA is in the base ISA, it does: one rounding instead of two, a last
# bit apart from the host's Java (the moments fold, seen by the aarch64 conformance run). x86-64 without -mfma
# has no FMA to contract into, which hid it.
CXXFLAGS=(-std=c++17 -ffp-contract=off -O2 -g -Wall -Wextra -Wno-unused-parameter -fPIC -pthread)

say() { echo "[ember kernels] $*"; }

platform() {
    case "$(uname -m)" in
        x86_64|amd64) echo "linux-x86_64" ;;
        aarch64|arm64) echo "linux-aarch64" ;;
        *) echo "linux-$(uname -m)" ;;
    esac
}

# Newer-than test: true when $1 is missing or older than any of the remaining files.
stale() {
    local target="$1"; shift
    [[ -e "$target" ]] || return 0
    local source
    for source in "$@"; do
        [[ "$source" -nt "$target" ]] && return 0
    done
    return 1
}

# PTX with the compiler's banner comments removed, so that a different nvcc build that emits the
# same code does not count as a change.
ptx_body() { grep -v '^//' "$1"; }

compile_ptx() {  # source.cu out.ptx
    nvcc -ptx -arch="$PTX_ARCH" -std=c++17 -I"$CUDA_SOURCES" -o "$2" "$1"
}

check_committed_ptx() {  # sources-dir committed-dir work-dir
    local sources="$1" committed="$2" work="$3" source name failed=0
    mkdir -p "$work"
    for source in "$sources"/*.cu; do
        name="$(basename "$source" .cu)"
        if stale "$work/$name.ptx" "$source" "$CUDA_SOURCES"/*.h "$CUDA_SOURCES"/*.cuh; then
            compile_ptx "$source" "$work/$name.ptx"
        fi
        if [[ ! -f "$committed/$name.ptx" ]] || ! diff -q <(ptx_body "$work/$name.ptx") <(ptx_body "$committed/$name.ptx") >/dev/null; then
            echo "[ember kernels] ERROR: the committed PTX $committed/$name.ptx is stale or missing: $source changed." >&2
            echo "[ember kernels]        run 'kernels/build-kernels.sh refresh-ptx' and commit the result." >&2
            failed=1
        fi
    done
    for source in "$committed"/*.ptx; do
        name="$(basename "$source" .ptx)"
        if [[ ! -f "$sources/$name.cu" ]]; then
            echo "[ember kernels] ERROR: $source has no source $sources/$name.cu; delete it." >&2
            failed=1
        fi
    done
    return $failed
}

# ptxas checks every PTX file for every architecture; with -v it also reports, per kernel, the registers,
# stack frame, local-memory spill stores and loads and static shared memory, which land in a table
# (<build dir>/ptxas-stats.tsv: file, kernel, arch, registers, stack, spill stores, spill loads, shared).
validate_with_ptxas() {  # stats-file ptx files...
    local stats="$1" ptx arch log
    shift
    log="$(mktemp)"
    printf 'file\tkernel\tarch\tregisters\tstack_bytes\tspill_store_bytes\tspill_load_bytes\tshared_bytes\n' > "$stats.tmp"
    for ptx in "$@"; do
        for arch in 75 $SASS_ARCHS; do
            if ! ptxas -v -arch="sm_$arch" -o /dev/null "$ptx" 2> "$log"; then
                cat "$log" >&2
                echo "[ember kernels] ERROR: ptxas rejects $ptx for sm_$arch" >&2
                rm -f "$log" "$stats.tmp"
                return 1
            fi
            awk -v file="$(basename "$ptx" .ptx)" -v arch="sm_$arch" '
                /Compiling entry function/ { split($0, quoted, "'\''"); kernel = quoted[2]; stack = 0; stores = 0; loads = 0 }
                /bytes stack frame/ { stack = $1; stores = $5; loads = $9 }
                /Used [0-9]+ registers/ {
                    registers = 0; shared = 0
                    for (i = 1; i <= NF; i++) {
                        if ($i == "registers,") registers = $(i - 1)
                        if ($i == "smem" || $i == "smem,") shared = $(i - 2)
                    }
                    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", file, kernel, arch, registers, stack, stores, loads, shared
                }' "$log" >> "$stats.tmp"
        done
    done
    rm -f "$log"
    mv "$stats.tmp" "$stats"
}

# One line per kernel of the given files: its registers per architecture, and its largest stack frame (local
# memory the kernel asks for, e.g. an array indexed at run time), spill and shared memory over them; a kernel
# that spills to local memory is named in a warning.
print_ptxas_stats() {  # stats-file file-names...
    awk -F '\t' -v archs="sm_75 sm_${SASS_ARCHS// / sm_}" -v files=" $* " '
        NR == 1 { next }
        index(files, " " $1 " ") == 0 { next }
        {
            key = $1 "." $2
            if (!(key in registers)) { order[++count] = key }
            registers[key] = registers[key] (registers[key] == "" ? "" : "/") $4
            if ($5 > stack[key]) stack[key] = $5
            if ($6 + $7 > spill[key]) spill[key] = $6 + $7
            if ($8 > shared[key]) shared[key] = $8
        }
        END {
            gsub(" ", "/", archs)
            for (i = 1; i <= count; i++) {
                key = order[i]
                printf "[ember kernels] ptxas %s: registers %s (%s), stack %d B, spill %d B, shared %d B\n", key, registers[key], archs, stack[key], spill[key], shared[key]
                if (spill[key] > 0) printf "[ember kernels] WARNING: %s spills %d bytes to local memory on some architecture\n", key, spill[key]
            }
        }' "$1"
}

build_fatbins() {  # out-dir
    local out="$1" source name arguments=()
    mkdir -p "$out"
    arguments+=(-gencode "arch=$PTX_ARCH,code=$PTX_ARCH")
    local arch
    for arch in $SASS_ARCHS; do
        arguments+=(-gencode "arch=compute_$arch,code=sm_$arch")
    done
    for source in "$CUDA_SOURCES"/*.cu; do
        name="$(basename "$source" .cu)"
        if stale "$out/$name.fatbin" "$source" "$CUDA_SOURCES"/*.h "$CUDA_SOURCES"/*.cuh; then
            say "fatbin $name (PTX $PTX_ARCH + SASS sm_${SASS_ARCHS// /, sm_})"
            nvcc -fatbin -std=c++17 "${arguments[@]}" -o "$out/$name.fatbin" "$source"
        fi
    done
}

# Compiles the emulator and the kernels with g++ into libcuda.so.1, defining every cu* symbol
# JCuda imports: the ones not implemented by driver*.cpp get a generated stub returning
# CUDA_ERROR_NOT_SUPPORTED.
build_emulator() {  # out-dir work-dir [compiler]
    local out="$1" work="$2/emulator" compiler="${3:-g++}"
    local library="$out/libcuda.so.1"
    mkdir -p "$out" "$work"
    local inputs=("$EMULATOR_SOURCES"/* "$CUDA_SOURCES"/* "$MODULE/build-kernels.sh")
    if ! stale "$library" "${inputs[@]}"; then
        return 0
    fi
    say "building the CUDA driver emulator $library"
    local objects=() source
    for source in "$EMULATOR_SOURCES"/*.cpp; do
        "$compiler" "${CXXFLAGS[@]}" -c "$source" -o "$work/$(basename "$source" .cpp).o"
        objects+=("$work/$(basename "$source" .cpp).o")
    done
    "$compiler" -c -fPIC "$EMULATOR_SOURCES/fiber_switch.S" -o "$work/fiber_switch.o"
    objects+=("$work/fiber_switch.o")
    for source in "$CUDA_SOURCES"/*.cu; do
        "$compiler" "${CXXFLAGS[@]}" -x c++ -c "$source" -o "$work/kernel_$(basename "$source" .cu).o"
        objects+=("$work/kernel_$(basename "$source" .cu).o")
    done
    nm --defined-only -g "${objects[@]}" 2>/dev/null | awk '$2 == "T" {print $3}' | sort -u > "$work/implemented.txt"
    {
        echo "// Generated by build-kernels.sh: the cu* calls JCuda imports that the emulator does not implement."
        echo "extern \"C\" {"
        comm -23 <(sort -u "$EMULATOR_SOURCES/jcuda_driver_imports.txt") "$work/implemented.txt" | while read -r symbol; do
            echo "int $symbol() { return 801; /* CUDA_ERROR_NOT_SUPPORTED */ }"
        done
        echo "}"
    } > "$work/unsupported_calls.cpp"
    "$compiler" "${CXXFLAGS[@]}" -c "$work/unsupported_calls.cpp" -o "$work/unsupported_calls.o"
    objects+=("$work/unsupported_calls.o")
    "$compiler" -shared -pthread -Wl,-soname,libcuda.so.1 -Wl,--no-undefined -o "$library.tmp" "${objects[@]}"
    local missing
    missing="$(comm -23 <(sort -u "$EMULATOR_SOURCES/jcuda_driver_imports.txt") <(nm -D --defined-only "$library.tmp" | awk '{print $3}' | sort -u))"
    if [[ -n "$missing" ]]; then
        echo "[ember kernels] ERROR: the emulator lacks symbols JCuda imports: $missing" >&2
        return 1
    fi
    mv "$library.tmp" "$library"
    say "emulator defines all $(wc -l < "$EMULATOR_SOURCES/jcuda_driver_imports.txt") cu* symbols JCuda imports, $(comm -12 <(sort -u "$EMULATOR_SOURCES/jcuda_driver_imports.txt") "$work/implemented.txt" | wc -l) of them implemented"
}

# JNI headers of the JDK that runs the build: jni.h and Linux's jni_md.h are the same for every
# Linux architecture, so they serve the cross build too.
jni_includes() {
    local java_home="${JAVA_HOME:-}"
    if [[ -z "$java_home" || ! -f "$java_home/include/jni.h" ]]; then
        java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")"
    fi
    [[ -f "$java_home/include/jni.h" ]] || return 1
    echo "-I$java_home/include -I$java_home/include/linux"
}

# Ember's JCuda driver binding for one platform: lib<name>.so as JCuda's LibUtils names it.
build_binding() {  # out-dir platform compiler
    local out="$1" platform="$2" compiler="$3" includes
    local library="$out/libJCudaDriver-$JCUDA_VERSION-$platform.so"
    includes="$(jni_includes)" || { say "no JDK headers (jni.h) found: the JCuda driver binding for $platform is not built"; return 0; }
    if ! stale "$library" "$BINDING_SOURCES"/* "$MODULE/build-kernels.sh"; then
        return 0
    fi
    mkdir -p "$out"
    # shellcheck disable=SC2086
    "$compiler" -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter -fPIC -shared $includes \
        -o "$library.tmp" "$BINDING_SOURCES/jcuda_driver_binding.c" -ldl
    mv "$library.tmp" "$library"
    say "JCuda driver binding for $platform: $library"
}

build_emulator_tests() {  # library work-dir [compiler]
    local library="$1" work="$2" compiler="${3:-g++}"
    local library_dir
    library_dir="$(cd "$(dirname "$library")" && pwd)"  # absolute: the rpath must not depend on the cwd
    mkdir -p "$work"
    if stale "$work/test_emulator" "$library" "$TEST_CUDA_SOURCES"/* "$TEST_EMULATOR_SOURCES"/* "$CUDA_SOURCES"/*; then
        "$compiler" "${CXXFLAGS[@]}" -I"$CUDA_SOURCES" -x c++ -c "$TEST_CUDA_SOURCES"/emulator_test_kernels.cu -o "$work/emulator_test_kernels.o"
        "$compiler" "${CXXFLAGS[@]}" -DEMBER_TEST_PTX_DIR="\"$COMMITTED_TEST_PTX\"" -c "$TEST_EMULATOR_SOURCES"/test_emulator.cpp -o "$work/test_emulator.o"
        "$compiler" -pthread -o "$work/test_emulator" "$work/test_emulator.o" "$work/emulator_test_kernels.o" \
            -L"$library_dir" -l:libcuda.so.1 -Wl,-rpath,"$library_dir"
    fi
}

run_emulator_tests() {  # test-program [runner...]
    local program="$1"; shift
    say "emulator tests (normal order)"
    "$@" "$program"
    say "emulator tests (reverse thread order)"
    EMBER_EMULATOR_REVERSE_THREADS=1 "$@" "$program"
    say "emulator tests (forced fibers)"
    EMBER_EMULATOR_FORCE_FIBERS=1 "$@" "$program"
    say "emulator switch tests"
    "$@" "$program" --switches
}

command="${1:-}"
case "$command" in
    build)
        classes="$2"; build="$3"
        if command -v nvcc >/dev/null 2>&1; then
            check_committed_ptx "$CUDA_SOURCES" "$COMMITTED_PTX" "$build/ptx"
            check_committed_ptx "$TEST_CUDA_SOURCES" "$COMMITTED_TEST_PTX" "$build/test-ptx"
            if stale "$build/ptx/.validated" "$build"/ptx/*.ptx "$build"/test-ptx/*.ptx; then
                validate_with_ptxas "$build/ptxas-stats.tsv" "$build"/ptx/*.ptx "$build"/test-ptx/*.ptx
                touch "$build/ptx/.validated"
                say "PTX is current and ptxas accepts it for sm_75 and sm_${SASS_ARCHS// /, sm_}; per kernel (the table: $build/ptxas-stats.tsv):"
                main_files=()
                for ptx in "$build"/ptx/*.ptx; do main_files+=("$(basename "$ptx" .ptx)"); done
                print_ptxas_stats "$build/ptxas-stats.tsv" "${main_files[@]}"
            fi
            build_fatbins "$classes/dev/ember/kernels/fatbin"
        else
            say "nvcc not found: packing the committed PTX as it is (no freshness check, no fatbin)"
        fi
        if command -v g++ >/dev/null 2>&1; then
            build_emulator "$classes/dev/ember/kernels/emulator/$(platform)" "$build"
        else
            say "g++ not found: the CUDA driver emulator is not built; spark.ember.device=emulator will fail at run time"
        fi
        if command -v gcc >/dev/null 2>&1; then
            build_binding "$build/jcuda-binding/host" "$(platform)" gcc
        fi
        if [[ "$(platform)" == linux-aarch64 ]] && command -v gcc >/dev/null 2>&1; then
            build_binding "$classes/lib" linux-aarch64 gcc
        elif command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
            build_binding "$classes/lib" linux-aarch64 aarch64-linux-gnu-gcc
        else
            say "aarch64-linux-gnu-gcc not found (kernels/install-cross-toolchain.sh): the jar carries no JCuda driver binding for linux-aarch64"
        fi
        ;;
    test)
        classes="$2"; build="$3"
        library="$classes/dev/ember/kernels/emulator/$(platform)/libcuda.so.1"
        if [[ ! -f "$library" ]]; then
            say "no emulator was built (g++ missing): skipping its tests"
            exit 0
        fi
        work="$build/emulator-test"
        build_emulator_tests "$library" "$work"
        run_emulator_tests "$work/test_emulator"
        ;;
    refresh-ptx)
        command -v nvcc >/dev/null 2>&1 || { echo "refresh-ptx needs nvcc" >&2; exit 1; }
        for source in "$CUDA_SOURCES"/*.cu; do
            compile_ptx "$source" "$COMMITTED_PTX/$(basename "$source" .cu).ptx"
        done
        for source in "$TEST_CUDA_SOURCES"/*.cu; do
            compile_ptx "$source" "$COMMITTED_TEST_PTX/$(basename "$source" .cu).ptx"
        done
        say "committed PTX rewritten; review and commit it"
        ;;
    cross-test-aarch64)
        build="$2"
        command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1 \
            || { echo "cross-test-aarch64 needs aarch64-linux-gnu-g++ (g++-aarch64-linux-gnu) and qemu-aarch64 (qemu-user)" >&2; exit 1; }
        out="$build/aarch64/lib"
        build_emulator "$out" "$build/aarch64" aarch64-linux-gnu-g++
        build_emulator_tests "$out/libcuda.so.1" "$build/aarch64/emulator-test" aarch64-linux-gnu-g++
        run_emulator_tests "$build/aarch64/emulator-test/test_emulator" qemu-aarch64 -L /usr/aarch64-linux-gnu
        ;;
    *)
        echo "usage: $0 build <classes dir> <build dir> | test <classes dir> <build dir> | refresh-ptx | cross-test-aarch64 <build dir>" >&2
        exit 2
        ;;
esac
