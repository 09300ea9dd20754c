package dev.ember.fuzz.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.data.TableSet;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestQueryGenerator {
    private static final TableSet TABLES = TableSet.generate(new TableParameters(11, 4, 20));

    @Test
    void aSeedGivesOneQuery() {
        QueryGenerator generator = new QueryGenerator(TABLES, Set.of());
        for (long seed = 0; seed < 50; seed++) {
            assertEquals(generator.generate(seed), new QueryGenerator(TABLES, Set.of()).generate(seed));
        }
    }

    @Test
    void everyShapeIsReached() {
        QueryGenerator generator = new QueryGenerator(TABLES, Set.of());
        Set<Shape> seen = EnumSet.noneOf(Shape.class);
        for (long seed = 0; seed < 3000 && !seen.equals(EnumSet.allOf(Shape.class)); seed++) {
            seen.addAll(generator.generate(seed).shapes());
        }
        assertEquals(EnumSet.allOf(Shape.class), seen);
    }

    @Test
    void excludedShapesNeverAppear() {
        Set<Shape> excluded = EnumSet.of(Shape.LIMIT_OFFSET, Shape.EXISTENCE_JOIN, Shape.DECIMAL_OVERFLOW);
        QueryGenerator generator = new QueryGenerator(TABLES, excluded);
        for (long seed = 0; seed < 500; seed++) {
            GeneratedQuery query = generator.generate(seed);
            assertTrue(query.shapes().stream().noneMatch(excluded::contains), query::toString);
            assertFalse(query.query().sql().contains("OFFSET"), query.query()::sql);
        }
    }

    @Test
    void aQueryTakesAtMostOneRisk() {
        QueryGenerator generator = new QueryGenerator(TABLES, Set.of());
        for (long seed = 0; seed < 500; seed++) {
            GeneratedQuery query = generator.generate(seed);
            assertTrue(query.shapes().stream().filter(Shape::risk).count() <= 1, query::toString);
        }
    }

    /**
     * A wide decimal sum raises ARITHMETIC_OVERFLOW or NUMERIC_VALUE_OUT_OF_RANGE by where in the plan it
     * overflows, so it holds its query's risk alone (fuzz seed 20261207, query 90718: such a sum and a
     * negation in one query, and which condition a run raised followed which task failed first).
     */
    @Test
    void anExpressionThatHoldsTheRiskAloneShutsOutTheOthers() {
        for (long seed = 0; seed < 20; seed++) {
            Context alone = new Context(new Random(seed), TABLES, Set.of(), Shape.ARITHMETIC_OVERFLOW);
            while (!alone.takeAlone(Shape.ARITHMETIC_OVERFLOW, 50)) {
                // the draw decides when
            }
            for (int i = 0; i < 20; i++) {
                assertFalse(alone.risks(Shape.ARITHMETIC_OVERFLOW));
                assertFalse(alone.take(Shape.ARITHMETIC_OVERFLOW, 100));
                assertFalse(alone.takeAlone(Shape.ARITHMETIC_OVERFLOW, 100));
                assertFalse(alone.risksAlone(Shape.ARITHMETIC_OVERFLOW));
            }
            assertTrue(alone.take(Shape.JOIN, 100), "query shapes stay open");
            Context shared = new Context(new Random(seed), TABLES, Set.of(), Shape.ARITHMETIC_OVERFLOW);
            assertTrue(shared.take(Shape.ARITHMETIC_OVERFLOW, 100));
            for (int i = 0; i < 20; i++) {
                assertFalse(shared.takeAlone(Shape.ARITHMETIC_OVERFLOW, 100));
                assertFalse(shared.risksAlone(Shape.ARITHMETIC_OVERFLOW));
            }
            assertEquals(EnumSet.of(Shape.ARITHMETIC_OVERFLOW, Shape.JOIN), alone.used());
        }
        // and in generated queries: a wide sum (of absolute values) never sits beside a second one
        QueryGenerator generator = new QueryGenerator(TABLES, Set.of());
        int wide = 0;
        for (long seed = 0; seed < 3000; seed++) {
            GeneratedQuery query = generator.generate(seed);
            String sql = query.query().sql();
            if (query.shapes().contains(Shape.ARITHMETIC_OVERFLOW) && sql.contains("sum(abs(")) {
                wide++;
                assertEquals(sql.indexOf("sum(abs("), sql.lastIndexOf("sum(abs("), sql);
            }
        }
        assertTrue(wide > 0, "no wide decimal sum in 3000 queries");
    }

    @Test
    void limitsComeOnlyAfterATotalOrderOrUnderACount() {
        QueryGenerator generator = new QueryGenerator(TABLES, Set.of());
        int unordered = 0;
        for (long seed = 0; seed < 500; seed++) {
            String sql = generator.generate(seed).query().sql();
            int limit = sql.indexOf(" LIMIT ");
            int offset = sql.indexOf(" OFFSET ");
            int first = limit < 0 ? offset : offset < 0 ? limit : Math.min(limit, offset);
            if (first >= 0 && sql.lastIndexOf(" ORDER BY ", first) < 0) {
                // only the count of an unordered limit's rows is determined
                assertTrue(sql.lastIndexOf("SELECT count(*) AS o0 FROM (SELECT ", first) >= 0, sql);
                unordered++;
            }
        }
        assertTrue(unordered > 0, "no unordered LIMIT under a count");
    }
}
