package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import java.io.File;

/**
 * One part of a split input on disk: a {@link SpillWriter} file (empty when no row fell into the part).
 *
 * @param file the file, owned by the {@link SpillFiles} that made it
 * @param rowCount the rows it holds
 * @param bytes its size in bytes, about the memory its rows take once read back
 */
public record SpilledPart(File file, long rowCount, long bytes) {
    public SpilledPart {
        requireNonNull(file, "file is null");
    }

    public boolean isEmpty() {
        return rowCount == 0;
    }
}
