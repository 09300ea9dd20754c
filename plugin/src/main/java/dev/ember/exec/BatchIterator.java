package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.device.DeviceActivity;
import dev.ember.memory.MemoryContext;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.TaskCompletionListener;
import scala.collection.AbstractIterator;

/**
 * The output of an Ember operator in one task: batches the operator owns, handed out one at a time.
 *
 * <p>Ownership rule of Ember's columnar path: the producer owns its output batches. A consumer may use a
 * batch until it asks for the next one; the iterator closes each batch then, after the last one, and
 * when the task completes (also when it fails), together with the source's own resources.
 *
 * <p>Device work is attributed to the operator: while the source makes a batch or closes, the
 * operator's sink (its {@link OperatorMetrics}) is the thread's current {@link DeviceActivity} sink.
 * A child's iterator pulled from inside the source makes its own sink current for as long as it runs,
 * so each operator counts only its own kernels.
 *
 * <p>An Arrow allocation of the source that Ember's memory manager could not serve (Arrow's
 * {@link OutOfMemoryException}, also one that fault injection refused) fails the task with the error
 * naming the operator and {@code spark.ember.memory.host.limitBytes}
 * ({@link MemoryContext.LimitExceededException}); the source must have closed what it half built, and the
 * iterator closes the source when the task completes.
 */
public final class BatchIterator extends AbstractIterator<ColumnarBatch> {

    /** Makes the batches; called from the task's thread only. */
    public interface Source extends AutoCloseable {
        /** The next batch, owned by the caller, or null when there are no more. */
        ColumnarBatch next();

        /** Releases what the source holds; called once. */
        @Override
        void close();
    }

    private final Source source;
    private final OperatorMetrics sink;
    private ColumnarBatch current;
    private ColumnarBatch pending;
    private boolean done;
    private boolean closed;

    /**
     * @param source makes the operator's batches in one task
     * @param sink the operator's metrics: they receive the device work the source does and name the operator
     *     in errors
     */
    public BatchIterator(Source source, OperatorMetrics sink) {
        this.source = requireNonNull(source, "source is null");
        this.sink = requireNonNull(sink, "sink is null");
        TaskContext context = TaskContext.get();
        if (context != null) {
            context.addTaskCompletionListener((TaskCompletionListener) completed -> close());
        }
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (done) {
            return false;
        }
        closeCurrent();
        try (DeviceActivity.Scope scope = DeviceActivity.attributeTo(sink)) {
            pending = source.next();
        } catch (OutOfMemoryException e) {
            throw MemoryContext.limitExceeded(sink.operator(), e);
        }
        if (pending == null) {
            done = true;
            close();
            return false;
        }
        return true;
    }

    @Override
    public ColumnarBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches");
        }
        current = pending;
        pending = null;
        return current;
    }

    private void closeCurrent() {
        if (current != null) {
            ColumnarBatch batch = current;
            current = null;
            batch.close();
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        done = true;
        try {
            closeCurrent();
            if (pending != null) {
                ColumnarBatch batch = pending;
                pending = null;
                batch.close();
            }
        } finally {
            try (DeviceActivity.Scope scope = DeviceActivity.attributeTo(sink)) {
                source.close();
            }
        }
    }
}
