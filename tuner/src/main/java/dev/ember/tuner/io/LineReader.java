package dev.ember.tuner.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding them, reusing one buffer. A line longer than
 * the cap is skipped to its end and reported as over-long, so memory stays bounded whatever the input.
 *
 * <p>Not thread safe. The caller owns and closes the stream.
 */
public final class LineReader {
  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPosition;
  private int chunkLimit;
  private byte[] line = new byte[1 << 14];
  private int lineLength;
  private boolean lastLineTerminated = true;
  private boolean overLong;

  public LineReader(InputStream in, int maxLineBytes) {
    this.in = requireNonNull(in, "in is null");
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Advances to the next line.
   *
   * @return false at the end of the stream
   * @throws IOException from the stream (for compressed streams: corrupt or truncated data)
   */
  public boolean next() throws IOException {
    lineLength = 0;
    overLong = false;
    boolean any = false;
    while (true) {
      if (chunkPosition == chunkLimit) {
        int read = in.read(chunk, 0, chunk.length);
        if (read <= 0) {
          lastLineTerminated = !any;
          return any;
        }
        chunkPosition = 0;
        chunkLimit = read;
      }
      any = true;
      int start = chunkPosition;
      int end = start;
      while (end < chunkLimit && chunk[end] != '\n') {
        end++;
      }
      append(start, end - start);
      if (end < chunkLimit) {
        chunkPosition = end + 1;
        lastLineTerminated = true;
        return true;
      }
      chunkPosition = chunkLimit;
    }
  }

  private void append(int offset, int length) {
    if (overLong || length == 0) {
      return;
    }
    if ((long) lineLength + length > maxLineBytes) {
      overLong = true;
      return;
    }
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + length)));
    }
    System.arraycopy(chunk, offset, line, lineLength, length);
    lineLength += length;
  }

  /** The current line's bytes, valid until the next call to {@link #next()}. */
  public byte[] buffer() {
    return line;
  }

  /** The current line's length in bytes, without the newline (and without a trailing CR). */
  public int length() {
    return lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
  }

  /** True when the current line exceeded the cap and its bytes were dropped. */
  public boolean overLong() {
    return overLong;
  }

  /** True unless the current line is the last and had no newline (a likely truncated line). */
  public boolean terminated() {
    return lastLineTerminated;
  }
}
