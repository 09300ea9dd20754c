package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import java.io.File;

/**
 * One part of a split input on disk: a {@link SpillWriter} file (empty when no row fell into the part).
 *
 * @param file the file, owned by the {@link SpillFiles} that made it
 * @param rowCount the rows it holds
 * @param bytes its size in bytes, about the memory its rows take once read back
 * @param checksum the CRC32C of its bytes, or {@link #NO_CHECKSUM} when the writer kept none
 */
public record SpilledPart(File file, long rowCount, long bytes, long checksum) {
    /** The checksum of a part whose writer kept none: only its length and row count are checked. */
    public static final long NO_CHECKSUM = -1;

    public SpilledPart {
        requireNonNull(file, "file is null");
    }

    /** A part without a checksum. */
    public SpilledPart(File file, long rowCount, long bytes) {
        this(file, rowCount, bytes, NO_CHECKSUM);
    }

    public boolean isEmpty() {
        return rowCount == 0;
    }
}
