package dev.ember.tuner.io;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.ning.compress.lzf.LZFInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import net.jpountz.lz4.LZ4BlockInputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyInputStream;

/**
 * The compression of one event log file, chosen from its file name the way Spark names them
 * ({@code <app>.lz4}, {@code events_1_<app>.zstd}, with an optional {@code .inprogress} suffix).
 *
 * <p>Each codec opens the stream framing Spark's own {@code CompressionCodec} writes: lz4-java's block
 * stream (xxHash32 checksums, seed {@code 0x9747b28c}), compress-lzf's chunked stream, snappy-java's own
 * {@code SnappyInputStream} framing (not the snappy "framed" format), and plain zstd frames. {@code .gz}
 * is not written by Spark but is how users often archive logs.
 */
public enum EventLogCodec {
  NONE(""),
  LZ4("lz4"),
  LZF("lzf"),
  SNAPPY("snappy"),
  ZSTD("zstd"),
  GZIP("gz");

  /** The seed lz4-java and Spark use for the block checksums. */
  private static final int LZ4_CHECKSUM_SEED = 0x9747b28c;

  private final String extension;

  EventLogCodec(String extension) {
    this.extension = extension;
  }

  /** The file name extension without its dot; empty for uncompressed files. */
  public String extension() {
    return extension;
  }

  /**
   * Chooses the codec from a file name.
   *
   * @param fileName a bare file name; a trailing {@code .inprogress} or {@code .compact} is ignored
   * @return the codec, {@link #NONE} when the name carries no known codec extension
   */
  public static EventLogCodec fromFileName(String fileName) {
    requireNonNull(fileName, "fileName is null");
    String name = EventLogNames.stripInProgress(fileName).toLowerCase(Locale.ROOT);
    if (name.endsWith(EventLogNames.COMPACT)) {
      name = name.substring(0, name.length() - EventLogNames.COMPACT.length());
    }
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return NONE;
    }
    String suffix = name.substring(dot + 1);
    for (EventLogCodec codec : values()) {
      if (codec != NONE && codec.extension.equals(suffix)) {
        return codec;
      }
    }
    return NONE;
  }

  /**
   * Wraps a raw file stream in this codec's decompressor. The caller owns the returned stream and
   * closes it, which closes {@code raw}.
   */
  public InputStream open(InputStream raw) throws IOException {
    requireNonNull(raw, "raw is null");
    InputStream buffered = new BufferedInputStream(raw, 1 << 16);
    switch (this) {
      case NONE:
        return buffered;
      case LZ4:
        return new LZ4BlockInputStream(
            buffered,
            LZ4Factory.fastestInstance().fastDecompressor(),
            XXHashFactory.fastestInstance().newStreamingHash32(LZ4_CHECKSUM_SEED).asChecksum(),
            false);
      case LZF:
        return new LZFInputStream(buffered);
      case SNAPPY:
        return new SnappyInputStream(buffered);
      case ZSTD:
        // Continuous mode returns what a truncated (in-progress) frame holds instead of failing.
        ZstdInputStreamNoFinalizer zstd = new ZstdInputStreamNoFinalizer(buffered);
        zstd.setContinuous(true);
        return zstd;
      case GZIP:
        return new GZIPInputStream(buffered, 1 << 16);
    }
    throw new IllegalStateException("unknown codec " + this);
  }
}
