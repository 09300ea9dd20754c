package dev.ember.exec.aggregate;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.shims.SparkShims;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Last;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.Partial$;
import org.apache.spark.sql.catalyst.expressions.aggregate.PartialMerge$;
import org.apache.spark.sql.catalyst.expressions.aggregate.StddevPop;
import org.apache.spark.sql.catalyst.expressions.aggregate.StddevSamp;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.expressions.aggregate.VariancePop;
import org.apache.spark.sql.catalyst.expressions.aggregate.VarianceSamp;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType$;
import org.apache.spark.sql.types.LongType$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * An aggregation planned on the driver: key columns, input columns, the group-by operations and how
 * each Spark aggregate function maps onto them, and how output rows are formed.
 *
 * <p>Spark's buffer layout is kept exactly (Sum: sum, plus isEmpty for decimals; Avg: sum, count;
 * Count: count; Min/Max: the value; First/Last: the value and whether it was set), so either side of an
 * exchange may be Spark or Ember.
 *
 * @param keys the grouping expressions over the child's output
 * @param keyTypes their types
 * @param inputs every function input, flattened, over the child's output
 * @param operations the group-by operations
 * @param operationInputs for each operation, indexes into {@code inputs}; -1 stands for an all-false
 *     "is empty" column (Avg's decimal sum buffer has none)
 * @param functions one plan per aggregate function
 * @param finalResults whether the output holds results (Final and Complete modes) rather than buffers
 * @param results for result output, the result expressions over grouping attributes and function results;
 *     for buffer output without functions, the result expressions over grouping attributes; else null
 * @param exactOperations the {@code SUM_DECIMAL} operations summed exactly ({@link KeylessExactSums}) besides
 *     the group-by, in ascending order: the wide decimal sums and averages of an aggregation without grouping
 *     keys that Spark's generated code runs; empty otherwise
 */
record AggregatePlan(ExpressionColumns keys, List<DataType> keyTypes, ExpressionColumns inputs,
        List<AggregateOperation> operations, List<int[]> operationInputs, List<FunctionPlan> functions,
        boolean finalResults, ExpressionColumns results, List<Integer> exactOperations) implements Serializable {

    /** A reason an aggregation cannot run on Ember. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Whether Ember can run the aggregation, with the reason when it cannot. */
    static SupportLevel support(List<NamedExpression> grouping, List<AggregateExpression> aggregates,
            List<Attribute> aggregateAttributes, List<NamedExpression> resultExpressions, List<Attribute> childOutput,
            ExpressionCompiler compiler) {
        try {
            Builder builder = new Builder(childOutput);
            builder.check(grouping, aggregates, aggregateAttributes, resultExpressions, compiler);
            return SupportLevel.compatible();
        } catch (Unsupported e) {
            return SupportLevel.unsupported(e.getMessage());
        }
    }

    /**
     * Plans an aggregation that {@link #support} accepted; driver side. With {@code exactWideSums} (only
     * without grouping keys) the wide decimal sums and averages ({@link ExactDecimalSums#wide}) are kept exact.
     */
    static AggregatePlan plan(List<NamedExpression> grouping, List<AggregateExpression> aggregates,
            List<Attribute> aggregateAttributes, List<NamedExpression> resultExpressions, List<Attribute> childOutput,
            boolean exactWideSums) {
        if (exactWideSums && !grouping.isEmpty()) {
            throw new IllegalArgumentException("exact wide sums need an aggregation without grouping keys");
        }
        Builder builder = new Builder(childOutput);
        builder.exactWideSums = exactWideSums;
        builder.build(aggregates);
        List<DataType> keyTypes = new ArrayList<>();
        List<Attribute> groupingAttributes = new ArrayList<>();
        for (NamedExpression expression : grouping) {
            keyTypes.add(((Expression) expression).dataType());
            groupingAttributes.add(expression.toAttribute());
        }
        boolean finalResults = builder.finalResults;
        ExpressionColumns results = null;
        if (finalResults || aggregates.isEmpty()) {
            List<Attribute> resultInput = new ArrayList<>(groupingAttributes);
            if (finalResults) {
                resultInput.addAll(aggregateAttributes);
            }
            results = ExpressionColumns.bind(asExpressions(resultExpressions), resultInput);
        }
        return new AggregatePlan(ExpressionColumns.bind(asExpressions(grouping), childOutput), List.copyOf(keyTypes),
                ExpressionColumns.bind(builder.inputs, childOutput), List.copyOf(builder.operations),
                List.copyOf(builder.operationInputs), List.copyOf(builder.functions), finalResults, results,
                List.copyOf(builder.exactOperations));
    }

    private static List<Expression> asExpressions(List<NamedExpression> named) {
        List<Expression> out = new ArrayList<>();
        for (NamedExpression expression : named) {
            out.add((Expression) expression);
        }
        return out;
    }

    /** Maps Spark's aggregate expressions onto group-by operations. */
    private static final class Builder {
        private final List<Attribute> childOutput;
        final List<Expression> inputs = new ArrayList<>();
        final List<AggregateOperation> operations = new ArrayList<>();
        final List<int[]> operationInputs = new ArrayList<>();
        final List<FunctionPlan> functions = new ArrayList<>();
        final List<Integer> exactOperations = new ArrayList<>();
        boolean finalResults;
        boolean exactWideSums;

        Builder(List<Attribute> childOutput) {
            this.childOutput = childOutput;
        }

        void check(List<NamedExpression> grouping, List<AggregateExpression> aggregates,
                List<Attribute> aggregateAttributes, List<NamedExpression> resultExpressions,
                ExpressionCompiler compiler) {
            require(ExpressionColumns.support(asExpressions(grouping), childOutput, compiler, "grouping key"));
            for (AggregateExpression aggregate : aggregates) {
                String name = aggregate.aggregateFunction().getClass().getSimpleName();
                if (!compiler.expressionEnabled(name)) {
                    throw new Unsupported(name + " is disabled by spark.ember.expression." + name + ".enabled=false");
                }
            }
            build(aggregates);
            require(ExpressionColumns.support(inputs, childOutput, compiler, "aggregate input"));
            if (finalResults || aggregates.isEmpty()) {
                List<Attribute> resultInput = new ArrayList<>();
                for (NamedExpression expression : grouping) {
                    resultInput.add(expression.toAttribute());
                }
                if (finalResults) {
                    resultInput.addAll(aggregateAttributes);
                }
                require(ExpressionColumns.support(asExpressions(resultExpressions), resultInput, compiler,
                        "result column"));
            }
        }

        private static void require(SupportLevel level) {
            if (!level.isCompatible()) {
                throw new Unsupported(level.reason());
            }
        }

        void build(List<AggregateExpression> aggregates) {
            for (AggregateExpression aggregate : aggregates) {
                if (aggregate.filter().isDefined()) {
                    throw new Unsupported("aggregate " + aggregate.sql() + " has a FILTER clause, which is not"
                            + " supported yet");
                }
                Object mode = aggregate.mode();
                boolean merge = mode == PartialMerge$.MODULE$ || mode == Final$.MODULE$;
                if (mode == Final$.MODULE$ || mode == Complete$.MODULE$) {
                    finalResults = true;
                } else if (mode != Partial$.MODULE$ && mode != PartialMerge$.MODULE$) {
                    throw new Unsupported("aggregate mode " + mode + " is not supported");
                }
                add(aggregate, aggregate.aggregateFunction(), merge);
            }
        }

        private void add(AggregateExpression aggregate, AggregateFunction function, boolean merge) {
            List<Expression> bufferInputs = merge
                    ? new ArrayList<>(CollectionConverters.asJava(function.inputAggBufferAttributes()))
                    : List.of();
            int first = operations.size();
            if (function instanceof Sum sum) {
                boolean ansi = ansi(SparkShims.evalModeOf(sum), function);
                DataType sumType = sum.dataType();
                if (sumType instanceof DecimalType decimal) {
                    int[] in = merge ? inputs(bufferInputs) : inputs(List.of(sum.child()));
                    exactIfWide(aggregate);
                    operation(new AggregateOperation(Kind.SUM_DECIMAL, sumType, decimal.precision(), decimal.scale(),
                            ansi), in);
                } else if (sumType == LongType$.MODULE$ || sumType == DoubleType$.MODULE$) {
                    Kind kind = sumType == LongType$.MODULE$ ? Kind.SUM_LONG : Kind.SUM_DOUBLE;
                    operation(new AggregateOperation(kind, sumType, 0, 0, ansi),
                            merge ? inputs(bufferInputs) : inputs(List.of(sum.child())));
                } else {
                    throw new Unsupported("sum of " + sum.child().dataType().simpleString() + " is not supported");
                }
                functions.add(new FunctionPlan(FunctionPlan.Kind.SUM, merge, first, sum.dataType(), sumType, ansi,
                        sum.getContextOrNull()));
            } else if (function instanceof Average average) {
                boolean ansi = ansi(SparkShims.evalModeOf(average), function);
                DataType sumType = average.sumDataType();
                Expression sumInput = merge ? bufferInputs.get(0) : average.child();
                Expression countInput = merge ? bufferInputs.get(1) : average.child();
                if (sumType instanceof DecimalType decimal) {
                    int[] in = inputs(List.of(sumInput));
                    exactIfWide(aggregate);
                    operation(new AggregateOperation(Kind.SUM_DECIMAL, sumType, decimal.precision(), decimal.scale(),
                            ansi), merge ? new int[] {in[0], -1} : in);
                } else if (sumType == DoubleType$.MODULE$) {
                    operation(new AggregateOperation(Kind.SUM_DOUBLE, sumType, 0, 0, ansi), inputs(List.of(sumInput)));
                } else {
                    throw new Unsupported("avg of " + average.child().dataType().simpleString() + " is not supported");
                }
                if (merge) {
                    operation(new AggregateOperation(Kind.SUM_LONG, LongType$.MODULE$, 0, 0, false),
                            inputs(List.of(countInput)));
                } else {
                    operation(new AggregateOperation(Kind.COUNT, LongType$.MODULE$, 0, 0, false),
                            inputs(List.of(countInput)));
                }
                functions.add(new FunctionPlan(FunctionPlan.Kind.AVERAGE, merge, first, average.dataType(), sumType,
                        ansi, average.getContextOrNull()));
            } else if (function instanceof Count count) {
                if (merge) {
                    operation(new AggregateOperation(Kind.SUM_LONG, LongType$.MODULE$, 0, 0, false),
                            inputs(bufferInputs));
                } else {
                    List<Expression> counted = new ArrayList<>();
                    for (Expression child : CollectionConverters.asJava(count.children())) {
                        if (child instanceof Literal literal && literal.value() != null) {
                            continue;
                        }
                        counted.add(child);
                    }
                    operation(new AggregateOperation(Kind.COUNT, LongType$.MODULE$, 0, 0, false), inputs(counted));
                }
                functions.add(new FunctionPlan(FunctionPlan.Kind.COUNT, merge, first, LongType$.MODULE$, null, false, null));
            } else if (function instanceof Min || function instanceof Max) {
                Expression child = merge ? bufferInputs.get(0) : function.children().head();
                Kind kind = function instanceof Min ? Kind.MIN : Kind.MAX;
                operation(new AggregateOperation(kind, function.dataType(), 0, 0, false), inputs(List.of(child)));
                functions.add(new FunctionPlan(kind == Kind.MIN ? FunctionPlan.Kind.MIN : FunctionPlan.Kind.MAX, merge,
                        first, function.dataType(), null, false, null));
            } else if (function instanceof First || function instanceof Last) {
                boolean isFirst = function instanceof First;
                boolean ignoreNulls = isFirst ? ((First) function).ignoreNulls() : ((Last) function).ignoreNulls();
                Kind kind = isFirst ? (ignoreNulls ? Kind.FIRST_IGNORE_NULLS : Kind.FIRST)
                        : (ignoreNulls ? Kind.LAST_IGNORE_NULLS : Kind.LAST);
                // merge modes read Spark's buffer (value, value set); update modes read the raw values
                operation(new AggregateOperation(kind, function.dataType(), 0, 0, false),
                        merge ? inputs(bufferInputs) : inputs(List.of(function.children().head())));
                functions.add(new FunctionPlan(isFirst ? FunctionPlan.Kind.FIRST : FunctionPlan.Kind.LAST, merge,
                        first, function.dataType(), null, false, null));
            } else if (momentsKind(function) != null) {
                // Spark's buffer (n, avg, m2) in merge modes; the child, cast to double by Spark, otherwise
                operation(new AggregateOperation(Kind.MOMENTS, DoubleType$.MODULE$, 0, 0, false),
                        merge ? inputs(bufferInputs) : inputs(List.of(function.children().head())));
                functions.add(new FunctionPlan(momentsKind(function), merge, first, DoubleType$.MODULE$, null, false,
                        null, nullOnDivideByZero(function)));
            } else {
                throw new Unsupported("aggregate function " + function.prettyName() + " is not supported yet");
            }
        }

        /** The statistic of a central-moment aggregate Ember computes, or null (skewness, kurtosis, ...). */
        private static FunctionPlan.Kind momentsKind(AggregateFunction function) {
            if (function instanceof StddevPop) {
                return FunctionPlan.Kind.STDDEV_POP;
            } else if (function instanceof StddevSamp) {
                return FunctionPlan.Kind.STDDEV_SAMP;
            } else if (function instanceof VariancePop) {
                return FunctionPlan.Kind.VAR_POP;
            } else if (function instanceof VarianceSamp) {
                return FunctionPlan.Kind.VAR_SAMP;
            }
            return null;
        }

        private static boolean nullOnDivideByZero(AggregateFunction function) {
            if (function instanceof StddevPop f) {
                return f.nullOnDivideByZero();
            } else if (function instanceof StddevSamp f) {
                return f.nullOnDivideByZero();
            } else if (function instanceof VariancePop f) {
                return f.nullOnDivideByZero();
            }
            return ((VarianceSamp) function).nullOnDivideByZero();
        }

        private boolean ansi(Object evalMode, AggregateFunction function) {
            if (evalMode == EvalMode$.MODULE$.TRY()) {
                throw new Unsupported(function.prettyName() + " in TRY mode (try_sum, try_avg) is not supported yet");
            }
            return evalMode == EvalMode$.MODULE$.ANSI();
        }

        /** Marks the operation about to be added as exact, where asked and {@code aggregate} is wide. */
        private void exactIfWide(AggregateExpression aggregate) {
            if (exactWideSums && ExactDecimalSums.wide(aggregate)) {
                exactOperations.add(operations.size());
            }
        }

        private void operation(AggregateOperation operation, int[] in) {
            operations.add(operation);
            operationInputs.add(in);
        }

        private int[] inputs(List<Expression> expressions) {
            int[] indexes = new int[expressions.size()];
            for (int i = 0; i < indexes.length; i++) {
                indexes[i] = inputs.size();
                inputs.add(expressions.get(i));
            }
            return indexes;
        }
    }
}
