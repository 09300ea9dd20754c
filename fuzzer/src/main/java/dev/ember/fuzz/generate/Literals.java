package dev.ember.fuzz.generate;

import dev.ember.fuzz.Family;
import java.util.List;

/** SQL literals of each family, close to the generated data so that comparisons with them go both ways. */
final class Literals {
    private static final List<String> STRINGS = List.of("''", "'a'", "'ab'", "'apple'", "'B'", "'ß'", "'日本語'",
            "'12'", "'NaN'", "' padded '");
    private static final List<String> DECIMALS = List.of("0.00", "1.25", "-3.50", "1", "12.345", "-0.25",
            "CAST(99999.99 AS DECIMAL(18,4))", "CAST(1 AS DECIMAL(38,10))");
    private static final List<String> FLOATS = List.of("0.0D", "-0.0D", "1.5D", "-2.125D", "CAST('NaN' AS DOUBLE)",
            "CAST('Infinity' AS DOUBLE)", "0.125F", "3.0F");
    private static final List<String> DATES = List.of("DATE '2000-02-27'", "DATE '2000-03-01'", "DATE '1970-01-01'",
            "DATE '9999-12-31'");
    private static final List<String> TIMESTAMPS = List.of("TIMESTAMP '2000-02-29 01:59:58'",
            "TIMESTAMP '2000-02-28 23:59:58'", "TIMESTAMP '1970-01-01 00:00:00'");

    private final Context context;

    Literals(Context context) {
        this.context = context;
    }

    /** A literal of {@code family}; one in ten is a typed NULL. */
    String of(Family family) {
        if (context.chance(10)) {
            return "CAST(NULL AS " + nullType(family) + ")";
        }
        return switch (family) {
            case BOOLEAN -> context.chance(50) ? "TRUE" : "FALSE";
            case INTEGRAL -> context.chance(20) ? "CAST(" + integer() + " AS TINYINT)" : Integer.toString(integer());
            case DECIMAL -> context.pick(DECIMALS);
            case FLOATING -> context.pick(FLOATS);
            case STRING -> context.pick(STRINGS);
            case DATE -> context.pick(DATES);
            case TIMESTAMP -> context.pick(TIMESTAMPS);
        };
    }

    /** A small integer near the generated keys. */
    int integer() {
        return context.between(-3, 5);
    }

    /** A LIKE pattern. */
    String pattern() {
        return context.pick(List.of("'a%'", "'%b'", "'_b%'", "'%p%'", "''", "'%'", "'a_b'"));
    }

    private static String nullType(Family family) {
        return switch (family) {
            case BOOLEAN -> "BOOLEAN";
            case INTEGRAL -> "INT";
            case DECIMAL -> "DECIMAL(18,4)";
            case FLOATING -> "DOUBLE";
            case STRING -> "STRING";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
        };
    }
}
