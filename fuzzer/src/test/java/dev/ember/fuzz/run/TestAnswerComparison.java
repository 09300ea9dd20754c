package dev.ember.fuzz.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class TestAnswerComparison {
    @Test
    void equalAsSparkRowsAreEqual() {
        List<Row> spark = List.of(RowFactory.create(Double.NaN, -0.0, -0.0f, new BigDecimal("1.0"), "a"));
        List<Row> ember = List.of(RowFactory.create(Double.NaN, 0.0, 0.0f, new BigDecimal("1.00"), "a"));
        assertNull(AnswerComparison.difference(spark, ember, true));
        assertNull(AnswerComparison.difference(spark, ember, false));
    }

    @Test
    void valuesSparkTellsApartDiffer() {
        assertNotNull(AnswerComparison.difference(List.of(RowFactory.create(1.0)), List.of(RowFactory.create(1.5)), false));
        assertNotNull(AnswerComparison.difference(List.of(RowFactory.create(Double.NaN)), List.of(RowFactory.create(0.0)),
                false));
        assertNotNull(AnswerComparison.difference(List.of(RowFactory.create((Object) null)), List.of(RowFactory.create("")),
                false));
        assertNotNull(AnswerComparison.difference(List.of(RowFactory.create("null")),
                List.of(RowFactory.create((Object) null)), false));
    }

    @Test
    void bagsIgnoreOrderButCountRows() {
        Row a = RowFactory.create(1, "x");
        Row b = RowFactory.create(2, "y");
        assertNull(AnswerComparison.difference(List.of(a, b, a), List.of(a, a, b), false));
        assertNotNull(AnswerComparison.difference(List.of(a, b, a), List.of(a, b, b), false));
        String counts = AnswerComparison.difference(List.of(a, b), List.of(a, b, b), false);
        assertEquals("row counts differ: Spark 2, Ember 3; first extra row (Ember): [2, 'y']", counts);
    }

    @Test
    void orderedAnswersCompareInOrder() {
        Row a = RowFactory.create(1);
        Row b = RowFactory.create(2);
        assertNull(AnswerComparison.difference(List.of(a, b), List.of(a, b), true));
        assertEquals("row 0 differs: Spark [1], Ember [2]", AnswerComparison.difference(List.of(a, b), List.of(b, a), true));
    }
}
