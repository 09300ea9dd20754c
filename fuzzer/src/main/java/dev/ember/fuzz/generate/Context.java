package dev.ember.fuzz.generate;

import dev.ember.fuzz.data.TableSet;
import dev.ember.fuzz.query.OutputColumn;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The state of generating one query: the random source, the tables, the shapes left out and those used,
 * the one error risk the query may take, and the common table expression in scope. Not thread-safe.
 */
final class Context {
    final Random random;
    final TableSet tables;
    private final Set<Shape> excluded;
    private final EnumSet<Shape> used = EnumSet.noneOf(Shape.class);
    private final Shape risk;
    /** Whether one expression holds the risk and no other may take it ({@link #risksAlone}). */
    private boolean riskHeldAlone;
    private int aliases;
    private String cteName;
    private List<OutputColumn> cteOutput = List.of();

    Context(Random random, TableSet tables, Set<Shape> excluded, Shape risk) {
        this.random = random;
        this.tables = tables;
        this.excluded = excluded.isEmpty() ? EnumSet.noneOf(Shape.class) : EnumSet.copyOf(excluded);
        this.risk = risk;
    }

    /** True {@code percent} percent of the time. */
    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    int between(int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** Whether {@code shape} may be used, {@code percent} percent of the time; records it as used when so. */
    boolean take(Shape shape, int percent) {
        if (excluded.contains(shape) || (shape.risk() && shape != risk) || !chance(percent)
                || (shape.risk() && riskHeldAlone)) {
            return false;
        }
        used.add(shape);
        return true;
    }

    /** Whether this query takes the risk {@code shape}, recording it as used when so. */
    boolean risks(Shape shape) {
        if (risk != shape || !chance(50) || riskHeldAlone) {
            return false;
        }
        used.add(shape);
        return true;
    }

    /**
     * As {@link #take} for the risk {@code shape}, for an expression that must hold the risk alone: one whose
     * error condition depends on where in the plan it fails, such as a wide decimal sum (Spark raises
     * {@code ARITHMETIC_OVERFLOW} where a partial sum outgrew its type, {@code NUMERIC_VALUE_OUT_OF_RANGE}
     * where an exact sum did at the end), so that no other expression's condition can come first. Taken only
     * when no expression holds the risk yet; then none other may. (Checked after the random draw, so queries
     * that never meet two such expressions are generated as before.)
     */
    boolean takeAlone(Shape shape, int percent) {
        if (excluded.contains(shape) || shape != risk || !chance(percent) || used.contains(shape)) {
            return false;
        }
        riskHeldAlone = true;
        used.add(shape);
        return true;
    }

    /** As {@link #risks}, for an expression that must hold the risk alone ({@link #takeAlone}). */
    boolean risksAlone(Shape shape) {
        if (risk != shape || !chance(50) || used.contains(shape)) {
            return false;
        }
        riskHeldAlone = true;
        used.add(shape);
        return true;
    }

    /** The one risk this query may take, or null. */
    Shape risk() {
        return risk;
    }

    Set<Shape> used() {
        return EnumSet.copyOf(used);
    }

    String alias() {
        return "a" + aliases++;
    }

    void cte(String name, List<OutputColumn> output) {
        this.cteName = name;
        this.cteOutput = List.copyOf(output);
    }

    /** The common table expression's name, or null when none is in scope. */
    String cteName() {
        return cteName;
    }

    List<OutputColumn> cteOutput() {
        return cteOutput;
    }
}
