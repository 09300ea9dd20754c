package dev.ember.bench.jmh;

import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.host.HostGroupBy;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.HostInterpreter;
import dev.ember.expr.Program;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
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
 * Decimal expressions and sums on the host device over {@value #ROWS} rows of TPC-H-shaped
 * {@code decimal(15,2)} columns (prices, discounts and taxes, about 5% nulls). Scores are rows per
 * second ({@link OperationsPerInvocation} is the row count). Run as docs/benchmark.md
 * ("Micro-benchmarks") says.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class DecimalBench {
    static final int ROWS = 1 << 20;
    private static final DecimalType MONEY = DataTypes.createDecimalType(15, 2);

    private BufferAllocator allocator;
    /** price, other price, discount, tax, and a small group key. */
    private List<FieldVector> columns;
    private IntVector groupKeys;
    private Program multiply;
    private Program add;
    private Program compareLiteral;
    private Program divide;
    private Program discountedPrice;
    private Program charge;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = new RootAllocator();
        Random random = new Random(42);
        columns = List.of(money("price", random, 10_000_000), money("otherPrice", random, 10_000_000),
                money("discount", random, 11), money("tax", random, 9));
        groupKeys = new IntVector("key", allocator);
        groupKeys.allocateNew(ROWS);
        for (int row = 0; row < ROWS; row++) {
            groupKeys.set(row, random.nextInt(4));
        }
        groupKeys.setValueCount(ROWS);

        List<Attribute> input = List.of(attribute("price"), attribute("otherPrice"), attribute("discount"),
                attribute("tax"));
        Expression price = input.get(0);
        Expression otherPrice = input.get(1);
        Expression discount = input.get(2);
        Expression tax = input.get(3);
        Expression one = new Literal(Decimal.apply(1), DataTypes.createDecimalType(1, 0));
        NumericEvalContext legacy = new NumericEvalContext(EvalMode$.MODULE$.LEGACY(), true);
        Expression discounted = new Multiply(price, new Subtract(one, discount, legacy), legacy);
        ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(false, "UTC", name -> true));
        multiply = compiler.compile(new Multiply(price, otherPrice, legacy), input);
        add = compiler.compile(new Add(price, otherPrice, legacy), input);
        compareLiteral = compiler.compile(
                new GreaterThan(discount, new Literal(Decimal.apply(new BigDecimal("0.05"), 15, 2), MONEY)), input);
        divide = compiler.compile(new Divide(price, otherPrice, legacy), input);
        discountedPrice = compiler.compile(discounted, input);
        charge = compiler.compile(new Multiply(discounted, new Add(one, tax, legacy), legacy), input);
    }

    private DecimalVector money(String name, Random random, int bound) {
        DecimalVector vector = new DecimalVector(name, allocator, 15, 2);
        vector.allocateNew(ROWS);
        for (int row = 0; row < ROWS; row++) {
            if (random.nextInt(20) == 0) {
                vector.setNull(row);
            } else {
                vector.set(row, random.nextInt(bound));
            }
        }
        vector.setValueCount(ROWS);
        return vector;
    }

    private static Attribute attribute(String name) {
        return new AttributeReference(name, MONEY, true, Metadata.empty(), NamedExpression.newExprId(),
                scala.jdk.javaapi.CollectionConverters.asScala(List.<String>of()).toList());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        columns.forEach(FieldVector::close);
        groupKeys.close();
        allocator.close();
    }

    private void evaluate(Program program, Blackhole blackhole) {
        try (FieldVector result = HostInterpreter.evaluate(program, columns, ROWS, allocator)) {
            blackhole.consume(result.getNullCount());
        }
    }

    /** price * otherPrice: decimal(15,2) * decimal(15,2) = decimal(31,4). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void multiply(Blackhole blackhole) {
        evaluate(multiply, blackhole);
    }

    /** price + otherPrice = decimal(16,2). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void add(Blackhole blackhole) {
        evaluate(add, blackhole);
    }

    /** discount > 0.05. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void compareLiteral(Blackhole blackhole) {
        evaluate(compareLiteral, blackhole);
    }

    /** price / otherPrice = decimal(33,18). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void divide(Blackhole blackhole) {
        evaluate(divide, blackhole);
    }

    /** TPC-H q1's sum_charge input: price * (1 - discount) * (1 + tax) = decimal(38,6). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void charge(Blackhole blackhole) {
        evaluate(charge, blackhole);
    }

    /** sum(price) grouped by a key of four values: the decimal(25,2) sum state. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void sum(Blackhole blackhole) {
        sum(columns.get(0), DataTypes.createDecimalType(25, 2), blackhole);
    }

    /** sum(price * (1 - discount)) grouped by four keys, as in TPC-H q1: evaluation, then a decimal(38,4) sum. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void sumDiscountedPrice(Blackhole blackhole) {
        try (FieldVector values = HostInterpreter.evaluate(discountedPrice, columns, ROWS, allocator)) {
            sum(values, DataTypes.createDecimalType(38, 4), blackhole);
        }
    }

    private void sum(FieldVector values, DecimalType sumType, Blackhole blackhole) {
        AggregateOperation operation = new AggregateOperation(AggregateOperation.Kind.SUM_DECIMAL, sumType,
                sumType.precision(), sumType.scale(), false);
        try (HostGroupBy groupBy = new HostGroupBy(List.<DataType>of(DataTypes.IntegerType), List.of(operation),
                allocator)) {
            groupBy.add(List.of(groupKeys), List.of(List.of(values)), ROWS);
            List<FieldVector> state = groupBy.state(0, allocator);
            blackhole.consume(state.get(0).getNullCount());
            state.forEach(FieldVector::close);
            groupBy.keys(allocator).forEach(FieldVector::close);
        }
    }
}
