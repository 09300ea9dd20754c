#!/usr/bin/env bash
# Ember's CUDA path on linux-aarch64 (DGX Spark's GB10, Grace), tested on an x86-64 machine without a
# GPU: Debian's arm64 OpenJDK 17 under qemu-aarch64 user-mode emulation runs the plugin's tests with
# the CUDA driver emulator built for aarch64 as libcuda.so.1 and Ember's JCuda driver binding for
# linux-aarch64 (kernels/src/main/binding), both as the jar packs them.
#
#   kernels/test-aarch64.sh [ci|doctor|full]
#
#   doctor the aarch64 builds (the JCuda driver binding, the emulator with its own C++ tests under qemu) and
#         ember doctor --device emulator on the aarch64 JVM
#   ci    (default; the README's test command runs it) the doctor part and the SQL smoke: a Parquet filter
#         and projection, empty and one-row inputs (TestFilterProjectSql), TPC-H Q1's wide aggregation and
#         Q3's join, aggregation and top-N sort (TestTpchShapes), each query compared with Spark and the
#         Ember nodes that ran asserted, spark.ember.device=emulator. Under qemu on 2 cores (2026-12-05):
#         builds and the emulator's own tests about 3 minutes, the doctor about 3, the SQL smoke about 10
#         (Spark's start under emulation is most of it).
#   full  the doctor, the JUnit conformance suites (emulator-normal-order) and every emulator-sql test
#         (all of TestFilterProjectSql and TestTpchShapes among them): hours under qemu
#
# First run: installs the cross compilers, qemu-user and the arm64 JDK from Debian packages
# (kernels/install-cross-toolchain.sh, needs root or sudo). Offline Maven (-o): the dependencies must
# already be in ~/.m2 (any native build of the project puts them there).
set -euo pipefail

mode="${1:-ci}"
case "$mode" in
  ci|doctor|full) ;;
  *) echo "usage: kernels/test-aarch64.sh [ci|doctor|full]" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kernels="$root/kernels"
jdk="${EMBER_ARM64_JDK_DIR:-$kernels/target/arm64-jdk}"
export EMBER_ARM64_JDK_ROOT="$jdk/root"
say() { echo "[ember aarch64] $*"; }

if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null \
    || [[ ! -x "$EMBER_ARM64_JDK_ROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java" ]]; then
  say "installing the aarch64 cross compilers, qemu-user and the arm64 JDK (Debian packages)"
  "$kernels/install-cross-toolchain.sh" --jdk "$jdk"
fi

maven=(mvn -B -ntp -o -pl kernels,plugin)

# 1. The native build: the aarch64 JCuda driver binding lands in kernels/target/classes/lib, where
#    JCuda's loader looks for it on linux-aarch64.
#    The same reactor run writes the plugin's compile classpath for the aarch64 JVM (the kernels module is on it
#    as kernels/target/classes; a separate -pl plugin run would look for an installed ember-kernels jar).
say "building kernels and plugin (the aarch64 binding is built when aarch64-linux-gnu-gcc exists)"
classpath_file="$kernels/target/aarch64-plugin-classpath.txt"
(cd "$root" && "${maven[@]}" -q test-compile dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile="$classpath_file" -Dmdep.excludeArtifactIds=ember-kernels,jcuda-natives)
[[ -f "$kernels/target/classes/lib/libJCudaDriver-12.0.0-linux-aarch64.so" ]] \
  || { say "the aarch64 JCuda driver binding was not built"; exit 1; }

# 2. The emulator for aarch64 (and its own C++ tests under qemu), packed where EmulatorLibrary looks
#    on linux-aarch64.
say "building the CUDA driver emulator for aarch64 and running its own tests under qemu"
bash "$kernels/build-kernels.sh" cross-test-aarch64 "$kernels/target/aarch64"
mkdir -p "$kernels/target/classes/dev/ember/kernels/emulator/linux-aarch64"
cp "$kernels/target/aarch64/aarch64/lib/libcuda.so.1" "$kernels/target/classes/dev/ember/kernels/emulator/linux-aarch64/"

qemu_java="$kernels/qemu-aarch64/bin/java"
classpath="$root/plugin/target/classes:$kernels/target/classes:$(cat "$classpath_file")"

# 3. ember doctor on the aarch64 JVM: the conformance suite through Ember's binding.
say "ember doctor --device emulator on the aarch64 JVM"
SPARK_LOCAL_IP=127.0.0.1 "$qemu_java" --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$classpath" \
    dev.ember.doctor.DoctorMain --device emulator | tee "$kernels/target/aarch64/doctor.txt"
[[ "$(tail -1 "$kernels/target/aarch64/doctor.txt")" =~ ^[0-9]+\ passed,\ 0\ failed$ ]] || exit 1
grep -q "platform: Linux aarch64" "$kernels/target/aarch64/doctor.txt" || { say "the doctor did not run on aarch64"; exit 1; }

if [[ "$mode" == doctor ]]; then
  say "passed: the aarch64 builds and the doctor on linux-aarch64"
  exit 0
fi

# 4. The SQL smoke (and in full mode the JUnit suites) in surefire's forked JVM, which is the aarch64 one.
#    Local files are written through the tests' ForklessLocalFileSystem: without Hadoop's native library the
#    stock one starts a chmod process per directory and file a write makes (about 135 in the smoke), and under
#    qemu-user a process start from the many-threaded JVM sometimes never returns (2026-12-06: the smoke hung
#    35 minutes in ProcessImpl.forkAndExec under a Parquet write's FileOutputCommitter.setupJob). The
#    timeout ends a hung fork well inside CI's limit, as a failure that says so.
sql_tests="TestFilterProjectSql#parquetQueryRunsFilterAndProjectOnEmberAndExplains+emptyAndOneRowInputs,TestTpchShapes#q1WideAggregation+q3JoinAggregateTopN"
runs=("surefire:test@emulator-sql")
timeout_s=1800
if [[ "$mode" == full ]]; then
  sql_tests=""
  runs=("surefire:test@emulator-normal-order" "surefire:test@emulator-sql")
  timeout_s=21600
fi
say "${runs[*]} ${sql_tests:+-Dtest=$sql_tests} in the aarch64 JVM"
(cd "$root" && "${maven[@]}" test-compile "${runs[@]}" -Djvm="$qemu_java" \
    -Dsurefire.failIfNoSpecifiedTests=false ${sql_tests:+-Dtest=$sql_tests} \
    -Dember.test.forklessLocalFs=true -Dsurefire.timeout="$timeout_s")
say "passed: doctor on linux-aarch64 and the ${mode} SQL run"
