package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * One instruction of a {@link Program}: an opcode, the type it produces, how many operands it pops,
 * flags, and typed constants. Plain data only, so that a device kernel can interpret the same
 * program. Instances are immutable: the constant arrays are copied in and never handed out.
 */
public final class Instruction implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Raise an error (poison the row) where Spark's ANSI mode would; otherwise return null. */
    public static final int FLAG_FAIL_ON_ERROR = 1;
    /** Spark's TRY mode of a binary arithmetic: the instruction's own error becomes null. */
    public static final int FLAG_NULL_ON_OWN_ERROR = 2;
    /** {@link Opcode#LITERAL}: the constant is null. */
    public static final int FLAG_NULL_CONSTANT = 4;
    /** {@link Opcode#IN}, {@link Opcode#IN_SET}: the list holds a null. */
    public static final int FLAG_LIST_HAS_NULL = 8;
    /** {@link Opcode#CASE_WHEN}: the last operand is the else value. */
    public static final int FLAG_HAS_ELSE = 16;

    private static final long[] NO_LONGS = new long[0];
    private static final double[] NO_DOUBLES = new double[0];
    private static final BigDecimal[] NO_DECIMALS = new BigDecimal[0];
    private static final byte[][] NO_STRINGS = new byte[0][];

    private final Opcode opcode;
    private final ValueType type;
    private final int operandCount;
    private final int flags;
    private final long[] longs;
    private final double[] doubles;
    private final BigDecimal[] decimals;
    private final byte[][] strings;

    private Instruction(Builder builder) {
        this.opcode = requireNonNull(builder.opcode, "opcode is null");
        this.type = requireNonNull(builder.type, "type is null");
        if (builder.operandCount < 0) {
            throw new IllegalArgumentException("operandCount must be >= 0, got " + builder.operandCount);
        }
        this.operandCount = builder.operandCount;
        this.flags = builder.flags;
        this.longs = builder.longs.clone();
        this.doubles = builder.doubles.clone();
        this.decimals = builder.decimals.clone();
        this.strings = new byte[builder.strings.length][];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = builder.strings[i] == null ? null : builder.strings[i].clone();
        }
    }

    /** A builder for an instruction of {@code opcode} producing {@code type} from {@code operandCount} operands. */
    public static Builder builder(Opcode opcode, ValueType type, int operandCount) {
        return new Builder(opcode, type, operandCount);
    }

    public Opcode opcode() {
        return opcode;
    }

    /** The type of the column the instruction pushes. */
    public ValueType type() {
        return type;
    }

    public int operandCount() {
        return operandCount;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    public int longCount() {
        return longs.length;
    }

    public long longAt(int index) {
        return longs[index];
    }

    public int doubleCount() {
        return doubles.length;
    }

    public double doubleAt(int index) {
        return doubles[index];
    }

    public int decimalCount() {
        return decimals.length;
    }

    public BigDecimal decimalAt(int index) {
        return decimals[index];
    }

    public int stringCount() {
        return strings.length;
    }

    /** A copy of string constant {@code index} (UTF-8). */
    public byte[] stringAt(int index) {
        return strings[index].clone();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(opcode.name()).append(':').append(type);
        if (operandCount > 0) {
            text.append('/').append(operandCount);
        }
        if (flags != 0) {
            text.append(" flags=").append(flags);
        }
        if (longs.length > 0) {
            text.append(' ').append(Arrays.toString(longs));
        }
        if (doubles.length > 0) {
            text.append(' ').append(Arrays.toString(doubles));
        }
        if (decimals.length > 0) {
            text.append(' ').append(Arrays.toString(decimals));
        }
        for (byte[] string : strings) {
            text.append(" '").append(new String(string, java.nio.charset.StandardCharsets.UTF_8)).append('\'');
        }
        return text.toString();
    }

    /** Collects the constants of one instruction. */
    public static final class Builder {
        private final Opcode opcode;
        private final ValueType type;
        private final int operandCount;
        private int flags;
        private long[] longs = NO_LONGS;
        private double[] doubles = NO_DOUBLES;
        private BigDecimal[] decimals = NO_DECIMALS;
        private byte[][] strings = NO_STRINGS;

        private Builder(Opcode opcode, ValueType type, int operandCount) {
            this.opcode = opcode;
            this.type = type;
            this.operandCount = operandCount;
        }

        public Builder flag(int flag, boolean on) {
            flags = on ? flags | flag : flags & ~flag;
            return this;
        }

        public Builder longs(long... values) {
            longs = requireNonNull(values, "values is null");
            return this;
        }

        public Builder doubles(double... values) {
            doubles = requireNonNull(values, "values is null");
            return this;
        }

        public Builder decimals(BigDecimal... values) {
            decimals = requireNonNull(values, "values is null");
            return this;
        }

        public Builder strings(byte[]... values) {
            strings = requireNonNull(values, "values is null");
            return this;
        }

        public Instruction build() {
            return new Instruction(this);
        }
    }
}
