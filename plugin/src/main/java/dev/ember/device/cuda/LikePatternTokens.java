package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A LIKE pattern as the tokens the CUDA interpreter matches (see {@code expression_strings.cuh}): one
 * per pattern character, a code point for a literal character, {@link #ANY_ONE} for {@code _} and
 * {@link #ANY_RUN} for {@code %}. The pattern is read exactly as {@code dev.ember.expr.LikeMatcher}
 * reads it: UTF-16 characters of the decoded pattern, where the escape character makes the next
 * character literal, and literal runs become code points.
 */
final class LikePatternTokens {

    /** The token for {@code _}: any one character ({@code kLikeAnyOne}). */
    static final long ANY_ONE = -1;
    /** The token for {@code %}: any run of characters ({@code kLikeAnyRun}). */
    static final long ANY_RUN = -2;

    private LikePatternTokens() {}

    /**
     * The tokens of a UTF-8 pattern with escape character {@code escape}.
     *
     * @throws UnsupportedOperationException for a pattern that ends with the escape character (Spark
     *     rejects it; the compiler never emits one)
     */
    static List<Long> of(byte[] utf8Pattern, char escape) {
        requireNonNull(utf8Pattern, "utf8Pattern is null");
        String pattern = new String(utf8Pattern, StandardCharsets.UTF_8);
        List<Long> tokens = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char character = pattern.charAt(i);
            if (character == escape) {
                if (i + 1 == pattern.length()) {
                    throw new UnsupportedOperationException("the LIKE pattern '" + pattern
                            + "' ends with its escape character");
                }
                literal.append(pattern.charAt(++i));
            } else if (character == '_' || character == '%') {
                flush(literal, tokens);
                tokens.add(character == '_' ? ANY_ONE : ANY_RUN);
            } else {
                literal.append(character);
            }
        }
        flush(literal, tokens);
        return tokens;
    }

    private static void flush(StringBuilder literal, List<Long> tokens) {
        literal.codePoints().forEach(codePoint -> tokens.add((long) codePoint));
        literal.setLength(0);
    }
}
