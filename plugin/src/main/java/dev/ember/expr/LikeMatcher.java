package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * SQL LIKE over characters (code points): {@code _} matches one character, {@code %} any run of
 * characters, and the escape character makes the next {@code _}, {@code %} or escape character
 * literal. Matching is greedy with backtracking to the last {@code %}, so it runs in
 * O(text × pattern) at worst and never recurses.
 */
final class LikeMatcher {
    private static final int ANY_ONE = -1;
    private static final int ANY_RUN = -2;

    private final int[] tokens;

    /**
     * @throws IllegalArgumentException when the pattern is one Spark rejects (see {@link #problem})
     */
    LikeMatcher(String pattern, char escape) {
        requireNonNull(pattern, "pattern is null");
        problem(pattern, escape).ifPresent(problem -> {
            throw new IllegalArgumentException("invalid LIKE pattern '" + pattern + "': " + problem);
        });
        StringBuilder literal = new StringBuilder();
        int[] buffer = new int[pattern.length()];
        int count = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == escape) {
                literal.append(pattern.charAt(++i));
                continue;
            }
            if (c == '_' || c == '%') {
                count = flush(literal, buffer, count);
                buffer[count++] = c == '_' ? ANY_ONE : ANY_RUN;
            } else {
                literal.append(c);
            }
        }
        count = flush(literal, buffer, count);
        this.tokens = java.util.Arrays.copyOf(buffer, count);
    }

    /** Why Spark refuses the pattern, or empty when it accepts it. */
    static Optional<String> problem(String pattern, char escape) {
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) != escape) {
                continue;
            }
            if (i + 1 == pattern.length()) {
                return Optional.of("it ends with the escape character");
            }
            char next = pattern.charAt(++i);
            if (next != '_' && next != '%' && next != escape) {
                return Optional.of("the escape character precedes '" + next + "'");
            }
        }
        return Optional.empty();
    }

    private static int flush(StringBuilder literal, int[] buffer, int count) {
        int[] codePoints = literal.codePoints().toArray();
        System.arraycopy(codePoints, 0, buffer, count, codePoints.length);
        literal.setLength(0);
        return count + codePoints.length;
    }

    /** Whether the UTF-8 text matches the whole pattern. */
    boolean matches(byte[] utf8) {
        int[] text = new String(utf8, StandardCharsets.UTF_8).codePoints().toArray();
        int position = 0;
        int token = 0;
        int lastRun = -1;
        int lastRunPosition = 0;
        while (position < text.length) {
            if (token < tokens.length && (tokens[token] == ANY_ONE || tokens[token] == text[position])) {
                position++;
                token++;
            } else if (token < tokens.length && tokens[token] == ANY_RUN) {
                lastRun = token++;
                lastRunPosition = position;
            } else if (lastRun >= 0) {
                token = lastRun + 1;
                position = ++lastRunPosition;
            } else {
                return false;
            }
        }
        while (token < tokens.length && tokens[token] == ANY_RUN) {
            token++;
        }
        return token == tokens.length;
    }
}
