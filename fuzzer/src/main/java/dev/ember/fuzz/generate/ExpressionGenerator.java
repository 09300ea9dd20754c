package dev.ember.fuzz.generate;

import dev.ember.fuzz.Family;
import dev.ember.fuzz.query.OutputColumn;
import java.util.List;

/**
 * Random scalar expressions of a wanted {@link Family} over the columns of a {@link Scope}: arithmetic,
 * comparisons, CASE, COALESCE, casts, string and date functions. Subqueries come from
 * {@link SubqueryGenerator}, which the query generator places where Spark allows them.
 *
 * <p>Expressions that may fail at run time (overflowing arithmetic, division by zero, narrowing or
 * string casts) appear only for the query's one risk shape; elsewhere their safe forms are used
 * ({@code try_add}, {@code NULLIF} divisors, {@code try_cast}).
 */
final class ExpressionGenerator {
    private static final List<String> COMPARISONS = List.of("=", "<>", "<", "<=", ">", ">=", "<=>");

    private final Context context;
    private final Literals literals;

    ExpressionGenerator(Context context) {
        this.context = context;
        this.literals = new Literals(context);
    }

    Literals literals() {
        return literals;
    }

    /** An expression of {@code family}, nested at most {@code depth} levels. */
    String expression(Family family, Scope scope, int depth) {
        List<OutputColumn> columns = scope.ofFamily(family);
        if (depth <= 0 || context.chance(30)) {
            return !columns.isEmpty() && context.chance(80) ? context.pick(columns).name() : literals.of(family);
        }
        int choice = context.random.nextInt(12);
        if (choice == 0) {
            return "CASE WHEN " + condition(scope, depth - 1) + " THEN " + expression(family, scope, depth - 1)
                    + " ELSE " + expression(family, scope, depth - 1) + " END";
        } else if (choice == 1) {
            return "COALESCE(" + expression(family, scope, depth - 1) + ", " + expression(family, scope, depth - 1) + ")";
        } else if (choice == 2) {
            return "IF(" + condition(scope, depth - 1) + ", " + expression(family, scope, depth - 1) + ", "
                    + expression(family, scope, depth - 1) + ")";
        }
        return switch (family) {
            case BOOLEAN -> condition(scope, depth);
            case INTEGRAL -> integral(scope, depth - 1);
            case DECIMAL -> decimal(scope, depth - 1);
            case FLOATING -> floating(scope, depth - 1);
            case STRING -> string(scope, depth - 1);
            case DATE -> date(scope, depth - 1);
            case TIMESTAMP -> context.chance(50) ? "CAST(" + expression(Family.DATE, scope, depth - 1) + " AS TIMESTAMP)"
                    : expression(Family.TIMESTAMP, scope, 0);
        };
    }

    /**
     * An expression that takes the query's risk over bare columns of {@code scope} (so that a table with
     * extreme values makes it fail), with its family; null when the query takes no risk or the scope has
     * no fitting columns.
     */
    Risky risky(Scope scope) {
        Shape risk = context.risk();
        if (risk == null) {
            return null;
        }
        List<OutputColumn> integral = scope.ofFamily(Family.INTEGRAL);
        List<OutputColumn> decimal = scope.ofFamily(Family.DECIMAL);
        List<OutputColumn> text = scope.ofFamily(Family.STRING);
        String expression = null;
        Family family = null;
        switch (risk) {
            case ARITHMETIC_OVERFLOW -> {
                if (!integral.isEmpty()) {
                    expression = "(" + context.pick(integral).name() + " " + context.pick(List.of("+", "-", "*")) + " "
                            + context.pick(integral).name() + ")";
                    family = Family.INTEGRAL;
                }
            }
            case DECIMAL_OVERFLOW -> {
                if (!decimal.isEmpty()) {
                    expression = "(" + context.pick(decimal).name() + " " + context.pick(List.of("+", "*", "*")) + " "
                            + context.pick(decimal).name() + ")";
                    family = Family.DECIMAL;
                }
            }
            case REMAINDER_BY_ZERO -> {
                if (!integral.isEmpty()) {
                    expression = "(" + context.pick(integral).name() + " % " + context.pick(integral).name() + ")";
                    family = Family.INTEGRAL;
                }
            }
            case CAST_OVERFLOW -> {
                List<OutputColumn> numbers = scope.columns().stream().filter(c -> c.family().numeric()).toList();
                if (!numbers.isEmpty()) {
                    expression = "CAST(" + context.pick(numbers).name() + " AS TINYINT)";
                    family = Family.INTEGRAL;
                }
            }
            case CAST_INVALID_INPUT -> {
                if (!text.isEmpty()) {
                    expression = "CAST(" + context.pick(text).name() + " AS INT)";
                    family = Family.INTEGRAL;
                }
            }
            default -> throw new IllegalStateException("not a risk: " + risk);
        }
        if (expression == null || !context.take(risk, 100)) {
            return null;  // no fitting column, or another expression holds the risk alone
        }
        return new Risky(expression, family);
    }

    /** An expression that may fail at run time, and its family. */
    record Risky(String sql, Family family) {}

    /** A boolean condition. */
    String condition(Scope scope, int depth) {
        if (depth <= 0) {
            return comparison(scope, 0);
        }
        int choice = context.random.nextInt(12);
        return switch (choice) {
            case 0 -> "(" + condition(scope, depth - 1) + " AND " + condition(scope, depth - 1) + ")";
            case 1 -> "(" + condition(scope, depth - 1) + " OR " + condition(scope, depth - 1) + ")";
            case 2 -> "(NOT " + condition(scope, depth - 1) + ")";
            case 3 -> nullTest(scope, depth - 1);
            case 4 -> inList(scope, depth - 1);
            case 5 -> between(scope, depth - 1);
            case 6 -> stringMatch(scope, depth - 1);
            case 7 -> {
                List<OutputColumn> flags = scope.ofFamily(Family.BOOLEAN);
                yield flags.isEmpty() ? comparison(scope, depth - 1) : context.pick(flags).name();
            }
            default -> comparison(scope, depth - 1);
        };
    }

    /** {@code x op y} over two expressions of comparable families. */
    String comparison(Scope scope, int depth) {
        Family family = columnFamily(scope);
        Family other = family.numeric() ? context.pick(List.of(Family.INTEGRAL, Family.DECIMAL, Family.FLOATING))
                : family;
        return "(" + expression(family, scope, depth) + " " + context.pick(COMPARISONS) + " "
                + expression(other, scope, depth) + ")";
    }

    /** The family of a random column in scope, or of a random family when the scope is empty. */
    Family columnFamily(Scope scope) {
        return scope.isEmpty() ? context.pick(List.of(Family.values())) : context.pick(scope.columns()).family();
    }

    private String nullTest(Scope scope, int depth) {
        return "(" + expression(columnFamily(scope), scope, depth) + (context.chance(50) ? " IS NULL)" : " IS NOT NULL)");
    }

    private String inList(Scope scope, int depth) {
        Family family = columnFamily(scope);
        StringBuilder list = new StringBuilder(literals.of(family));
        for (int i = context.between(0, 3); i > 0; i--) {
            list.append(", ").append(literals.of(family));
        }
        return "(" + expression(family, scope, depth) + (context.chance(25) ? " NOT IN (" : " IN (") + list + "))";
    }

    private String between(Scope scope, int depth) {
        Family family = columnFamily(scope);
        return "(" + expression(family, scope, depth) + " BETWEEN " + literals.of(family) + " AND "
                + literals.of(family) + ")";
    }

    private String stringMatch(Scope scope, int depth) {
        String text = expression(Family.STRING, scope, depth);
        return switch (context.random.nextInt(4)) {
            case 0 -> "(" + text + " LIKE " + literals.pattern() + ")";
            case 1 -> "startswith(" + text + ", " + literals.of(Family.STRING) + ")";
            case 2 -> "endswith(" + text + ", " + literals.of(Family.STRING) + ")";
            default -> "contains(" + text + ", " + literals.of(Family.STRING) + ")";
        };
    }

    private String integral(Scope scope, int depth) {
        String left = expression(Family.INTEGRAL, scope, depth);
        String right = expression(Family.INTEGRAL, scope, depth);
        return switch (context.random.nextInt(9)) {
            case 0, 1 -> context.risks(Shape.ARITHMETIC_OVERFLOW)
                    ? "(" + left + " " + context.pick(List.of("+", "-", "*")) + " " + right + ")"
                    : context.pick(List.of("try_add", "try_subtract", "try_multiply")) + "(" + left + ", " + right + ")";
            case 2 -> context.risks(Shape.REMAINDER_BY_ZERO) ? "(" + left + " % " + right + ")"
                    : "(" + left + " % NULLIF(" + right + ", 0))";
            case 3 -> "length(" + expression(Family.STRING, scope, depth) + ")";
            case 4 -> context.pick(List.of("year", "month", "dayofmonth")) + "(" + expression(Family.DATE, scope, depth) + ")";
            case 5 -> context.risks(Shape.CAST_OVERFLOW)
                    ? "CAST(" + expression(context.pick(List.of(Family.INTEGRAL, Family.DECIMAL, Family.FLOATING)), scope,
                            depth) + " AS " + context.pick(List.of("TINYINT", "SMALLINT", "INT")) + ")"
                    : "try_cast(" + expression(Family.DECIMAL, scope, depth) + " AS INT)";
            case 6 -> context.risks(Shape.CAST_INVALID_INPUT)
                    ? "CAST(" + expression(Family.STRING, scope, depth) + " AS INT)"
                    : "try_cast(" + expression(Family.STRING, scope, depth) + " AS BIGINT)";
            case 7 -> context.risks(Shape.ARITHMETIC_OVERFLOW) ? "(- " + left + ")" : "CAST(" + left + " AS BIGINT)";
            default -> "CAST(" + expression(Family.BOOLEAN, scope, depth) + " AS INT)";
        };
    }

    private String decimal(Scope scope, int depth) {
        String left = expression(Family.DECIMAL, scope, depth);
        return switch (context.random.nextInt(6)) {
            case 0, 1 -> {
                String right = expression(context.pick(List.of(Family.DECIMAL, Family.INTEGRAL)), scope, depth);
                yield context.risks(Shape.DECIMAL_OVERFLOW)
                        ? "(" + left + " " + context.pick(List.of("+", "-", "*")) + " " + right + ")"
                        : context.pick(List.of("try_add", "try_subtract")) + "(" + left + ", " + right + ")";
            }
            case 2 -> context.risks(Shape.DECIMAL_OVERFLOW)
                    ? "(" + left + " / NULLIF(" + expression(Family.DECIMAL, scope, depth) + ", 0))"
                    : "try_multiply(" + left + ", " + expression(Family.INTEGRAL, scope, depth) + ")";
            case 3 -> context.risks(Shape.DECIMAL_OVERFLOW) ? "CAST(" + left + " AS DECIMAL(5,2))"
                    : "try_cast(" + left + " AS DECIMAL(12,3))";
            case 4 -> "CAST(" + expression(Family.INTEGRAL, scope, depth) + " AS DECIMAL(20,0))";
            default -> context.risks(Shape.REMAINDER_BY_ZERO)
                    ? "(" + left + " % " + expression(Family.DECIMAL, scope, depth) + ")"
                    : "(" + left + " % NULLIF(" + expression(Family.INTEGRAL, scope, depth) + ", 0))";
        };
    }

    private String floating(Scope scope, int depth) {
        String left = expression(Family.FLOATING, scope, depth);
        String right = expression(context.pick(List.of(Family.FLOATING, Family.INTEGRAL)), scope, depth);
        return switch (context.random.nextInt(6)) {
            case 0, 1 -> "(" + left + " " + context.pick(List.of("+", "-", "*")) + " " + right + ")";
            case 2 -> "(" + left + " / NULLIF(" + right + ", 0))";
            case 3 -> "(- " + left + ")";
            case 4 -> "CAST(" + expression(context.pick(List.of(Family.INTEGRAL, Family.DECIMAL)), scope, depth)
                    + (context.chance(50) ? " AS DOUBLE)" : " AS FLOAT)");
            default -> context.risks(Shape.CAST_INVALID_INPUT)
                    ? "CAST(" + expression(Family.STRING, scope, depth) + " AS DOUBLE)"
                    : "try_cast(" + expression(Family.STRING, scope, depth) + " AS DOUBLE)";
        };
    }

    private String string(Scope scope, int depth) {
        String text = expression(Family.STRING, scope, depth);
        return switch (context.random.nextInt(6)) {
            case 0 -> "substring(" + text + ", " + context.between(-2, 3) + ", " + context.between(0, 3) + ")";
            case 1 -> "concat(" + text + ", " + expression(Family.STRING, scope, depth) + ")";
            case 2 -> context.pick(List.of("upper", "lower", "trim")) + "(" + text + ")";
            case 3 -> "CAST(" + expression(context.pick(List.of(Family.INTEGRAL, Family.DECIMAL, Family.DATE,
                    Family.BOOLEAN)), scope, depth) + " AS STRING)";
            case 4 -> "CAST(" + expression(Family.FLOATING, scope, depth) + " AS STRING)";
            default -> text;
        };
    }

    private String date(Scope scope, int depth) {
        return switch (context.random.nextInt(3)) {
            case 0 -> "date_add(" + expression(Family.DATE, scope, depth) + ", " + context.between(-3, 3) + ")";
            case 1 -> "CAST(" + expression(Family.TIMESTAMP, scope, depth) + " AS DATE)";
            default -> expression(Family.DATE, scope, depth);
        };
    }
}
