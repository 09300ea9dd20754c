package dev.ember.device.cuda;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.DeviceActivity;
import dev.ember.device.Primitive;
import dev.ember.device.host.HostDevice;
import dev.ember.expr.HostInterpreter;
import dev.ember.expr.Opcode;
import dev.ember.expr.Program;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code evaluate} on the GPU: one launch of the interpreter kernel {@code evaluate_program} per
 * batch, each thread running the whole encoded program for its rows (no intermediate columns).
 *
 * <p>Whether the kernel covers a program is decided once per {@link Program} instance and cached
 * (weakly, by identity). A program it does not cover, or inputs outside managed memory, run on
 * the {@link HostDevice} the CUDA device holds (the host interpreter) over the same buffers instead;
 * each such call is counted, reported to the current {@link dev.ember.device.DeviceActivitySink} and
 * logged at debug level with the reason. A poisoned row makes the call throw Spark's own exception for
 * the first poisoned row, replayed exactly as the host interpreter does. When the kernel reports that
 * some row needs the host (LIKE over text that is not well-formed UTF-8, which the host decodes
 * with replacement characters; UPPER or LOWER of text that is not ASCII, which the host maps with
 * Spark's own case mapping), the whole batch is evaluated again on the host and counted there.
 * Strings that UPPER, LOWER and CONCAT make live in an arena buffer sized by {@link ComputedStringArena}
 * and kept alive until the string result is copied out.
 *
 * <p>Input column table: {@code kColumnWords} (3) words per input ordinal, the addresses of its
 * data, validity and (strings) int32 offsets buffers; ordinals the program does not read stay 0.
 *
 * <p>Thread-safe: the cache is synchronized, the counters atomic, launches go to the calling
 * thread's stream.
 */
final class ExpressionKernel {

    private static final Logger LOG = LoggerFactory.getLogger(ExpressionKernel.class);

    /**
     * The most bytes of computed strings (UPPER, LOWER, CONCAT) a batch may need for the kernel to run it;
     * twice the most bytes a string result may hold. Larger needs run on the host interpreter.
     */
    private static final long MAX_ARENA_BYTES = 2L * Integer.MAX_VALUE;

    /** Words per input ordinal in the column table ({@code kColumnWords} of expression.h). */
    private static final int COLUMN_WORDS = 3;

    /** What a launch found: the first poisoned row (rowCount when none) and whether a row needs the host. */
    private record Outcome(int firstPoisoned, boolean hostNeeded) {}

    /**
     * An encoded program and the input ordinals it reads (other inputs, possibly of types the
     * kernel cannot read, are never touched), or why the kernel cannot run it.
     */
    private record Plan(long[] words, int[] readOrdinals, String unsupportedReason) {}

    private final KernelLauncher launcher;
    private final HostDevice host;
    private final ExpressionStringResults stringResults;
    private final Map<Program, Plan> plans = Collections.synchronizedMap(new WeakHashMap<>());
    private final AtomicLong kernelEvaluations = new AtomicLong();
    private final AtomicLong hostEvaluations = new AtomicLong();

    ExpressionKernel(KernelLauncher launcher, HostDevice host) {
        this.launcher = launcher;
        this.host = host;
        this.stringResults = new ExpressionStringResults(launcher);
    }

    /** Calls of {@link #evaluate} that ran the kernel. */
    long kernelEvaluations() {
        return kernelEvaluations.get();
    }

    /** Calls of {@link #evaluate} that ran on the host interpreter instead. */
    long hostEvaluations() {
        return hostEvaluations.get();
    }

    /** Why the kernel would not run {@code program}, or empty when it would. */
    Optional<String> unsupportedReason(Program program) {
        return Optional.ofNullable(plan(program).unsupportedReason());
    }

    FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount, BufferAllocator allocator) {
        checkArguments(program, inputs, rowCount);
        Plan plan = plan(program);
        String hostReason = plan.unsupportedReason();
        if (hostReason == null) {
            hostReason = unmanagedInput(plan, inputs, rowCount);
        }
        long arenaBytes = hostReason == null && ComputedStringArena.computesStrings(program)
                ? ComputedStringArena.capacity(program, inputs, rowCount) : 0;
        if (hostReason == null && arenaBytes > MAX_ARENA_BYTES) {
            hostReason = "its computed strings could take " + (arenaBytes == Long.MAX_VALUE ? "more than 2^63" : arenaBytes)
                    + " bytes, more than the kernel's arena of " + MAX_ARENA_BYTES + " bytes per batch";
        }
        if (hostReason != null) {
            return evaluateOnHost(program, inputs, rowCount, allocator, hostReason);
        }
        FieldVector result = ArrowTypes.newVector("result", program.resultType(), allocator);
        try {
            result.setInitialCapacity(rowCount);
            result.allocateNew();
            if (rowCount > 0) {
                Outcome outcome = launch(plan, program, inputs, rowCount, result, arenaBytes, allocator);
                if (outcome.hostNeeded()) {
                    result.close();
                    return evaluateOnHost(program, inputs, rowCount, allocator,
                            "a LIKE operand is not well-formed UTF-8, or an UPPER/LOWER operand is not ASCII;"
                                    + " the host decodes and maps it as Spark does");
                }
                if (outcome.firstPoisoned() < rowCount) {
                    kernelEvaluations.incrementAndGet();
                    throw HostInterpreter.replayError(program, inputs, outcome.firstPoisoned());
                }
            }
            kernelEvaluations.incrementAndGet();
            result.setValueCount(rowCount);
            return result;
        } catch (RuntimeException | Error e) {
            result.close();
            throw e;
        }
    }

    /**
     * Runs the kernel into {@code result}. A string result is written in two steps: the kernel writes
     * one view per row into a scratch buffer, then {@link ExpressionStringResults} copies the bytes
     * while the program buffer and the arena, which hold the constants and computed strings some views
     * point into, are still alive.
     */
    private Outcome launch(Plan plan, Program program, List<FieldVector> inputs, int rowCount, FieldVector result,
            long arenaBytes, BufferAllocator allocator) {
        long[] words = plan.words();
        int inputCount = program.inputTypes().size();
        BaseVariableWidthVector stringResult = result instanceof BaseVariableWidthVector strings ? strings : null;
        long resultValidity = result.getValidityBuffer().memoryAddress();
        launcher.requireManaged("the result validity (from the caller's allocator)", resultValidity,
                result.getValidityBuffer().capacity());
        try (ArrowBuf views = stringResult == null ? null : allocator.buffer(2L * Long.BYTES * rowCount);
                ArrowBuf programBuffer = allocator.buffer((long) words.length * Long.BYTES);
                ArrowBuf columns = allocator.buffer(Math.max(1, (long) COLUMN_WORDS * inputCount) * Long.BYTES);
                ArrowBuf firstPoisoned = allocator.buffer(2L * Integer.BYTES);
                ArrowBuf arena = allocator.buffer(ComputedStringArena.HEADER_BYTES + arenaBytes)) {
            ArrowBuf resultValues = views != null ? views : result.getDataBuffer();
            long resultData = resultValues.memoryAddress();
            launcher.requireManaged(views != null ? "the string views (from the caller's allocator)"
                    : "the result values (from the caller's allocator)", resultData, resultValues.capacity());
            launcher.requireManaged("the encoded program (from the caller's allocator)", programBuffer.memoryAddress(),
                    programBuffer.capacity());
            launcher.requireManaged("the input column table (from the caller's allocator)", columns.memoryAddress(),
                    columns.capacity());
            launcher.requireManaged("the poisoned-row cell (from the caller's allocator)", firstPoisoned.memoryAddress(),
                    firstPoisoned.capacity());
            for (int i = 0; i < words.length; i++) {
                programBuffer.setLong((long) i * Long.BYTES, words[i]);
            }
            columns.setZero(0, columns.capacity());
            for (int ordinal : plan.readOrdinals()) {
                List<ArrowBuf> buffers = readBuffers(inputs.get(ordinal));
                for (int word = 0; word < buffers.size(); word++) {
                    ArrowBuf buffer = buffers.get(word);
                    columns.setLong(((long) COLUMN_WORDS * ordinal + word) * Long.BYTES, buffer.memoryAddress());
                    launcher.prefetchToDevice(buffer.memoryAddress(), buffer.capacity());
                }
            }
            launcher.requireManaged("the computed-string arena (from the caller's allocator)", arena.memoryAddress(),
                    arena.capacity());
            arena.setLong(0, 0);
            arena.setLong(Long.BYTES, arenaBytes);
            firstPoisoned.setInt(0, rowCount);
            firstPoisoned.setInt(Integer.BYTES, 0);
            launcher.launch(Kernel.EVALUATE_PROGRAM, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                    .address("program", programBuffer.memoryAddress()).address("columns", columns.memoryAddress())
                    .integer("rowCount", rowCount)
                    .integer("resultKind", ExpressionProgramEncoder.kindCode(
                            program.instructions().get(program.instructions().size() - 1).type().kind()))
                    .address("resultData", resultData).address("resultValidity", resultValidity)
                    .address("firstPoisoned", firstPoisoned.memoryAddress())
                    .address("arena", arena.memoryAddress()));
            if (views == null) {
                launcher.prefetchToHost(resultData, resultValues.capacity());
            }
            launcher.prefetchToHost(resultValidity, result.getValidityBuffer().capacity());
            launcher.synchronize("evaluating an expression program");
            Outcome outcome = new Outcome(firstPoisoned.getInt(0), firstPoisoned.getInt(Integer.BYTES) != 0);
            if (stringResult != null && outcome.firstPoisoned() == rowCount && !outcome.hostNeeded()) {
                stringResults.write(views, rowCount, stringResult, allocator);
            }
            return outcome;
        }
    }

    /** The buffers the kernel reads of an input column, in column-table order: data, validity, offsets. */
    private static List<ArrowBuf> readBuffers(FieldVector input) {
        if (input instanceof BaseVariableWidthVector variableWidth) {
            return List.of(variableWidth.getDataBuffer(), variableWidth.getValidityBuffer(),
                    variableWidth.getOffsetBuffer());
        }
        return List.of(input.getDataBuffer(), input.getValidityBuffer());
    }

    private FieldVector evaluateOnHost(Program program, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator, String reason) {
        hostEvaluations.incrementAndGet();
        DeviceActivity.current().primitiveOnHost(Primitive.EVALUATE);
        LOG.debug("expression {} runs on the host interpreter over unified memory: {}", program, reason);
        for (FieldVector input : inputs) {
            for (ArrowBuf buffer : input.getFieldBuffers()) {
                launcher.prefetchToHost(buffer.memoryAddress(), buffer.capacity());
            }
        }
        launcher.synchronize("prefetching expression inputs to the host");
        return host.evaluate(program, inputs, rowCount, allocator);
    }

    private Plan plan(Program program) {
        return plans.computeIfAbsent(program, key -> {
            try {
                int[] readOrdinals = key.instructions().stream()
                        .filter(instruction -> instruction.opcode() == Opcode.INPUT)
                        .mapToInt(instruction -> (int) instruction.longAt(0)).distinct().toArray();
                return new Plan(ExpressionProgramEncoder.encode(key), readOrdinals, null);
            } catch (UnsupportedOperationException e) {
                return new Plan(null, null, e.getMessage());
            }
        });
    }

    /** Why the kernel cannot read the inputs (a buffer outside managed memory), or null when it can. */
    private String unmanagedInput(Plan plan, List<FieldVector> inputs, int rowCount) {
        if (rowCount == 0) {
            return null;
        }
        for (int ordinal : plan.readOrdinals()) {
            FieldVector input = inputs.get(ordinal);
            for (ArrowBuf buffer : readBuffers(input)) {
                try {
                    launcher.requireManaged("input column " + ordinal, buffer.memoryAddress(), buffer.capacity());
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            }
        }
        return null;
    }

    private static void checkArguments(Program program, List<FieldVector> inputs, int rowCount) {
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must be >= 0, got " + rowCount);
        }
        if (inputs.size() < program.inputTypes().size()) {
            throw new IllegalArgumentException("the program reads " + program.inputTypes().size()
                    + " input columns but " + inputs.size() + " were given");
        }
        for (int i = 0; i < program.inputTypes().size(); i++) {
            FieldVector input = inputs.get(i);
            if (input == null) {
                throw new NullPointerException("input column " + i + " is null");
            }
            if (input.getValueCount() < rowCount) {
                throw new IllegalArgumentException("input column " + i + " has " + input.getValueCount()
                        + " rows, fewer than rowCount " + rowCount);
            }
        }
    }
}
