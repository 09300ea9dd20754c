package dev.ember.fuzz.query;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** What a {@link Select} reads: a table, a derived table, or a join of two relations. */
public sealed interface Relation {
    String sql();

    /** Variants with one part less; see {@link Query#smaller()}. */
    List<Relation> smaller();

    /** A table or common table expression, by name, under an alias. */
    record Table(String name, String alias) implements Relation {
        public Table {
            requireNonNull(name, "name is null");
            requireNonNull(alias, "alias is null");
        }

        @Override
        public String sql() {
            return name + " AS " + alias;
        }

        @Override
        public List<Relation> smaller() {
            return List.of();
        }
    }

    /** {@code (query) AS alias}. */
    record Derived(Query query, String alias) implements Relation {
        public Derived {
            requireNonNull(query, "query is null");
            requireNonNull(alias, "alias is null");
        }

        @Override
        public String sql() {
            return "(" + query.sql() + ") AS " + alias;
        }

        @Override
        public List<Relation> smaller() {
            return query.smaller().stream().map(q -> (Relation) new Derived(q, alias)).toList();
        }
    }

    /**
     * {@code left type JOIN right ON condition}, type one of {@code INNER}, {@code LEFT OUTER},
     * {@code RIGHT OUTER}, {@code FULL OUTER}, {@code LEFT SEMI}, {@code LEFT ANTI}.
     */
    record Join(Relation left, String type, Relation right, String condition) implements Relation {
        public Join {
            requireNonNull(left, "left is null");
            requireNonNull(type, "type is null");
            requireNonNull(right, "right is null");
            requireNonNull(condition, "condition is null");
        }

        @Override
        public String sql() {
            return left.sql() + " " + type + " JOIN " + right.sql() + " ON " + condition;
        }

        @Override
        public List<Relation> smaller() {
            List<Relation> smaller = new ArrayList<>(List.of(left, right));
            if (!type.equals("INNER")) {
                smaller.add(new Join(left, "INNER", right, condition));
            }
            for (Relation less : left.smaller()) {
                smaller.add(new Join(less, type, right, condition));
            }
            for (Relation less : right.smaller()) {
                smaller.add(new Join(left, type, less, condition));
            }
            return smaller;
        }
    }
}
