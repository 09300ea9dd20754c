package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The middle tier of Ember's spills on a discrete GPU: device → <b>host</b> → disk.
 *
 * <p>On a CUDA device Ember's buffers are unified memory counted against the GPU's pool, so when an
 * operator spills (its memory manager asks it to, see {@link dev.ember.memory.Spillable}) the point is to
 * free GPU memory, and host memory is the cheaper place to put the bytes than a disk. This tier keeps the
 * spill "files" that operators write in chunks of plain host memory (off-heap, outside the GPU pool and
 * outside Ember's device limit), up to {@code spark.ember.memory.spill.hostBytes} per executor. When a
 * write needs room the tier has not got, it moves the oldest finished spills that nobody reads now to
 * their files on disk (host → disk), and when that is not enough the spill being written continues on
 * disk itself. The bytes and the file names are the same in both places, so the checksums that
 * {@link SpillWriter} records and {@link SpillReader} checks cover either, and the {@link SpillFiles}
 * registry that named a file deletes it from wherever it is.
 *
 * <p>On the host device and on GPUs that share one coherent memory with the CPU (GB10), the device's memory
 * is host memory already, so the tier's capacity defaults to 0: {@link #disabled()} writes straight to disk,
 * as before the tier existed.
 *
 * <p>One tier serves the executor: {@link #install} sets it when the executor starts, {@link #current}
 * returns it. Thread-safe: one lock guards the entries and counters. A spill is written by one thread;
 * moving spills to disk happens under the lock (it blocks other tier calls for the length of that write,
 * which only happens when the tier is full).
 */
public final class HostSpillTier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostSpillTier.class);

    /** A spill's first chunk; each further chunk doubles up to {@link #LARGEST_CHUNK_BYTES}. */
    static final int FIRST_CHUNK_BYTES = 64 << 10;
    static final int LARGEST_CHUNK_BYTES = 4 << 20;

    private static volatile HostSpillTier current = disabled();

    private final long capacityBytes;
    private final BufferAllocator allocator;
    private final Object lock = new Object();
    // the spills in memory by file, oldest first (the order they move to disk in); guarded by lock
    private final LinkedHashMap<File, Entry> entries = new LinkedHashMap<>();
    private long keptBytes;
    private long movedBytes;
    private long bypassedBytes;
    private long peakBytes;
    private boolean closed;

    private HostSpillTier(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("the host spill tier's capacity must not be negative: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.allocator = capacityBytes == 0 ? null : new RootAllocator(capacityBytes);
    }

    /** A tier holding at most {@code capacityBytes} of spills in host memory; 0 gives {@link #disabled()}. */
    public static HostSpillTier withCapacity(long capacityBytes) {
        return new HostSpillTier(capacityBytes);
    }

    /** A tier that holds nothing: every spill goes to disk. */
    public static HostSpillTier disabled() {
        return new HostSpillTier(0);
    }

    /** The executor's tier; {@link #disabled()} until {@link #install} sets one. */
    public static HostSpillTier current() {
        return current;
    }

    /** Makes {@code tier} the executor's tier and closes the one before it. */
    public static synchronized void install(HostSpillTier tier) {
        HostSpillTier previous = current;
        current = requireNonNull(tier, "tier is null");
        if (previous != tier) {
            previous.close();
        }
    }

    /** The most bytes of spills this tier keeps in host memory; 0 when disabled. */
    public long capacityBytes() {
        return capacityBytes;
    }

    /**
     * A stream that writes the spill named {@code file}: into host memory while the tier has room, else
     * into the file. Closing it finishes the spill (it may then move to disk at any time while nobody reads
     * it). The caller buffers: the stream copies every write.
     */
    public OutputStream create(File file) {
        requireNonNull(file, "file is null");
        if (allocator == null) {
            return openFile(file);
        }
        Entry entry = new Entry(file);
        synchronized (lock) {
            checkOpen();
            if (entries.putIfAbsent(file, entry) != null) {
                throw new IllegalStateException("spill " + file + " is already in host memory");
            }
        }
        return new TierOutput(entry);
    }

    /**
     * The spill named {@code file}, from host memory if it is there, else from its file. While the returned
     * handle is open the spill stays where it is.
     */
    public Stored open(File file) {
        requireNonNull(file, "file is null");
        synchronized (lock) {
            Entry entry = entries.get(file);
            if (entry != null) {
                if (entry.writing) {
                    throw new IllegalStateException("spill " + file + " is still being written");
                }
                entry.readers++;
                return new InMemory(entry);
            }
        }
        return new OnDisk(file);
    }

    /** Forgets the spill named {@code file} if it is in host memory (releasing it once nobody reads it). */
    public void remove(File file) {
        synchronized (lock) {
            Entry entry = entries.remove(file);
            if (entry != null) {
                entry.removed = true;
                if (entry.readers == 0 && !entry.writing) {
                    release(entry);
                }
            }
        }
    }

    /** What the tier holds and has done so far. */
    public Statistics statistics() {
        synchronized (lock) {
            return new Statistics(capacityBytes, heldBytes(), peakBytes, keptBytes, movedBytes, bypassedBytes,
                    entries.size());
        }
    }

    /** Releases every spill still in memory; a later {@link #create} fails. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Entry entry : entries.values()) {
                entry.removed = true;
                release(entry);
            }
            entries.clear();
            if (allocator != null) {
                if (allocator.getAllocatedMemory() > 0) {
                    LOG.warn("Ember's host spill tier closes with {} bytes still read; they are released now",
                            allocator.getAllocatedMemory());
                }
                allocator.close();
            }
        }
    }

    private long heldBytes() {
        return allocator == null ? 0 : allocator.getAllocatedMemory();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Ember's host spill tier is closed");
        }
    }

    /**
     * A chunk of {@code bytes} for {@code entry}, moving older spills to disk as far as needed; null when
     * even that leaves no room (the entry then continues on disk).
     */
    private ArrowBuf grow(Entry entry, long bytes) {
        synchronized (lock) {
            checkOpen();
            while (true) {
                if (entry.removed) {
                    throw new IllegalStateException("spill " + entry.file + " was abandoned while being written");
                }
                if (heldBytes() + bytes <= capacityBytes) {
                    try {
                        ArrowBuf chunk = allocator.buffer(bytes);
                        peakBytes = Math.max(peakBytes, heldBytes());
                        return chunk;
                    } catch (OutOfMemoryException e) {
                        // rounding made it larger than the room left: treat as full
                    }
                }
                if (!moveOldestToDisk(entry)) {
                    return null;
                }
            }
        }
    }

    /** Moves the oldest finished, unread spill other than {@code except} to disk; false when there is none. */
    private boolean moveOldestToDisk(Entry except) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry == except || entry.writing || entry.readers > 0) {
                continue;
            }
            try (OutputStream out = openFile(entry.file)) {
                entry.copyTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException("Ember could not move spill " + entry.file + " from host memory to"
                        + " disk; check that spark.local.dir has space", e);
            }
            it.remove();
            movedBytes += entry.size;
            release(entry);
            return true;
        }
        return false;
    }

    private void release(Entry entry) {
        for (ArrowBuf chunk : entry.chunks) {
            chunk.close();
        }
        entry.chunks.clear();
    }

    private static OutputStream openFile(File file) {
        try {
            return new FileOutputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Ember could not create spill file " + file
                    + "; check that spark.local.dir has space and is writable", e);
        }
    }

    /** One spill in host memory: its chunks, each full but the last. */
    private static final class Entry {
        final File file;
        final List<ArrowBuf> chunks = new ArrayList<>();
        long size;
        boolean writing = true;
        int readers;
        boolean removed;

        Entry(File file) {
            this.file = file;
        }

        void copyTo(OutputStream out) throws IOException {
            byte[] buffer = new byte[64 << 10];
            long left = size;
            for (ArrowBuf chunk : chunks) {
                long inChunk = Math.min(left, chunk.capacity());
                for (long offset = 0; offset < inChunk; ) {
                    int length = (int) Math.min(buffer.length, inChunk - offset);
                    chunk.getBytes(offset, buffer, 0, length);
                    out.write(buffer, 0, length);
                    offset += length;
                }
                left -= inChunk;
            }
        }
    }

    /** Writes an entry's bytes into chunks, or into its file once the tier has no room. */
    private final class TierOutput extends OutputStream {
        private final Entry entry;
        private OutputStream file;
        private ArrowBuf last;
        private long lastUsed;
        private boolean done;

        TierOutput(Entry entry) {
            this.entry = entry;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (done) {
                throw new IOException("spill " + entry.file + " is already closed");
            }
            while (length > 0) {
                if (file != null) {
                    file.write(bytes, offset, length);
                    synchronized (lock) {
                        bypassedBytes += length;
                    }
                    return;
                }
                if (last == null || lastUsed == last.capacity()) {
                    long next = last == null ? Math.min(FIRST_CHUNK_BYTES, capacityBytes)
                            : Math.min(LARGEST_CHUNK_BYTES, 2 * last.capacity());
                    ArrowBuf chunk = grow(entry, next);
                    if (chunk == null) {
                        continueOnDisk();
                        continue;
                    }
                    entry.chunks.add(chunk);
                    last = chunk;
                    lastUsed = 0;
                }
                int copied = (int) Math.min(length, last.capacity() - lastUsed);
                last.setBytes(lastUsed, bytes, offset, copied);
                lastUsed += copied;
                entry.size += copied;
                offset += copied;
                length -= copied;
            }
        }

        /** Writes what the chunks hold to the file and goes on there; the chunks go back to the tier. */
        private void continueOnDisk() throws IOException {
            OutputStream out = openFile(entry.file);
            try {
                entry.copyTo(out);
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
            file = out;
            synchronized (lock) {
                entries.remove(entry.file, entry);
                bypassedBytes += entry.size;
                release(entry);
            }
            last = null;
        }

        @Override
        public void close() throws IOException {
            if (done) {
                return;
            }
            done = true;
            if (file != null) {
                file.close();
                return;
            }
            synchronized (lock) {
                entry.writing = false;
                keptBytes += entry.size;
                if (entry.removed) {
                    release(entry);
                }
            }
        }
    }

    /** A spill being read: its length and its bytes, where they are. Close it when done. */
    public interface Stored extends AutoCloseable {
        /** Its length in bytes. */
        long length();

        /** A new stream over its bytes from the start. */
        InputStream newInputStream() throws IOException;

        /** Where it is, for messages: "spill file F" or "spill F in host memory". */
        String describe();

        @Override
        void close();
    }

    private static final class OnDisk implements Stored {
        private final File file;

        OnDisk(File file) {
            this.file = file;
        }

        @Override
        public long length() {
            return file.length();
        }

        @Override
        public InputStream newInputStream() throws IOException {
            return new BufferedInputStream(new FileInputStream(file), 64 << 10);
        }

        @Override
        public String describe() {
            return "spill file " + file;
        }

        @Override
        public void close() {}
    }

    private final class InMemory implements Stored {
        private final Entry entry;
        private boolean closed;

        InMemory(Entry entry) {
            this.entry = entry;
        }

        @Override
        public long length() {
            return entry.size;
        }

        @Override
        public InputStream newInputStream() {
            return new ChunkInput(entry);
        }

        @Override
        public String describe() {
            return "spill " + entry.file + " in host memory";
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                entry.readers--;
                if (entry.readers == 0 && entry.removed) {
                    release(entry);
                }
            }
        }
    }

    /** Reads an entry's chunks in order; its handle keeps them from moving while it reads. */
    private static final class ChunkInput extends InputStream {
        private final Entry entry;
        private long position;

        ChunkInput(Entry entry) {
            this.entry = entry;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= entry.size) {
                return -1;
            }
            // chunks double from FIRST_CHUNK_BYTES: find the one holding position
            long start = 0;
            for (ArrowBuf chunk : entry.chunks) {
                long end = start + chunk.capacity();
                if (position < end) {
                    int count = (int) Math.min(length, Math.min(end, entry.size) - position);
                    chunk.getBytes(position - start, bytes, offset, count);
                    position += count;
                    return count;
                }
                start = end;
            }
            return -1;
        }
    }

    /**
     * The tier's counters.
     *
     * @param capacityBytes the most bytes it keeps
     * @param heldBytes bytes of spills in host memory now
     * @param peakBytes the most it held at once
     * @param keptBytes bytes of spills finished in host memory, in total
     * @param movedBytes bytes moved from host memory to disk to make room, in total
     * @param bypassedBytes bytes written to disk because the tier was full, in total
     * @param spills spills in host memory now (or being written there)
     */
    public record Statistics(long capacityBytes, long heldBytes, long peakBytes, long keptBytes, long movedBytes,
            long bypassedBytes, int spills) {
        /** One line for the executor's log. */
        public String describe() {
            return String.format(Locale.ROOT, "host spill tier: capacity %d bytes, %d bytes kept in host memory (peak"
                    + " %d), %d moved to disk to make room, %d written to disk past a full tier", capacityBytes,
                    keptBytes, peakBytes, movedBytes, bypassedBytes);
        }
    }
}
