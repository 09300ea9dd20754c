package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.expr.Instruction;
import dev.ember.expr.Opcode;
import dev.ember.expr.Program;
import dev.ember.expr.ValueKind;
import dev.ember.expr.ValueType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Encodes a {@link Program} into the flat array of 64-bit words that the CUDA interpreter kernel
 * ({@code kernels/src/main/cuda/expression.cu}) reads, and decides whether the kernel covers a
 * program at all.
 *
 * <p>Layout (see {@code expression.h}, whose numbers {@link #opcodeCode} and {@link #kindCode} repeat):
 * word 0 is the instruction count N; instruction i takes words {@code 1 + 4i .. 4 + 4i}: a header
 * (opcode in bits 0-7, result kind 8-15, kind of the first operand 16-23, flags 24-31), the
 * operand count, the index of its first constant word and its constant count; the constants follow
 * the instructions (longs as they are, doubles as their raw IEEE bits, decimals as two words of the
 * 128-bit unscaled value). For decimals, header bits 32-63 carry the result precision and scale and
 * the operands' scales ({@link DecimalEncoding}). String constants (see
 * {@code expression_strings.cuh}) are a byte length followed by the UTF-8 bytes packed eight to a
 * word, little-endian; an IN list of strings is its element count followed by such strings; a LIKE
 * pattern is one word per {@link LikePatternTokens token}.
 *
 * <p>The kernel covers {@link #COVERED_OPCODES} over the kinds boolean, byte, short, int, long,
 * float, double, decimal, date, timestamp and string, with these limits: DIVIDE on floating point and
 * decimals only, CAST among boolean, integral and floating kinds (or to the same type), the
 * decimal casts of {@link DecimalEncoding} and string-to-string, YEAR/MONTH/DAY_OF_MONTH of dates,
 * ROUND/BROUND of integral values and decimals (not of float and double),
 * the decimal limits listed in {@link DecimalEncoding}, and a stack at most {@value #MAX_STACK} deep.
 * String values are views of the input or constant bytes, or of the arena where UPPER, LOWER and CONCAT
 * write the strings they make (see {@code ComputedStringArena}); a string result is copied out after the
 * evaluation (see {@code ExpressionStringResults}). Stateless and thread-safe.
 */
public final class ExpressionProgramEncoder {

    /** The deepest stack the kernel holds per thread ({@code kMaxStack}). */
    public static final int MAX_STACK = 32;

    /** The opcodes the kernel interprets, within the kind limits of the class comment. */
    public static final List<Opcode> COVERED_OPCODES = List.of(Opcode.INPUT, Opcode.LITERAL, Opcode.ADD,
            Opcode.SUBTRACT, Opcode.MULTIPLY, Opcode.DIVIDE, Opcode.REMAINDER, Opcode.NEGATE, Opcode.EQUAL,
            Opcode.LESS_THAN, Opcode.LESS_THAN_OR_EQUAL, Opcode.GREATER_THAN, Opcode.GREATER_THAN_OR_EQUAL,
            Opcode.NULL_SAFE_EQUAL, Opcode.AND, Opcode.OR, Opcode.NOT, Opcode.IS_NULL, Opcode.IS_NOT_NULL,
            Opcode.IN, Opcode.IN_SET, Opcode.IF, Opcode.CASE_WHEN, Opcode.COALESCE, Opcode.CAST, Opcode.YEAR,
            Opcode.MONTH, Opcode.DAY_OF_MONTH, Opcode.TRY, Opcode.NORMALIZE_FLOATING, Opcode.UNSCALED_VALUE,
            Opcode.MAKE_DECIMAL, Opcode.STARTS_WITH, Opcode.ENDS_WITH, Opcode.CONTAINS, Opcode.LIKE,
            Opcode.SUBSTRING, Opcode.LENGTH, Opcode.ABS, Opcode.BITWISE_AND, Opcode.BITWISE_OR, Opcode.BITWISE_XOR,
            Opcode.BITWISE_NOT, Opcode.SHIFT_LEFT, Opcode.SHIFT_RIGHT, Opcode.SHIFT_RIGHT_UNSIGNED, Opcode.DATE_ADD,
            Opcode.DATE_SUB, Opcode.DATE_DIFF, Opcode.ROUND, Opcode.BROUND, Opcode.UPPER, Opcode.LOWER, Opcode.CONCAT);

    private static final int HEADER_WORDS = 1;
    private static final int INSTRUCTION_WORDS = 4;

    private ExpressionProgramEncoder() {}

    /**
     * Why the kernel cannot run {@code program}, naming the first instruction it lacks, or empty
     * when it can.
     */
    public static Optional<String> unsupportedReason(Program program) {
        requireNonNull(program, "program is null");
        try {
            encode(program);
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The encoded program.
     *
     * @throws UnsupportedOperationException saying which instruction the kernel does not cover
     */
    public static long[] encode(Program program) {
        requireNonNull(program, "program is null");
        List<Instruction> instructions = program.instructions();
        int count = instructions.size();
        long[] headers = new long[count * INSTRUCTION_WORDS];
        List<Long> constants = new ArrayList<>();
        Deque<ValueType> stack = new ArrayDeque<>();
        int constantBase = HEADER_WORDS + count * INSTRUCTION_WORDS;
        for (int index = 0; index < count; index++) {
            Instruction instruction = instructions.get(index);
            if (stack.size() < instruction.operandCount()) {
                throw new IllegalArgumentException("malformed program: instruction " + index + " " + instruction
                        + " pops more operands than the stack holds: " + program);
            }
            List<ValueType> operands = new ArrayList<>();
            for (int i = 0; i < instruction.operandCount(); i++) {
                operands.add(0, stack.pop());
            }
            String problem = whyNotCovered(instruction, operands);
            if (problem != null) {
                throw new UnsupportedOperationException("the CUDA expression kernel does not cover instruction "
                        + index + " (" + instruction + "): " + problem);
            }
            int firstConstant = constantBase + constants.size();
            addConstants(instruction, operands, program, constants);
            int operandKind = operands.isEmpty() ? 0 : kindCode(operands.get(0).kind());
            int flags = flags(instruction);
            int offset = index * INSTRUCTION_WORDS;
            headers[offset] = opcodeCode(instruction.opcode()) | (kindCode(instruction.type().kind()) << 8)
                    | (operandKind << 16) | ((long) flags << 24) | DecimalEncoding.headerBits(instruction, operands);
            headers[offset + 1] = instruction.operandCount();
            headers[offset + 2] = firstConstant;
            headers[offset + 3] = constantBase + constants.size() - firstConstant;
            stack.push(instruction.type());
            if (stack.size() > MAX_STACK) {
                throw new UnsupportedOperationException("the program needs a stack deeper than the kernel's "
                        + MAX_STACK + " slots");
            }
        }
        if (stack.size() != 1) {
            throw new IllegalArgumentException("malformed program leaves " + stack.size() + " values: " + program);
        }
        long[] words = new long[constantBase + constants.size()];
        words[0] = count;
        System.arraycopy(headers, 0, words, HEADER_WORDS, headers.length);
        for (int i = 0; i < constants.size(); i++) {
            words[constantBase + i] = constants.get(i);
        }
        return words;
    }

    /** Null when the kernel covers the instruction over these operand types, else why not. */
    private static String whyNotCovered(Instruction instruction, List<ValueType> operands) {
        ValueKind kind = instruction.type().kind();
        Opcode opcode = instruction.opcode();
        if (!COVERED_OPCODES.contains(opcode)) {
            return "opcode " + opcode + " is not covered (covered: " + COVERED_OPCODES + ")";
        }
        if (DecimalEncoding.involvesDecimals(instruction, operands)) {
            return DecimalEncoding.whyNotCovered(instruction, operands);
        }
        return switch (opcode) {
            case ADD, SUBTRACT, MULTIPLY, REMAINDER, NEGATE ->
                    kind.isIntegral() || kind.isFloating() ? null : "arithmetic on " + instruction.type();
            case DIVIDE -> kind.isFloating() ? null : "division producing " + instruction.type();
            case CAST -> {
                ValueType from = operands.get(0);
                boolean numeric = isNumericOrBoolean(from.kind()) && isNumericOrBoolean(kind);
                yield numeric || from.equals(instruction.type()) ? null
                        : "casts from " + from + " to " + instruction.type();
            }
            case YEAR, MONTH, DAY_OF_MONTH -> operands.get(0).kind() == ValueKind.DATE ? null
                    : "date fields of " + operands.get(0);
            case NORMALIZE_FLOATING -> kind.isFloating() ? null : "normalizing " + instruction.type();
            case UNSCALED_VALUE, MAKE_DECIMAL -> "opcode " + opcode + " without decimals";
            case ABS -> kind.isIntegral() || kind.isFloating() ? null : "absolute value of " + instruction.type();
            case ROUND, BROUND -> kind.isIntegral() ? null
                    : "rounding " + instruction.type() + " (Spark rounds float and double through Java's"
                            + " Double.toString, which the kernel does not reproduce)";
            default -> null;
        };
    }

    private static boolean isNumericOrBoolean(ValueKind kind) {
        return kind == ValueKind.BOOLEAN || kind.isIntegral() || kind.isFloating();
    }

    private static void addConstants(Instruction instruction, List<ValueType> operands, Program program,
            List<Long> constants) {
        boolean floating = instruction.type().kind().isFloating();
        boolean decimal = instruction.type().kind() == ValueKind.DECIMAL;
        switch (instruction.opcode()) {
            case INPUT -> {
                long ordinal = instruction.longAt(0);
                if (ordinal < 0 || ordinal >= program.inputTypes().size()
                        || !program.inputTypes().get((int) ordinal).equals(instruction.type())) {
                    throw new IllegalArgumentException("malformed program: " + instruction + " reads input "
                            + ordinal + " of types " + program.inputTypes());
                }
                constants.add(ordinal);
            }
            case LITERAL -> {
                if (instruction.hasFlag(Instruction.FLAG_NULL_CONSTANT)) {
                    return;
                }
                if (instruction.type().kind() == ValueKind.STRING) {
                    addString(instruction.stringAt(0), constants);
                } else if (decimal) {
                    DecimalEncoding.addConstant(instruction.decimalAt(0), constants);
                } else {
                    constants.add(floating ? Double.doubleToRawLongBits(instruction.doubleAt(0)) : instruction.longAt(0));
                }
            }
            case IN, IN_SET -> {
                // a string list always starts with its count, also when it holds nothing but null
                if (operands.get(0).kind() == ValueKind.STRING) {
                    constants.add((long) instruction.stringCount());
                    for (int i = 0; i < instruction.stringCount(); i++) {
                        addString(instruction.stringAt(i), constants);
                    }
                    return;
                }
                // The list lives in the lane of the value's kind, not of the boolean result.
                for (int i = 0; i < instruction.doubleCount(); i++) {
                    constants.add(Double.doubleToRawLongBits(instruction.doubleAt(i)));
                }
                for (int i = 0; i < instruction.longCount(); i++) {
                    constants.add(instruction.longAt(i));
                }
                if (operands.get(0).kind() == ValueKind.DECIMAL) {
                    DecimalEncoding.addList(instruction, operands.get(0), constants);
                }
            }
            case ROUND, BROUND -> constants.add(instruction.longAt(0));
            case LIKE -> constants.addAll(LikePatternTokens.of(instruction.stringAt(0), (char) instruction.longAt(0)));
            default -> {
                // Other covered opcodes carry no constants.
            }
        }
    }

    /** Appends a string constant: its byte length, then its bytes eight to a word, little-endian. */
    private static void addString(byte[] utf8, List<Long> constants) {
        constants.add((long) utf8.length);
        for (int start = 0; start < utf8.length; start += Long.BYTES) {
            long word = 0;
            for (int i = 0; i < Long.BYTES && start + i < utf8.length; i++) {
                word |= (utf8[start + i] & 0xFFL) << (8 * i);
            }
            constants.add(word);
        }
    }

    private static int flags(Instruction instruction) {
        int flags = 0;
        for (int flag : new int[] {Instruction.FLAG_FAIL_ON_ERROR, Instruction.FLAG_NULL_ON_OWN_ERROR,
                Instruction.FLAG_NULL_CONSTANT, Instruction.FLAG_LIST_HAS_NULL, Instruction.FLAG_HAS_ELSE}) {
            if (instruction.hasFlag(flag)) {
                flags |= flag;
            }
        }
        return flags;
    }

    /** The kernel's number for an opcode ({@code enum Opcode} of expression.h). */
    static int opcodeCode(Opcode opcode) {
        return switch (opcode) {
            case INPUT -> 0;
            case LITERAL -> 1;
            case ADD -> 2;
            case SUBTRACT -> 3;
            case MULTIPLY -> 4;
            case DIVIDE -> 5;
            case REMAINDER -> 6;
            case NEGATE -> 7;
            case EQUAL -> 8;
            case LESS_THAN -> 9;
            case LESS_THAN_OR_EQUAL -> 10;
            case GREATER_THAN -> 11;
            case GREATER_THAN_OR_EQUAL -> 12;
            case NULL_SAFE_EQUAL -> 13;
            case AND -> 14;
            case OR -> 15;
            case NOT -> 16;
            case IS_NULL -> 17;
            case IS_NOT_NULL -> 18;
            case IN -> 19;
            case IN_SET -> 20;
            case IF -> 21;
            case CASE_WHEN -> 22;
            case COALESCE -> 23;
            case CAST -> 24;
            case YEAR -> 25;
            case MONTH -> 26;
            case DAY_OF_MONTH -> 27;
            case TRY -> 28;
            case NORMALIZE_FLOATING -> 29;
            case UNSCALED_VALUE -> 30;
            case MAKE_DECIMAL -> 31;
            case STARTS_WITH -> 40;
            case ENDS_WITH -> 41;
            case CONTAINS -> 42;
            case LIKE -> 43;
            case SUBSTRING -> 44;
            case LENGTH -> 45;
            case ABS -> 50;
            case BITWISE_AND -> 51;
            case BITWISE_OR -> 52;
            case BITWISE_XOR -> 53;
            case BITWISE_NOT -> 54;
            case SHIFT_LEFT -> 55;
            case SHIFT_RIGHT -> 56;
            case SHIFT_RIGHT_UNSIGNED -> 57;
            case DATE_ADD -> 58;
            case DATE_SUB -> 59;
            case DATE_DIFF -> 60;
            case ROUND -> 61;
            case BROUND -> 62;
            case UPPER -> 46;
            case LOWER -> 47;
            case CONCAT -> 48;
        };
    }

    /** The kernel's number for a kind ({@code enum Kind} of expression.h). */
    static int kindCode(ValueKind kind) {
        return switch (kind) {
            case BOOLEAN -> 0;
            case BYTE -> 1;
            case SHORT -> 2;
            case INT -> 3;
            case LONG -> 4;
            case FLOAT -> 5;
            case DOUBLE -> 6;
            case DATE -> 7;
            case TIMESTAMP -> 8;
            case DECIMAL -> 9;
            case STRING -> 16;
        };
    }
}
