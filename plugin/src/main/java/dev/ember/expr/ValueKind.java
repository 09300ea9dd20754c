package dev.ember.expr;

/**
 * The physical kind of a value in a program: how the interpreter stores it, independent of
 * precision and scale.
 *
 * <p>Storage on the host: {@link #BOOLEAN}, the integral kinds, {@link #DATE} (days since the
 * epoch) and {@link #TIMESTAMP} (microseconds since the epoch, UTC) in a {@code long}; {@link #FLOAT}
 * and {@link #DOUBLE} in a {@code double} (a float value is always rounded back to float after each
 * operation); {@link #DECIMAL} as its unscaled value at the type's scale, in one {@code long} up to
 * precision 18 and in two above (see {@code Column}); {@link #STRING} as UTF-8 bytes.
 */
public enum ValueKind {
    BOOLEAN,
    BYTE,
    SHORT,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    DECIMAL,
    DATE,
    TIMESTAMP,
    STRING;

    /** Whether the kind is one of byte, short, int or long. */
    public boolean isIntegral() {
        return this == BYTE || this == SHORT || this == INT || this == LONG;
    }

    /** Whether the kind is float or double. */
    public boolean isFloating() {
        return this == FLOAT || this == DOUBLE;
    }

    /** Whether a value of the kind is one {@code long} (decimals are not: they may take two). */
    public boolean isStoredAsLong() {
        return this == BOOLEAN || isIntegral() || this == DATE || this == TIMESTAMP;
    }
}
