package dev.ember.tuner;

import com.github.luben.zstd.ZstdOutputStream;
import com.ning.compress.lzf.LZFOutputStream;
import dev.ember.tuner.io.EventLogCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4BlockOutputStream;
import org.xerial.snappy.SnappyOutputStream;

/** File helpers for tests: compress with each codec's writer, decompress whole files. */
final class TestFiles {
  private TestFiles() {}

  /** A compressing stream with the framing Spark's codec writes. */
  static OutputStream compress(EventLogCodec codec, OutputStream raw) throws IOException {
    return switch (codec) {
      case NONE -> raw;
      case LZ4 -> new LZ4BlockOutputStream(raw, 32 * 1024);
      case LZF -> new LZFOutputStream(raw);
      case SNAPPY -> new SnappyOutputStream(raw, 32 * 1024);
      case ZSTD -> new ZstdOutputStream(raw);
      case GZIP -> new GZIPOutputStream(raw);
    };
  }

  /** The decompressed bytes of a file, codec from its name. */
  static byte[] decompress(Path file) throws IOException {
    EventLogCodec codec = EventLogCodec.fromFileName(file.getFileName().toString());
    try (InputStream in = codec.open(Files.newInputStream(file))) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toByteArray();
    }
  }

  /** Writes bytes compressed with a codec. */
  static void write(Path file, EventLogCodec codec, byte[] content) throws IOException {
    try (OutputStream out = compress(codec, Files.newOutputStream(file))) {
      out.write(content);
    }
  }
}
