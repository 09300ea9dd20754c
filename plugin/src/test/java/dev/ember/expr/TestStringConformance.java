package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.literal;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.Contains;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.EndsWith;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.Month;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.catalyst.expressions.Year;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** String functions on multi-byte UTF-8 (case mapping and concatenation too) and the date fields, against Catalyst's eval. */
class TestStringConformance {
    private static final DataType STRING = DataTypes.StringType;
    private static final DataType INT = DataTypes.IntegerType;

    private static Expression string(String value) {
        return literal(UTF8String.fromString(value), STRING);
    }

    @Test
    void prefixSuffixContains() {
        try (Conformance conformance = new Conformance(401)) {
            Expression a = input(0, STRING);
            Expression b = input(1, STRING);
            conformance.check(new StartsWith(a, b), STRING, STRING);
            conformance.check(new EndsWith(a, b), STRING, STRING);
            conformance.check(new Contains(a, b), STRING, STRING);
            for (String part : List.of("", "a", "ab", "é", "日本", "😀", "c")) {
                conformance.check(new StartsWith(a, string(part)), STRING);
                conformance.check(new EndsWith(a, string(part)), STRING);
                conformance.check(new Contains(a, string(part)), STRING);
            }
        }
    }

    @Test
    void like() {
        try (Conformance conformance = new Conformance(402)) {
            List<String> patterns = List.of("", "%", "_", "a%", "%a", "%b%", "a_c", "_é%", "%日_語", "😀%", "%😀x",
                    "a\\%b", "a\\_b", "a\\\\b", "%%", "_%_", "abc", "ABC", "%1.%", "\\%", "a%b%c%");
            for (String pattern : patterns) {
                conformance.check(new Like(input(0, STRING), string(pattern), '\\'), STRING);
            }
            conformance.check(new Like(input(0, STRING), string("a#%%"), '#'), STRING);
            conformance.check(new Like(input(0, STRING), string("##_%"), '#'), STRING);
        }
    }

    @Test
    void substringAndLength() {
        try (Conformance conformance = new Conformance(403)) {
            conformance.check(new Length(input(0, STRING)), STRING);
            int[] values = {Integer.MIN_VALUE, -100, -4, -3, -1, 0, 1, 2, 3, 5, 100, Integer.MAX_VALUE};
            for (int position : values) {
                for (int length : values) {
                    conformance.check(new Substring(input(0, STRING), literal(position, INT), literal(length, INT)),
                            STRING);
                }
            }
            conformance.check(new Substring(input(0, STRING), input(1, INT), input(2, INT)), STRING, INT, INT);
        }
    }

    /**
     * Upper and Lower: ASCII on Ember's byte path; German sharp s (one character, two upper-case ones),
     * Turkish dotted I, Greek final sigma, title-case digraphs, emoji and malformed UTF-8 on Spark's own mapping.
     */
    @Test
    void upperLowerAndConcat() {
        try (Conformance conformance = new Conformance(405)) {
            Expression a = input(0, STRING);
            Expression b = input(1, STRING);
            conformance.check(new Upper(a), STRING);
            conformance.check(new Lower(a), STRING);
            List<Object> special = new java.util.ArrayList<>();
            for (String text : List.of("", "abc", "ABC xyz 09 @[`{", "straße", "İstanbul", "ΟΔΟΣ", "ǅemal", "ﬁ",
                    "日本語", "😀x", "\u0130i\u0131I", "MiXeD é É")) {
                special.add(UTF8String.fromString(text));
            }
            special.add(UTF8String.fromBytes(new byte[] {'a', (byte) 0xC3, 'b'}));
            special.add(UTF8String.fromBytes(new byte[] {(byte) 0xFF, 'Z'}));
            special.add(null);
            conformance.check(new Upper(a), List.of(STRING), List.of(special));
            conformance.check(new Lower(a), List.of(STRING), List.of(special));
            conformance.check(new Concat(Expressions.seq(a, b)), STRING, STRING);
            conformance.check(new Concat(Expressions.seq(a, string("-"), new Upper(b), a)), STRING, STRING);
            conformance.check(new Concat(Expressions.seq(a)), STRING);
        }
    }

    @Test
    void dateFields() {
        try (Conformance conformance = new Conformance(404)) {
            DataType date = DataTypes.DateType;
            conformance.check(new Year(input(0, date)), date);
            conformance.check(new Month(input(0, date)), date);
            conformance.check(new DayOfMonth(input(0, date)), date);
        }
    }
}
