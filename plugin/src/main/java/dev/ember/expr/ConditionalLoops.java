package dev.ember.expr;

import java.util.List;

/** IF, CASE_WHEN, COALESCE, TRY and the optimizer's wrappers (NORMALIZE_FLOATING, UNSCALED_VALUE, MAKE_DECIMAL). */
final class ConditionalLoops {
    private ConditionalLoops() {}

    /** IF: the predicate, then only the branch Spark evaluates ({@code true} takes the first). */
    static Column ifThenElse(ValueType type, Column predicate, Column then, Column otherwise) {
        Column out = new Column(type, predicate.size);
        for (int row = 0; row < out.size; row++) {
            if (predicate.poison[row]) {
                out.poison[row] = true;
            } else if (!predicate.nulls[row] && predicate.longs[row] == 1) {
                out.copyRow(then, row, row);
            } else {
                out.copyRow(otherwise, row, row);
            }
        }
        return out;
    }

    /** CASE_WHEN: conditions in order until one is true; its value, else the else value, else null. */
    static Column caseWhen(Instruction instruction, List<Column> operands) {
        boolean hasElse = instruction.hasFlag(Instruction.FLAG_HAS_ELSE);
        int branches = (operands.size() - (hasElse ? 1 : 0)) / 2;
        Column out = new Column(instruction.type(), operands.get(0).size);
        for (int row = 0; row < out.size; row++) {
            boolean decided = false;
            for (int branch = 0; branch < branches && !decided; branch++) {
                Column condition = operands.get(2 * branch);
                if (condition.poison[row]) {
                    out.poison[row] = true;
                    decided = true;
                } else if (!condition.nulls[row] && condition.longs[row] == 1) {
                    out.copyRow(operands.get(2 * branch + 1), row, row);
                    decided = true;
                }
            }
            if (!decided) {
                if (hasElse) {
                    out.copyRow(operands.get(operands.size() - 1), row, row);
                } else {
                    out.nulls[row] = true;
                }
            }
        }
        return out;
    }

    /** COALESCE: the operands in order until one is not null. */
    static Column coalesce(ValueType type, List<Column> operands) {
        Column out = new Column(type, operands.get(0).size);
        for (int row = 0; row < out.size; row++) {
            out.nulls[row] = true;
            for (Column operand : operands) {
                if (operand.poison[row] || !operand.nulls[row]) {
                    out.copyRow(operand, row, row);
                    break;
                }
            }
        }
        return out;
    }

    /** TRY: an error anywhere below becomes null. */
    static Column tryEval(Column value) {
        Column out = new Column(value.type, value.size);
        for (int row = 0; row < out.size; row++) {
            out.copyRow(value, row, row);
            if (value.poison[row]) {
                out.poison[row] = false;
                out.nulls[row] = true;
            }
        }
        return out;
    }

    /** NORMALIZE_FLOATING: -0.0 becomes 0.0 (NaN needs nothing: the host lane has one NaN value). */
    static Column normalizeFloating(Column value) {
        Column out = new Column(value.type, value.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.unary(value, out, row)) {
                double input = value.doubles[row];
                out.doubles[row] = Double.isNaN(input) ? Double.NaN : input == 0 ? 0.0 : input;
            }
        }
        return out;
    }

    /** UNSCALED_VALUE: the decimal's unscaled value (precision at most 18, so it fits a long). */
    static Column unscaledValue(Column value) {
        Column out = new Column(ValueType.LONG, value.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.unary(value, out, row)) {
                out.longs[row] = value.longs[row];
            }
        }
        return out;
    }

    /** MAKE_DECIMAL: the long as an unscaled value of the result type; too many digits is null or an error. */
    static Column makeDecimal(Instruction instruction, Column value) {
        ValueType type = instruction.type();
        boolean failOnError = instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR);
        Column out = new Column(type, value.size);
        for (int row = 0; row < out.size; row++) {
            if (!Rows.unary(value, out, row)) {
                continue;
            }
            long unscaled = value.longs[row];
            if (type.precision() > 18 || (unscaled > -Int128.LONG_POWERS_OF_TEN[type.precision()]
                    && unscaled < Int128.LONG_POWERS_OF_TEN[type.precision()])) {
                out.setDecimal(row, unscaled >> 63, unscaled);
            } else if (failOnError) {
                out.poison[row] = true;
            } else {
                out.nulls[row] = true;
            }
        }
        return out;
    }
}
