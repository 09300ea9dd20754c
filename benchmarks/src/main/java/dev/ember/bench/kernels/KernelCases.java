package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.device.Device.SortKey;
import dev.ember.device.Primitive;
import dev.ember.device.conformance.RandomVectors;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The inputs and calls of {@code bin/ember bench kernels}: one {@link KernelCase} per primitive with a
 * kernel, over seeded random rows with a tenth of the values null. The shapes are those of Ember's
 * operators: a payload of an int key, a bigint, a double and a string column; a filter's comparison of
 * ANSI arithmetic over three bigint columns; 200 shuffle partitions; a join whose build and probe keys draw from
 * as many values as there are rows (about 63% of probe rows match, one build row each on average); a
 * grouping into rows / 16 groups with a sum, count, min and max of a bigint; key changes over rows sorted in
 * runs of 16; and a window over partitions of 1,024 rows and peer groups of 16 (rankings, a running sum, a
 * sliding sum and a partition count).
 */
final class KernelCases {

  /** The primitives measured, in the order they run. */
  static final List<Primitive> PRIMITIVES = List.of(Primitive.EVALUATE, Primitive.SELECT_TRUE, Primitive.GATHER,
      Primitive.GATHER_OR_NULL, Primitive.CONCATENATE, Primitive.HASH_PARTITION, Primitive.SPLIT_BY_PARTITION,
      Primitive.SORT_INDICES, Primitive.BUILD_JOIN_TABLE, Primitive.PROBE_JOIN_TABLE, Primitive.GROUP_BY,
      Primitive.KEY_CHANGES, Primitive.WINDOW);

  /** Spark's default {@code spark.sql.shuffle.partitions}. */
  static final int PARTITIONS = 200;
  static final double NULL_SHARE = 0.1;
  /** Rows per group of the grouping. */
  static final int ROWS_PER_GROUP = 16;
  /** Rows per window partition in the window case. */
  static final int ROWS_PER_PARTITION = 1024;
  static final int CONCATENATED_PARTS = 4;

  private KernelCases() {}

  /**
   * The case of {@code primitive} over {@code rows} rows drawn from {@code seed} (each primitive draws its
   * own stream, so a case's inputs do not depend on which ran before), allocated from {@code allocator}.
   * {@code host} computes inputs that are another primitive's output (partition ids).
   *
   * @throws IllegalArgumentException for a primitive without a kernel
   */
  static KernelCase create(Primitive primitive, int rows, long seed, BufferAllocator allocator, Device host) {
    requireNonNull(primitive, "primitive is null");
    requireNonNull(allocator, "allocator is null");
    requireNonNull(host, "host is null");
    RandomVectors random = new RandomVectors(seed * 31 + primitive.ordinal());
    List<AutoCloseable> created = new ArrayList<>();
    try {
      return switch (primitive) {
        case EVALUATE -> evaluate(random, rows, allocator, created);
        case SELECT_TRUE -> selectTrue(random, rows, allocator, created);
        case GATHER -> gather(random, rows, allocator, created, false);
        case GATHER_OR_NULL -> gather(random, rows, allocator, created, true);
        case CONCATENATE -> concatenate(random, rows, allocator, created);
        case HASH_PARTITION -> hashPartition(random, rows, allocator, created);
        case SPLIT_BY_PARTITION -> splitByPartition(random, rows, allocator, created, host);
        case SORT_INDICES -> sortIndices(random, rows, allocator, created);
        case BUILD_JOIN_TABLE -> buildJoinTable(random, rows, allocator, created);
        case PROBE_JOIN_TABLE -> probeJoinTable(random, rows, allocator, created);
        case GROUP_BY -> groupBy(random, rows, allocator, created);
        case KEY_CHANGES -> keyChanges(random, rows, allocator, created);
        case WINDOW -> window(random, rows, allocator, created);
      };
    } catch (RuntimeException e) {
      for (int index = created.size() - 1; index >= 0; index--) {
        try {
          created.get(index).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * {@code (a * 3 + b) > c} over three bigint columns, in Spark's default ANSI mode. The values stay below
   * 2^31 so that no row overflows: a filter over data that raises no error, which is the case to measure
   * (an overflowing row stops the query in ANSI mode, and in legacy mode makes the host interpreter replay
   * rows through Spark to find errors, which would time the replays rather than the arithmetic).
   */
  private static KernelCase evaluate(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    List<FieldVector> columns = new ArrayList<>();
    for (int column = 0; column < 3; column++) {
      columns.add(track(created, random.keys(DataTypes.LongType, rows, Integer.MAX_VALUE, NULL_SHARE, allocator)));
    }
    List<Attribute> attributes = List.of(attribute("a"), attribute("b"), attribute("c"));
    NumericEvalContext ansi = new NumericEvalContext(EvalMode$.MODULE$.ANSI(), true);
    Expression predicate = new GreaterThan(
        new Add(new Multiply(attributes.get(0), new Literal(3L, DataTypes.LongType), ansi), attributes.get(1), ansi),
        attributes.get(2));
    Program program = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true))
        .compile(predicate, attributes);
    return new KernelCase(Primitive.EVALUATE, rows, columns,
        (device, output) -> KernelOutput.of("(a * 3 + b) > c",
            List.of(device.evaluate(program, columns, rows, output))), created);
  }

  private static KernelCase selectTrue(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    BitVector flags = track(created, random.flags(rows, NULL_SHARE, 0.5, allocator));
    return new KernelCase(Primitive.SELECT_TRUE, rows, List.of(flags),
        (device, output) -> KernelOutput.of("positions", List.of(device.selectTrue(flags, rows, output))), created);
  }

  /** As many indices as rows, with repeats; for {@code gatherOrNull} a tenth of them -1 (unmatched rows). */
  private static KernelCase gather(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created, boolean orNull) {
    List<FieldVector> columns = payload(random, rows, allocator, created);
    IntVector indices = track(created, random.indices(rows, rows, allocator));
    if (orNull) {
      Random missing = new Random(rows);
      for (int row = 0; row < rows; row++) {
        if (missing.nextDouble() < NULL_SHARE) {
          indices.set(row, -1);
        }
      }
    }
    List<FieldVector> inputs = new ArrayList<>(columns);
    inputs.add(indices);
    return new KernelCase(orNull ? Primitive.GATHER_OR_NULL : Primitive.GATHER, rows, inputs,
        (device, output) -> KernelOutput.of("columns", orNull ? device.gatherOrNull(columns, indices, output)
            : device.gather(columns, indices, output)), created);
  }

  /** {@link #CONCATENATED_PARTS} parts whose rows add up to {@code rows}. */
  private static KernelCase concatenate(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    List<List<FieldVector>> parts = new ArrayList<>();
    List<FieldVector> inputs = new ArrayList<>();
    for (int part = 0; part < CONCATENATED_PARTS; part++) {
      int partRows = rows / CONCATENATED_PARTS + (part < rows % CONCATENATED_PARTS ? 1 : 0);
      List<FieldVector> columns = payload(random, partRows, allocator, created);
      parts.add(columns);
      inputs.addAll(columns);
    }
    return new KernelCase(Primitive.CONCATENATE, rows, inputs,
        (device, output) -> KernelOutput.of("columns", device.concatenate(parts, parts.get(0), output)), created);
  }

  /** Partition ids of an int and a bigint key, Spark's seed, {@link #PARTITIONS} partitions. */
  private static KernelCase hashPartition(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    List<FieldVector> keys = List.of(track(created, random.column(DataTypes.IntegerType, rows, NULL_SHARE, allocator)),
        track(created, random.column(DataTypes.LongType, rows, NULL_SHARE, allocator)));
    return new KernelCase(Primitive.HASH_PARTITION, rows, keys,
        (device, output) -> KernelOutput.of("partition ids",
            List.of(device.hashPartition(keys, rows, PARTITIONS, output))), created);
  }

  /** The payload split by the host's partition ids of its int key (an input here, computed before timing). */
  private static KernelCase splitByPartition(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created, Device host) {
    List<FieldVector> columns = payload(random, rows, allocator, created);
    IntVector ids = track(created, host.hashPartition(columns.subList(0, 1), rows, PARTITIONS, allocator));
    List<FieldVector> inputs = new ArrayList<>(columns);
    inputs.add(ids);
    return new KernelCase(Primitive.SPLIT_BY_PARTITION, rows, inputs, (device, output) -> {
      List<List<FieldVector>> split = device.splitByPartition(columns, ids, PARTITIONS, output);
      Map<String, List<FieldVector>> named = new LinkedHashMap<>();
      for (int partition = 0; partition < split.size(); partition++) {
        named.put("partition " + partition, split.get(partition));
      }
      return new KernelOutput(named, Map.of(), 0, List.of());
    }, created);
  }

  /** A bigint key ascending with nulls first, then an int key descending with nulls last; no limit. */
  private static KernelCase sortIndices(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    List<FieldVector> keys = List.of(track(created, random.column(DataTypes.LongType, rows, NULL_SHARE, allocator)),
        track(created, random.column(DataTypes.IntegerType, rows, NULL_SHARE, allocator)));
    List<SortKey> orders = List.of(new SortKey(true, true), new SortKey(false, false));
    return new KernelCase(Primitive.SORT_INDICES, rows, keys,
        (device, output) -> KernelOutput.of("positions", List.of(device.sortIndices(keys, orders, rows, -1, output))),
        created);
  }

  /**
   * A join table over an int key of {@code rows} values; its slots are what the build writes, measured as
   * the growth of the allocator (a device's table) plus {@link Device.JoinTable#bytes()} (the host's arrays).
   */
  private static KernelCase buildJoinTable(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    FieldVector keys = track(created, random.keys(DataTypes.IntegerType, rows, rows, NULL_SHARE, allocator));
    return new KernelCase(Primitive.BUILD_JOIN_TABLE, rows, List.of(keys), (device, output) -> {
      long before = output.getAllocatedMemory();
      Device.JoinTable table = device.buildJoinTable(List.of(keys), rows, output);
      long bytes = output.getAllocatedMemory() - before + table.bytes();
      return new KernelOutput(Map.of(), Map.of("build rows", (long) table.buildRowCount()), bytes, List.of(table));
    }, created);
  }

  /**
   * A probe of every row, all pairs in one call, into a table over as many build rows; each device probes the
   * table it built itself, in its first (untimed) call.
   */
  private static KernelCase probeJoinTable(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    FieldVector buildKeys = track(created, random.keys(DataTypes.IntegerType, rows, rows, NULL_SHARE, allocator));
    FieldVector probeKeys = track(created, random.keys(DataTypes.IntegerType, rows, rows, NULL_SHARE, allocator));
    Map<Device, Device.JoinTable> tables = new IdentityHashMap<>();
    created.add(() -> tables.values().forEach(Device.JoinTable::close));
    return new KernelCase(Primitive.PROBE_JOIN_TABLE, rows, List.of(probeKeys), (device, output) -> {
      Device.JoinTable table = tables.computeIfAbsent(device,
          builder -> builder.buildJoinTable(List.of(buildKeys), rows, allocator));
      Device.JoinMatches matches = device.probeJoinTable(table, List.of(probeKeys), 0, rows, Integer.MAX_VALUE - 1,
          output);
      Map<String, List<FieldVector>> columns = new LinkedHashMap<>();
      columns.put("probe rows", List.of(matches.probeRows()));
      columns.put("build rows", List.of(matches.buildRows()));
      return new KernelOutput(columns, Map.of("next row", (long) matches.nextRow()), 0, List.of());
    }, created);
  }

  /** Sum, count, min and max of a bigint grouped by an int key of {@code rows / 16} values. */
  private static KernelCase groupBy(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    FieldVector key = track(created,
        random.keys(DataTypes.IntegerType, rows, Math.max(1, rows / ROWS_PER_GROUP), NULL_SHARE, allocator));
    FieldVector value = track(created, random.column(DataTypes.LongType, rows, NULL_SHARE, allocator));
    List<DataType> keyTypes = List.of(DataTypes.IntegerType);
    List<AggregateOperation> operations = new ArrayList<>();
    for (Kind kind : new Kind[] {Kind.SUM_LONG, Kind.COUNT, Kind.MIN, Kind.MAX}) {
      operations.add(new AggregateOperation(kind, DataTypes.LongType, 0, 0, false));
    }
    List<List<FieldVector>> inputs = operations.stream().map(operation -> List.of(value)).toList();
    return new KernelCase(Primitive.GROUP_BY, rows, List.of(key, value), (device, output) -> {
      Map<String, List<FieldVector>> columns = new LinkedHashMap<>();
      try (Device.GroupBy groupBy = device.newGroupBy(keyTypes, operations, output)) {
        groupBy.add(List.of(key), inputs, rows);
        columns.put("keys", groupBy.keys(output));
        for (int operation = 0; operation < operations.size(); operation++) {
          columns.put(operations.get(operation).kind().name(), groupBy.state(operation, output));
        }
      }
      return new KernelOutput(columns, Map.of(), 0, List.of());
    }, created);
  }

  /** Rows sorted by an int key in runs of {@value #ROWS_PER_GROUP} rows (nulls first), as a window sees them. */
  private static KernelCase keyChanges(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    IntVector key = track(created, sortedRuns(rows, ROWS_PER_GROUP, allocator));
    FieldVector order = track(created, random.column(DataTypes.DoubleType, rows, NULL_SHARE, allocator));
    return new KernelCase(Primitive.KEY_CHANGES, rows, List.of(key, order), (device, output) -> KernelOutput.of(
        "changes", List.of(device.keyChanges(List.of(key, order), rows, output))), created);
  }

  /**
   * Partitions of {@value #ROWS_PER_PARTITION} rows with peer groups of {@value #ROWS_PER_GROUP}: the three
   * rankings, a running double sum to the peers' end, a long sum over ROWS -2..2 and a count over the whole
   * partition. The starts are inputs (computed here, not timed).
   */
  private static KernelCase window(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    IntVector partitions = track(created, starts("partitions", rows, ROWS_PER_PARTITION, allocator));
    IntVector peers = track(created, starts("peers", rows, ROWS_PER_GROUP, allocator));
    FieldVector real = track(created, random.column(DataTypes.DoubleType, rows, NULL_SHARE, allocator));
    FieldVector number = track(created, random.column(DataTypes.LongType, rows, NULL_SHARE, allocator));
    List<Device.WindowOperation> operations = List.of(
        Device.WindowOperation.ranking(Device.WindowOperation.Kind.ROW_NUMBER),
        Device.WindowOperation.ranking(Device.WindowOperation.Kind.RANK),
        Device.WindowOperation.ranking(Device.WindowOperation.Kind.DENSE_RANK),
        new Device.WindowOperation(Device.WindowOperation.Kind.AGGREGATE,
            new AggregateOperation(Kind.SUM_DOUBLE, DataTypes.DoubleType, 0, 0, false),
            new Device.WindowFrame(Device.WindowFrame.Bound.UNBOUNDED, 0, Device.WindowFrame.Bound.PEERS, 0)),
        new Device.WindowOperation(Device.WindowOperation.Kind.AGGREGATE,
            new AggregateOperation(Kind.SUM_LONG, DataTypes.LongType, 0, 0, false),
            new Device.WindowFrame(Device.WindowFrame.Bound.ROWS, -2, Device.WindowFrame.Bound.ROWS, 2)),
        new Device.WindowOperation(Device.WindowOperation.Kind.AGGREGATE,
            new AggregateOperation(Kind.COUNT, DataTypes.LongType, 0, 0, false), Device.WindowFrame.PARTITION));
    List<List<FieldVector>> inputs = List.of(List.of(), List.of(), List.of(), List.of(real), List.of(number),
        List.of(real));
    return new KernelCase(Primitive.WINDOW, rows, List.of(partitions, peers, real, number), (device, output) -> {
      List<List<FieldVector>> results = device.window(partitions, peers, operations, inputs, rows, output);
      Map<String, List<FieldVector>> named = new LinkedHashMap<>();
      for (int i = 0; i < results.size(); i++) {
        Device.WindowOperation operation = operations.get(i);
        named.put(i + " " + (operation.aggregate() == null ? operation.kind() : operation.aggregate().kind() + " "
            + operation.frame()), results.get(i));
      }
      return new KernelOutput(named, Map.of(), 0, List.of());
    }, created);
  }

  /** An int column of {@code rows} values rising by one every {@code run} rows, the first run null. */
  private static IntVector sortedRuns(int rows, int run, BufferAllocator allocator) {
    IntVector vector = new IntVector("key", allocator);
    vector.allocateNew(Math.max(rows, 1));
    for (int row = 0; row < rows; row++) {
      if (row < run) {
        vector.setNull(row);
      } else {
        vector.set(row, row / run);
      }
    }
    vector.setValueCount(rows);
    return vector;
  }

  /** The starts of runs of {@code run} rows over {@code rows} rows: 0, run, 2 run, ... */
  private static IntVector starts(String name, int rows, int run, BufferAllocator allocator) {
    int count = rows == 0 ? 0 : (rows + run - 1) / run;
    IntVector vector = new IntVector(name, allocator);
    vector.allocateNew(Math.max(count, 1));
    for (int i = 0; i < count; i++) {
      vector.set(i, i * run);
    }
    vector.setValueCount(count);
    return vector;
  }

  /** An int key with {@code rows} distinct values, a bigint, a double and a string column, in that order. */
  private static List<FieldVector> payload(RandomVectors random, int rows, BufferAllocator allocator,
      List<AutoCloseable> created) {
    List<FieldVector> columns = new ArrayList<>();
    columns.add(track(created, random.keys(DataTypes.IntegerType, rows, Math.max(1, rows), NULL_SHARE, allocator)));
    for (DataType type : List.of(DataTypes.LongType, DataTypes.DoubleType, DataTypes.StringType)) {
      columns.add(track(created, random.column(type, rows, NULL_SHARE, allocator)));
    }
    return columns;
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> created, T resource) {
    created.add(resource);
    return resource;
  }

  private static AttributeReference attribute(String name) {
    return new AttributeReference(name, DataTypes.LongType, true, Metadata.empty(), NamedExpression.newExprId(),
        CollectionConverters.asScala(List.<String>of()).toSeq());
  }
}
