package dev.ember.fuzz.query;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ORDER BY} every output column, then optionally {@code LIMIT} and {@code OFFSET}; or, with no
 * keys, a bare {@code LIMIT ... OFFSET ...}, whose rows are not determined (only their count is, so only
 * a {@code count(*)} may read them).
 *
 * @param keys one {@code name direction nulls} text per output column, or none
 * @param limit the limit, or -1 for none
 * @param offset the offset, or 0 for none
 */
public record Ordering(List<String> keys, int limit, int offset) {
    public Ordering {
        keys = List.copyOf(keys);
        if (keys.isEmpty() && limit < 0 && offset == 0) {
            throw new IllegalArgumentException("an ordering needs keys, a limit or an offset");
        }
    }

    String sql() {
        StringBuilder text = new StringBuilder(keys.isEmpty() ? "" : " ORDER BY " + String.join(", ", keys));
        if (limit >= 0) {
            text.append(" LIMIT ").append(limit);
        }
        if (offset > 0) {
            text.append(" OFFSET ").append(offset);
        }
        return text.toString();
    }

    /** Whether the rows come in a determined order (there are keys). */
    boolean total() {
        return !keys.isEmpty();
    }

    /** The same ordering without the key of output column {@code name}, or null when none is left. */
    Ordering without(String name) {
        if (!total()) {
            return this;
        }
        List<String> left = new ArrayList<>();
        for (String key : keys) {
            if (!key.startsWith(name + " ")) {
                left.add(key);
            }
        }
        return left.isEmpty() ? null : new Ordering(left, limit, offset);
    }

    /** Smaller orderings: without the offset, without the limit. */
    List<Ordering> smaller() {
        List<Ordering> smaller = new ArrayList<>();
        if (offset > 0 && (total() || limit >= 0)) {
            smaller.add(new Ordering(keys, limit, 0));
        }
        if (limit >= 0 && (total() || offset > 0)) {
            smaller.add(new Ordering(keys, -1, offset));
        }
        return smaller;
    }
}
