package dev.ember.bench.jmh;

import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.host.HostCopy;
import dev.ember.device.host.HostGroupBy;
import dev.ember.device.host.HostJoinTable;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.HostInterpreter;
import dev.ember.expr.Program;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.unsafe.types.UTF8String;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The host primitives the TPC-H profile shows hot, over {@value #ROWS} rows shaped like lineitem and
 * part (about 5% nulls): expression programs per value type (q6's range filter, q19's string
 * predicates, long and double arithmetic), gather, group-by with string keys (q1) and join build and
 * probe on long keys. Scores are rows per second ({@link OperationsPerInvocation} is the row count).
 * Run as docs/benchmark.md ("Micro-benchmarks") says.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class HostPrimitiveBench {
    static final int ROWS = 1 << 20;
    private static final DecimalType MONEY = DataTypes.createDecimalType(15, 2);

    private BufferAllocator allocator;
    /** shipdate (date), discount, quantity (decimal(15,2)), orderkey (long), price (double), brand, flag, status (string). */
    private List<FieldVector> columns;
    private IntVector everyOtherRow;
    private Program q6Predicate;
    private Program stringEquals;
    private Program stringIn;
    private Program longArithmetic;
    private Program longArithmeticWrapping;
    private Program doubleArithmetic;
    private HostJoinTable joinTable;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = new RootAllocator();
        Random random = new Random(42);
        DateDayVector shipdate = new DateDayVector("shipdate", allocator);
        DecimalVector discount = new DecimalVector("discount", allocator, 15, 2);
        DecimalVector quantity = new DecimalVector("quantity", allocator, 15, 2);
        BigIntVector orderkey = new BigIntVector("orderkey", allocator);
        Float8Vector price = new Float8Vector("price", allocator);
        VarCharVector brand = new VarCharVector("brand", allocator);
        VarCharVector flag = new VarCharVector("flag", allocator);
        VarCharVector status = new VarCharVector("status", allocator);
        columns = List.of(shipdate, discount, quantity, orderkey, price, brand, flag, status);
        columns.forEach(vector -> {
            vector.setInitialCapacity(ROWS);
            vector.allocateNew();
        });
        String[] flags = {"A", "N", "R"};
        for (int row = 0; row < ROWS; row++) {
            boolean nullRow = random.nextInt(20) == 0;
            if (nullRow) {
                for (FieldVector vector : columns) {
                    vector.setNull(row);
                }
                continue;
            }
            shipdate.set(row, 8036 + random.nextInt(2526));
            discount.set(row, random.nextInt(11));
            quantity.set(row, 100L * (1 + random.nextInt(50)));
            orderkey.set(row, random.nextInt(ROWS / 4));
            price.set(row, random.nextDouble() * 100_000);
            brand.setSafe(row, ("Brand#" + (1 + random.nextInt(5)) + (1 + random.nextInt(5)))
                    .getBytes(StandardCharsets.UTF_8));
            flag.setSafe(row, flags[random.nextInt(3)].getBytes(StandardCharsets.UTF_8));
            status.setSafe(row, (random.nextBoolean() ? "O" : "F").getBytes(StandardCharsets.UTF_8));
        }
        columns.forEach(vector -> vector.setValueCount(ROWS));
        everyOtherRow = new IntVector("positions", allocator);
        everyOtherRow.allocateNew(ROWS / 2);
        for (int i = 0; i < ROWS / 2; i++) {
            everyOtherRow.set(i, 2 * i);
        }
        everyOtherRow.setValueCount(ROWS / 2);

        List<Attribute> input = new ArrayList<>();
        for (FieldVector vector : columns) {
            DataType type = switch (vector.getName()) {
                case "shipdate" -> DataTypes.DateType;
                case "discount", "quantity" -> MONEY;
                case "orderkey" -> DataTypes.LongType;
                case "price" -> DataTypes.DoubleType;
                default -> DataTypes.StringType;
            };
            input.add(new AttributeReference(vector.getName(), type, true, Metadata.empty(),
                    NamedExpression.newExprId(), scala.jdk.javaapi.CollectionConverters.asScala(List.<String>of())
                            .toList()));
        }
        Expression date = input.get(0);
        Expression disc = input.get(1);
        Expression qty = input.get(2);
        // TPC-H q6 as Spark's optimizer leaves it
        q6Predicate = compile(and(new IsNotNull(date), new IsNotNull(disc), new IsNotNull(qty),
                new GreaterThanOrEqual(date, Literal.create(8766, DataTypes.DateType)),
                new LessThan(date, Literal.create(9131, DataTypes.DateType)),
                new GreaterThanOrEqual(disc, decimal("0.05")), new LessThanOrEqual(disc, decimal("0.07")),
                new LessThan(qty, decimal("24.00"))), input);
        stringEquals = compile(new EqualTo(input.get(5), Literal.create(UTF8String.fromString("Brand#12"),
                DataTypes.StringType)), input);
        stringIn = compile(new In(input.get(5), scala.jdk.javaapi.CollectionConverters.asScala(List.<Expression>of(
                stringLiteral("Brand#12"), stringLiteral("Brand#23"), stringLiteral("Brand#34"))).toSeq()), input);
        NumericEvalContext legacy = new NumericEvalContext(EvalMode$.MODULE$.LEGACY(), true);
        longArithmetic = compile(new Add(new Multiply(input.get(3), Literal.create(3L, DataTypes.LongType), legacy),
                Literal.create(1L, DataTypes.LongType), legacy), input);
        // a multiplier near 2^62: almost every row overflows and wraps, as legacy (non-ANSI) mode lets it
        longArithmeticWrapping = compile(new Add(new Multiply(input.get(3),
                Literal.create(0x5555_5555_5555_5555L, DataTypes.LongType), legacy),
                Literal.create(1L, DataTypes.LongType), legacy), input);
        doubleArithmetic = compile(new Multiply(input.get(4), new Add(input.get(4),
                Literal.create(1.0, DataTypes.DoubleType), legacy), legacy), input);
        joinTable = HostJoinTable.build(List.of(orderkey), ROWS);
    }

    private static Expression and(Expression... terms) {
        Expression result = terms[0];
        for (int i = 1; i < terms.length; i++) {
            result = new And(result, terms[i]);
        }
        return result;
    }

    private static Expression decimal(String value) {
        return Literal.create(Decimal.apply(new java.math.BigDecimal(value), 15, 2), MONEY);
    }

    private static Expression stringLiteral(String value) {
        return Literal.create(UTF8String.fromString(value), DataTypes.StringType);
    }

    private static Program compile(Expression expression, List<Attribute> input) {
        return new ExpressionCompiler(new CompilerSettings(false, "UTC", name -> true)).compile(expression, input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        joinTable.close();
        columns.forEach(FieldVector::close);
        everyOtherRow.close();
        allocator.close();
    }

    private void evaluate(Program program, Blackhole blackhole) {
        try (FieldVector result = HostInterpreter.evaluate(program, columns, ROWS, allocator)) {
            blackhole.consume(result.getNullCount());
        }
    }

    /** TPC-H q6's filter: a date range, a decimal range, a decimal bound and three null checks, ANDed. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void q6Predicate(Blackhole blackhole) {
        evaluate(q6Predicate, blackhole);
    }

    /** brand = 'Brand#12' (q19). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void stringEquals(Blackhole blackhole) {
        evaluate(stringEquals, blackhole);
    }

    /** brand IN three strings (q19). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void stringIn(Blackhole blackhole) {
        evaluate(stringIn, blackhole);
    }

    /** orderkey * 3 + 1 over longs. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void longArithmetic(Blackhole blackhole) {
        evaluate(longArithmetic, blackhole);
    }

    /** orderkey * 0x5555555555555555 + 1 over longs in legacy mode: nearly every row overflows and wraps. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void longArithmeticWrapping(Blackhole blackhole) {
        evaluate(longArithmeticWrapping, blackhole);
    }

    /** price * (price + 1.0) over doubles. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void doubleArithmetic(Blackhole blackhole) {
        evaluate(doubleArithmetic, blackhole);
    }

    /** Every other row of all eight columns (a filter's gather); rows counted are the rows read. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void gather(Blackhole blackhole) {
        List<FieldVector> out = HostCopy.gather(columns, everyOtherRow, allocator);
        blackhole.consume(out.get(0).getValueCount());
        out.forEach(FieldVector::close);
    }

    /** count(*) and sum(price) grouped by two one-letter strings, as q1 groups by returnflag, linestatus. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void groupByStrings(Blackhole blackhole) {
        List<AggregateOperation> operations = List.of(
                new AggregateOperation(AggregateOperation.Kind.COUNT, DataTypes.LongType, 0, 0, false),
                new AggregateOperation(AggregateOperation.Kind.SUM_DOUBLE, DataTypes.DoubleType, 0, 0, false));
        try (HostGroupBy groupBy = new HostGroupBy(List.of(DataTypes.StringType, DataTypes.StringType), operations,
                allocator)) {
            groupBy.add(List.of(columns.get(6), columns.get(7)), List.of(List.of(), List.of(columns.get(4))), ROWS);
            blackhole.consume(groupBy.groupCount());
            groupBy.keys(allocator).forEach(FieldVector::close);
            groupBy.state(0, allocator).forEach(FieldVector::close);
            groupBy.state(1, allocator).forEach(FieldVector::close);
        }
    }

    /** A hash join build on a long key with about four rows per key. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void joinBuild(Blackhole blackhole) {
        try (HostJoinTable table = HostJoinTable.build(List.of(columns.get(3)), ROWS)) {
            blackhole.consume(table.bytes());
        }
    }

    /** Probing that table with the same key column: about four matches per row. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void joinProbe(Blackhole blackhole) {
        int next = 0;
        while (next < ROWS) {
            try (var matches = joinTable.probe(List.of(columns.get(3)), next, ROWS, 1 << 20, allocator)) {
                blackhole.consume(matches.pairCount());
                next = matches.nextRow();
            }
        }
    }
}
