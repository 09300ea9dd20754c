package dev.ember.bench.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.bench.query.ExpectedAnswer;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class TestExpectedAnswerCheck {
  @Test
  void numbersMatchAtTheCoarserScale() {
    // the bundled answers round averages and drop trailing zeros
    assertTrue(ExpectedAnswerCheck.valueMatches("25.58", new BigDecimal("25.577000")));
    assertFalse(ExpectedAnswerCheck.valueMatches("25.58", new BigDecimal("25.570000")));
    assertTrue(ExpectedAnswerCheck.valueMatches("380456", new BigDecimal("380456.00")));
    assertFalse(ExpectedAnswerCheck.valueMatches("380456", new BigDecimal("380457.00")));
    assertTrue(ExpectedAnswerCheck.valueMatches("15.4865458122841", new BigDecimal("15.486546")));
    assertFalse(ExpectedAnswerCheck.valueMatches("15.4865458122841", new BigDecimal("15.486548")));
    assertTrue(ExpectedAnswerCheck.valueMatches("93", 93L));
    assertFalse(ExpectedAnswerCheck.valueMatches("93", 94L));
    assertTrue(ExpectedAnswerCheck.valueMatches("0.05", 0.0500001));
  }

  @Test
  void textDatesAndNullsMustBeEqual() {
    assertTrue(ExpectedAnswerCheck.valueMatches("1995-03-11", Date.valueOf("1995-03-11")));
    assertFalse(ExpectedAnswerCheck.valueMatches("1995-03-11", Date.valueOf("1995-03-12")));
    assertTrue(ExpectedAnswerCheck.valueMatches("null", null));
    assertFalse(ExpectedAnswerCheck.valueMatches("0", null));
    assertFalse(ExpectedAnswerCheck.valueMatches("BUILDING", "BUILDIN"));
    assertFalse(ExpectedAnswerCheck.valueMatches("abc", 1L));
  }

  @Test
  void trailingDelimiterIsIgnoredAndOrderMatters() {
    ExpectedAnswer expected = ExpectedAnswer.parse(4, "-- header\n1-URGENT|93|\n2-HIGH|103\n");
    assertTrue(ExpectedAnswerCheck.check(
        expected, List.of(RowFactory.create("1-URGENT", 93L), RowFactory.create("2-HIGH", 103L))).matches());
    assertFalse(ExpectedAnswerCheck.check(
        expected, List.of(RowFactory.create("2-HIGH", 103L), RowFactory.create("1-URGENT", 93L))).matches());
    assertFalse(ExpectedAnswerCheck.check(expected, List.of(RowFactory.create("1-URGENT", 93L))).matches());
  }

  @Test
  void everyQueryHasABundledAnswer() {
    for (int number = 1; number <= 22; number++) {
      assertTrue(ExpectedAnswer.bundled(number).isPresent(), "no bundled answer for q" + number);
    }
  }
}
