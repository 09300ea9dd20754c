package dev.ember.device.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Contains;
import org.apache.spark.sql.catalyst.expressions.EndsWith;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSet;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Seeded random string values, LIKE patterns and Catalyst expressions over strings for the CUDA
 * expression kernel's string conformance test. Strings are built from a small alphabet of pieces
 * (ASCII, 2-, 3- and 4-byte UTF-8 characters, the LIKE metacharacters) so that equality, prefixes
 * and pattern matches happen often; positions and lengths favour 0, negatives and values beyond the
 * end.
 */
final class RandomStrings {

    static final DataType STRING = DataTypes.StringType;
    static final DataType INT = DataTypes.IntegerType;

    /** The input columns, by ordinal: three string columns, then positions and lengths. */
    static final List<DataType> INPUTS = List.of(STRING, STRING, STRING, INT, INT);

    private static final List<String> PIECES = List.of("a", "b", "ab", "1", "3", "13", " ", "é", "ß", "日", "本",
            "😀", "𝄞", "%", "_", "\\", "!", "\uFFFD");

    private final Random random;

    RandomStrings(Random random) {
        this.random = random;
    }

    /** A string of zero to five pieces; a sixth of them empty. */
    String text() {
        if (random.nextInt(6) == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (int piece = random.nextInt(5); piece >= 0; piece--) {
            text.append(PIECES.get(random.nextInt(PIECES.size())));
        }
        return text.toString();
    }

    /** A position or length: small values around zero, the extremes, or beyond any string's end. */
    int position() {
        return switch (random.nextInt(6)) {
            case 0 -> pick(0, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1);
            case 1 -> 20 + random.nextInt(5);
            default -> random.nextInt(15) - 7;
        };
    }

    /** A random predicate over the input columns, at most {@code depth} operators deep. */
    Expression predicate(int depth) {
        int next = depth - 1;
        if (depth <= 0) {
            return new EqualTo(string(0), string(0));
        }
        return switch (random.nextInt(13)) {
            case 0 -> new And(predicate(next), predicate(next));
            case 1 -> new Or(predicate(next), predicate(next));
            case 2 -> new Not(predicate(next));
            case 3 -> new EqualTo(string(next), string(next));
            case 4 -> new LessThan(string(next), string(next));
            case 5 -> random.nextBoolean() ? new LessThanOrEqual(string(next), string(next))
                    : new GreaterThanOrEqual(string(next), string(next));
            case 6 -> random.nextBoolean() ? new GreaterThan(string(next), string(next))
                    : new EqualNullSafe(string(next), string(next));
            case 7 -> random.nextBoolean() ? new IsNull(string(next)) : new IsNotNull(string(next));
            case 8 -> switch (random.nextInt(3)) {
                case 0 -> new StartsWith(string(next), string(next));
                case 1 -> new EndsWith(string(next), string(next));
                default -> new Contains(string(next), string(next));
            };
            case 9, 10 -> like(string(next));
            case 11 -> in(string(next));
            default -> new EqualTo(length(next), new Literal(random.nextInt(6), INT));
        };
    }

    /** LENGTH of a random string expression. */
    Expression length(int depth) {
        return new Length(string(depth));
    }

    /** A random string-valued expression: inputs, literals, substrings and conditionals of them. */
    Expression string(int depth) {
        if (depth <= 0 || random.nextInt(3) == 0) {
            return random.nextInt(3) == 0 ? literal() : new BoundReference(random.nextInt(3), STRING, true);
        }
        int next = depth - 1;
        return switch (random.nextInt(5)) {
            case 0, 1 -> new Substring(string(next), integer(), integer());
            case 2 -> new If(predicate(next), string(next), string(next));
            case 3 -> new Coalesce(CollectionConverters.asScala(List.of(string(next), string(next))).toList());
            default -> new CaseWhen(CollectionConverters.asScala(List.of(new Tuple2<>(predicate(next), string(next))))
                    .toList(), random.nextBoolean() ? Option.apply(string(next)) : Option.empty());
        };
    }

    /** LIKE with a random valid pattern over pieces, {@code %}, {@code _} and escaped metacharacters. */
    Expression like(Expression text) {
        char escape = random.nextInt(4) == 0 ? '!' : '\\';
        StringBuilder pattern = new StringBuilder();
        for (int token = random.nextInt(6); token >= 0; token--) {
            switch (random.nextInt(7)) {
                case 0 -> pattern.append('%');
                case 1 -> pattern.append('_');
                case 2 -> pattern.append(escape).append(pick('%', '_', escape));
                default -> {
                    String piece = PIECES.get(random.nextInt(PIECES.size()));
                    if (piece.indexOf(escape) < 0 && !piece.equals("%") && !piece.equals("_")) {
                        pattern.append(piece);
                    }
                }
            }
        }
        return new Like(text, stringLiteral(pattern.toString()), escape);
    }

    /** IN over a list of literals (sometimes with a null) or, as the optimizer writes long lists, InSet. */
    Expression in(Expression value) {
        if (random.nextBoolean()) {
            List<Expression> list = new ArrayList<>();
            for (int element = random.nextInt(4); element >= 0; element--) {
                list.add(random.nextInt(6) == 0 ? new Literal(null, STRING) : stringLiteral(text()));
            }
            return new In(value, CollectionConverters.asScala(list).toList());
        }
        Set<Object> set = new HashSet<>();
        for (int element = random.nextInt(12); element >= 0; element--) {
            set.add(random.nextInt(10) == 0 ? null : UTF8String.fromString(text()));
        }
        return new InSet(value, CollectionConverters.asScala(set).toSet());
    }

    static Literal stringLiteral(String text) {
        return new Literal(UTF8String.fromString(text), STRING);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Expression literal() {
        return random.nextInt(8) == 0 ? new Literal(null, STRING) : stringLiteral(text());
    }

    private Expression integer() {
        if (random.nextInt(3) == 0) {
            return new BoundReference(3 + random.nextInt(2), INT, true);
        }
        return new Literal(random.nextInt(10) == 0 ? null : position(), INT);
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }
}
