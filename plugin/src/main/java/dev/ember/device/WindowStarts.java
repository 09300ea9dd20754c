package dev.ember.device;

import org.apache.arrow.vector.IntVector;

/** The partition or peer starts that {@link Device#window} takes, read and checked as every device checks them. */
public final class WindowStarts {
    private WindowStarts() {}

    /**
     * The starts of {@code vector}: they must rise from 0 and stay below {@code rowCount}, at least one when there
     * are rows and none when there are none.
     *
     * @param what "partition" or "peer", for the message
     * @throws IllegalArgumentException when they do not
     */
    public static int[] read(IntVector vector, int rowCount, String what) {
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must not be negative: " + rowCount);
        }
        int count = vector.getValueCount();
        if (rowCount == 0) {
            if (count != 0) {
                throw new IllegalArgumentException(what + " starts given for no rows");
            }
            return new int[0];
        }
        if (count == 0) {
            throw new IllegalArgumentException("no " + what + " start for " + rowCount + " rows");
        }
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = vector.get(i);
            if (i == 0 ? starts[i] != 0 : starts[i] <= starts[i - 1] || starts[i] >= rowCount) {
                throw new IllegalArgumentException(what + " starts must rise from 0 below " + rowCount
                        + "; position " + i + " is " + starts[i]);
            }
        }
        return starts;
    }
}
