package dev.ember.exec.exchange;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import scala.reflect.ClassTag;

/**
 * How Spark's shuffle writes and reads the records of Ember's exchange: each record is a reduce
 * partition id (written as nothing: the shuffle already files the record under it) and one piece of
 * {@link BatchBlobs} bytes, written as they are, and an end marker when the stream closes. Compression is
 * Spark's: the shuffle wraps these streams with {@code spark.io.compression.codec} when
 * {@code spark.shuffle.compress} is on.
 *
 * <p>The end marker is what tells a whole block from one cut short: a shuffle data file truncated on disk
 * reads as a clean end of stream at a piece boundary (or no bytes at all), and Spark's shuffle would hand
 * the reader the shorter stream without complaint, losing the missing pieces' rows. So every stream ends
 * with the marker and a reader fails on a stream that ends without it. That requires one stream per block:
 * the serializer does not support relocation, so Spark's sort shuffle never concatenates records of
 * several streams into one block (its serialized path, beyond 200 partitions) nor fetches several blocks
 * as one stream; each block is written through a stream of its own and closed.
 */
public final class BatchBlobSerializer extends Serializer implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Integer NO_KEY = 0;

    @Override
    public SerializerInstance newInstance() {
        return new Instance();
    }

    @Override
    public boolean supportsRelocationOfSerializedObjects() {
        return false;
    }

    private static final class Instance extends SerializerInstance {
        @Override
        public <T> ByteBuffer serialize(T value, ClassTag<T> tag) {
            throw new UnsupportedOperationException("Ember's shuffle serializer writes streams only");
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassTag<T> tag) {
            throw new UnsupportedOperationException("Ember's shuffle serializer reads streams only");
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassLoader loader, ClassTag<T> tag) {
            throw new UnsupportedOperationException("Ember's shuffle serializer reads streams only");
        }

        @Override
        public SerializationStream serializeStream(OutputStream out) {
            return new Writer(out);
        }

        @Override
        public DeserializationStream deserializeStream(InputStream in) {
            return new Reader(in);
        }
    }

    private static final class Writer extends SerializationStream {
        private final OutputStream out;

        Writer(OutputStream out) {
            this.out = out;
        }

        @Override
        public <T> SerializationStream writeKey(T key, ClassTag<T> tag) {
            return this;
        }

        @Override
        public <T> SerializationStream writeValue(T value, ClassTag<T> tag) {
            return writeObject(value, tag);
        }

        @Override
        public <T> SerializationStream writeObject(T value, ClassTag<T> tag) {
            if (!(value instanceof byte[] blob)) {
                throw new IllegalArgumentException("Ember's shuffle writes pieces of batches, not "
                        + (value == null ? "null" : value.getClass().getName()));
            }
            try {
                out.write(blob);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write a shuffle block", e);
            }
            return this;
        }

        @Override
        public void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("could not flush a shuffle block", e);
            }
        }

        @Override
        public void close() {
            try (OutputStream closing = out) {
                closing.write(BatchBlobs.endMarker());
            } catch (IOException e) {
                throw new UncheckedIOException("could not close a shuffle block", e);
            }
        }
    }

    /**
     * Reads piece after piece up to the end marker; a stream that ends inside a piece or without its end
     * marker is a damaged block.
     */
    private static final class Reader extends DeserializationStream {
        private final InputStream in;
        private byte[] piece;
        /** Whether the last thing read was an end marker: only then may the stream end. */
        private boolean atEnd;

        Reader(InputStream in) {
            this.in = in;
        }

        /** Reads the next piece; a clean end of the stream before it ends the iteration. */
        @Override
        @SuppressWarnings("unchecked")
        public <T> T readKey(ClassTag<T> tag) {
            byte[] header = new byte[BatchBlobs.HEADER_BYTES];
            while (true) {
                int first;
                try {
                    first = in.read(header, 0, header.length);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not read a shuffle block written by Ember's exchange", e);
                }
                if (first < 0) {
                    if (!atEnd) {
                        throw BatchBlobs.corrupt("the block ends without its end marker: it was cut short");
                    }
                    throw sneaky(new EOFException());
                }
                readFully(header, first, header.length - first);
                atEnd = BatchBlobs.isEndMarker(header);
                if (!atEnd) {
                    break;
                }
            }
            int length = BatchBlobs.payloadLength(header);
            byte[] whole = new byte[Math.addExact(BatchBlobs.HEADER_BYTES, length)];
            System.arraycopy(header, 0, whole, 0, header.length);
            readFully(whole, header.length, length);
            piece = whole;
            return (T) NO_KEY;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T readValue(ClassTag<T> tag) {
            byte[] value = piece;
            piece = null;
            if (value == null) {
                throw new IllegalStateException("a value was read before its key");
            }
            return (T) value;
        }

        @Override
        public <T> T readObject(ClassTag<T> tag) {
            throw new UnsupportedOperationException("Ember's shuffle reads keys and values only");
        }

        private void readFully(byte[] target, int at, int length) {
            int done = 0;
            try {
                while (done < length) {
                    int read = in.read(target, at + done, length - done);
                    if (read < 0) {
                        throw BatchBlobs.corrupt("the block ends " + (length - done) + " bytes inside a piece");
                    }
                    done += read;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read a shuffle block written by Ember's exchange", e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not close a shuffle block", e);
            }
        }

        /** Scala's iterator ends on an EOFException, a checked exception Java cannot throw from here. */
        @SuppressWarnings("unchecked")
        private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
            throw (E) e;
        }
    }
}
