package dev.ember.fuzz.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.data.TableSet;
import java.util.EnumSet;
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
