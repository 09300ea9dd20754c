package dev.ember.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.DeviceActivity;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.collection.Iterator;

/**
 * A parent operator's iterator pulling from a child's, without Spark: each operator's metrics count
 * the launches its own source makes, also when a source fails.
 */
class TestBatchIteratorAttribution {

    private static OperatorMetrics detachedMetrics() {
        return new OperatorMetrics("TestOperator", new SQLMetric("sum", 0), new SQLMetric("sum", 0),
                new SQLMetric("nsTiming", 0), new SQLMetric("sum", 0), new SQLMetric("nsTiming", 0),
                new SQLMetric("sum", 0));
    }

    /** What a device primitive does: reports a launch and its time to the current sink. */
    private static void launch(long nanoseconds) {
        DeviceActivity.current().kernelLaunched();
        DeviceActivity.current().kernelTimed(nanoseconds);
    }

    /** Makes {@code batches} empty batches, launching {@code launchesPerBatch} kernels for each, and one on close. */
    private static final class LaunchingSource implements BatchIterator.Source {
        private final int batches;
        private final int launchesPerBatch;
        private int made;

        LaunchingSource(int batches, int launchesPerBatch) {
            this.batches = batches;
            this.launchesPerBatch = launchesPerBatch;
        }

        @Override
        public ColumnarBatch next() {
            if (made == batches) {
                return null;
            }
            made++;
            for (int i = 0; i < launchesPerBatch; i++) {
                launch(10);
            }
            return new ColumnarBatch(new ColumnVector[0], 1);
        }

        @Override
        public void close() {
            launch(1);
        }
    }

    /** Launches once, pulls one batch of its input, launches again; fails on request after its first batch. */
    private static final class ParentSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final boolean failAfterFirst;
        private int made;

        ParentSource(Iterator<ColumnarBatch> input, boolean failAfterFirst) {
            this.input = input;
            this.failAfterFirst = failAfterFirst;
        }

        @Override
        public ColumnarBatch next() {
            launch(100);
            if (!input.hasNext()) {
                return null;
            }
            input.next();
            launch(100);
            if (failAfterFirst && made == 1) {
                throw new IllegalStateException("the parent failed");
            }
            made++;
            return new ColumnarBatch(new ColumnVector[0], 1);
        }

        @Override
        public void close() {}
    }

    @AfterEach
    void noScopeLeftOpen() {
        assertSame(DeviceActivity.NONE, DeviceActivity.current(), "an iterator left its scope open");
    }

    @Test
    void eachOperatorCountsItsOwnLaunchesOnly() {
        OperatorMetrics childMetrics = detachedMetrics();
        OperatorMetrics parentMetrics = detachedMetrics();
        BatchIterator child = new BatchIterator(new LaunchingSource(3, 2), childMetrics);
        BatchIterator parent = new BatchIterator(new ParentSource(child, false), parentMetrics);
        int batches = 0;
        while (parent.hasNext()) {
            parent.next();
            batches++;
        }
        assertEquals(3, batches);
        // the child: 2 per batch and 1 on close; the parent: 2 per batch and 1 for the final empty pull
        assertEquals(7, childMetrics.kernelLaunches().value());
        assertEquals(61, childMetrics.kernelTime().value());
        assertEquals(7, parentMetrics.kernelLaunches().value());
        assertEquals(700, parentMetrics.kernelTime().value());
    }

    @Test
    void aFailingSourceLeavesTheAttributionAsItWas() {
        OperatorMetrics childMetrics = detachedMetrics();
        OperatorMetrics parentMetrics = detachedMetrics();
        BatchIterator child = new BatchIterator(new LaunchingSource(5, 1), childMetrics);
        BatchIterator parent = new BatchIterator(new ParentSource(child, true), parentMetrics);
        OperatorMetrics outerMetrics = detachedMetrics();
        try (DeviceActivity.Scope outer = DeviceActivity.attributeTo(outerMetrics)) {
            assertTrue(parent.hasNext());
            parent.next();
            IllegalStateException error = assertThrows(IllegalStateException.class, parent::hasNext);
            assertEquals("the parent failed", error.getMessage());
            assertSame(outerMetrics, DeviceActivity.current(), "the consumer's sink is current again");
            launch(1);
        }
        assertEquals(2, childMetrics.kernelLaunches().value(), "two child batches were pulled");
        assertEquals(4, parentMetrics.kernelLaunches().value(), "two launches for each of the two pulls");
        assertEquals(1, outerMetrics.kernelLaunches().value(), "the consumer's own launch only");
    }

    @Test
    void closingAtTheEndIsAttributedToTheOperator() {
        OperatorMetrics metrics = detachedMetrics();
        BatchIterator empty = new BatchIterator(new LaunchingSource(0, 0), metrics);
        assertFalse(empty.hasNext());
        assertEquals(1, metrics.kernelLaunches().value(), "the launch made while closing the source");
    }
}
