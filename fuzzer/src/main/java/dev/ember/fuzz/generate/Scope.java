package dev.ember.fuzz.generate;

import dev.ember.fuzz.Family;
import dev.ember.fuzz.query.OutputColumn;
import java.util.ArrayList;
import java.util.List;

/** The columns an expression may reference, by qualified name, with their families. */
record Scope(List<OutputColumn> columns) {
    Scope {
        columns = List.copyOf(columns);
    }

    static Scope of(String alias, List<OutputColumn> output) {
        return new Scope(output.stream().map(c -> c.named(alias + "." + c.name())).toList());
    }

    Scope plus(Scope other) {
        List<OutputColumn> all = new ArrayList<>(columns);
        all.addAll(other.columns);
        return new Scope(all);
    }

    List<OutputColumn> ofFamily(Family family) {
        return columns.stream().filter(c -> c.family() == family).toList();
    }

    List<OutputColumn> comparableWith(Family family) {
        return columns.stream().filter(c -> c.family().comparesWith(family)).toList();
    }

    boolean isEmpty() {
        return columns.isEmpty();
    }
}
