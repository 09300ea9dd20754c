package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * The Spark task body of a data generator: turns the generator part numbers of one partition into the
 * rows of those parts, one generator at a time.
 *
 * <p>Each input element is a 1-based part number in {@code [1, partCount]}; the rows are produced
 * lazily, one at a time, so a task never holds a whole part in memory. A suite's subclass says how one
 * part's rows are generated ({@link #rowsOf}). The function holds only the table name and two numbers,
 * so it serializes to executors without capturing its caller.
 */
abstract class PartRows implements FlatMapFunction<Iterator<Integer>, Row> {
  private static final long serialVersionUID = 1L;

  private final String tableName;
  private final double scaleFactor;
  private final int partCount;

  /**
   * @param tableName the generator's name of the table (the subclass checks it exists)
   * @param scaleFactor the scale factor, positive
   * @param partCount how many parts the table is split into, positive
   */
  PartRows(String tableName, double scaleFactor, int partCount) {
    this.tableName = requireNonNull(tableName, "tableName is null");
    if (!(scaleFactor > 0)) {
      throw new IllegalArgumentException("scaleFactor must be positive, got " + scaleFactor);
    }
    if (partCount < 1) {
      throw new IllegalArgumentException("partCount must be at least 1, got " + partCount);
    }
    this.scaleFactor = scaleFactor;
    this.partCount = partCount;
  }

  final String tableName() {
    return tableName;
  }

  final double scaleFactor() {
    return scaleFactor;
  }

  final int partCount() {
    return partCount;
  }

  /** The rows of part {@code part} (in {@code [1, partCount]}), generated lazily. */
  abstract Iterator<Row> rowsOf(int part);

  /** {@code source}'s elements as rows, converted one at a time. */
  static <T> Iterator<Row> mapped(Iterator<T> source, Function<T, Row> toRow) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public Row next() {
        return toRow.apply(source.next());
      }
    };
  }

  @Override
  public final Iterator<Row> call(Iterator<Integer> parts) {
    return new Iterator<>() {
      private Iterator<Row> current;

      @Override
      public boolean hasNext() {
        while (current == null || !current.hasNext()) {
          if (!parts.hasNext()) {
            return false;
          }
          int part = parts.next();
          if (part < 1 || part > partCount) {
            throw new IllegalStateException(
                "part " + part + " is outside [1, " + partCount + "] for table " + tableName);
          }
          current = rowsOf(part);
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more rows of " + tableName);
        }
        return current.next();
      }
    };
  }
}
