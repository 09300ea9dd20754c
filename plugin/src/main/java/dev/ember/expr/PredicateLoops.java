package dev.ember.expr;

/** Comparisons, NOT, IS_NULL, IS_NOT_NULL, IN and IN_SET. */
final class PredicateLoops {
    /** Lists up to this long are scanned; longer ones go through a hash set. */
    private static final int SCAN_LIMIT = 8;

    private PredicateLoops() {}

    /** EQUAL and the orderings: left first, null-intolerant. NULL_SAFE_EQUAL: both sides, never null. */
    static Column compare(Opcode opcode, Column left, Column right) {
        Column out = new Column(ValueType.BOOLEAN, left.size);
        if (opcode != Opcode.NULL_SAFE_EQUAL && sameLongs(left, right)) {
            compareLongs(opcode, left, right, out);
            return out;
        }
        for (int row = 0; row < out.size; row++) {
            if (opcode == Opcode.NULL_SAFE_EQUAL) {
                if (left.poison[row] || right.poison[row]) {
                    out.poison[row] = true;
                } else if (left.nulls[row] || right.nulls[row]) {
                    out.longs[row] = left.nulls[row] && right.nulls[row] ? 1 : 0;
                } else {
                    out.longs[row] = Comparisons.compare(left, row, right, row) == 0 ? 1 : 0;
                }
                continue;
            }
            if (!Rows.leftThenRight(left, right, out, row)) {
                continue;
            }
            int order = Comparisons.compare(left, row, right, row);
            boolean result = switch (opcode) {
                case EQUAL -> order == 0;
                case LESS_THAN -> order < 0;
                case LESS_THAN_OR_EQUAL -> order <= 0;
                case GREATER_THAN -> order > 0;
                default -> order >= 0;
            };
            out.longs[row] = result ? 1 : 0;
        }
        return out;
    }

    /** Whether both sides order as their long lanes: integral-like kinds, or decimals of one scale up to 18 digits. */
    private static boolean sameLongs(Column left, Column right) {
        ValueKind kind = left.type.kind();
        return kind.isStoredAsLong() || (kind == ValueKind.DECIMAL && left.highs == null && right.highs == null
                && left.type.scale() == right.type.scale());
    }

    /** The comparison of long lanes, with the null and error rules of {@link #compare}. */
    private static void compareLongs(Opcode opcode, Column left, Column right, Column out) {
        for (int row = 0; row < out.size; row++) {
            if (!Rows.leftThenRight(left, right, out, row)) {
                continue;
            }
            long a = left.longs[row];
            long b = right.longs[row];
            boolean result = switch (opcode) {
                case EQUAL -> a == b;
                case LESS_THAN -> a < b;
                case LESS_THAN_OR_EQUAL -> a <= b;
                case GREATER_THAN -> a > b;
                default -> a >= b;
            };
            out.longs[row] = result ? 1 : 0;
        }
    }

    static Column not(Column value) {
        Column out = new Column(ValueType.BOOLEAN, value.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.unary(value, out, row)) {
                out.longs[row] = 1 - value.longs[row];
            }
        }
        return out;
    }

    static Column isNull(Column value, boolean wantNull) {
        Column out = new Column(ValueType.BOOLEAN, value.size);
        for (int row = 0; row < out.size; row++) {
            out.poison[row] = value.poison[row];
            out.longs[row] = value.nulls[row] == wantNull ? 1 : 0;
        }
        return out;
    }

    /**
     * IN: true when a list element equals the value in Spark's ordering; otherwise null when the list
     * holds a null, else false. IN_SET: the same equality (Spark's InSet normalizes -0.0 and NaN),
     * except that a NaN value not in the set is false even when the set holds a null.
     */
    static Column in(Instruction instruction, Column value) {
        Column out = new Column(ValueType.BOOLEAN, value.size);
        boolean hasNull = instruction.hasFlag(Instruction.FLAG_LIST_HAS_NULL);
        boolean setSemantics = instruction.opcode() == Opcode.IN_SET;
        Column list = listColumn(instruction, value.type);
        Membership membership = list.size > SCAN_LIMIT ? new Membership(list) : null;
        for (int row = 0; row < out.size; row++) {
            if (!Rows.unary(value, out, row)) {
                continue;
            }
            boolean found = false;
            if (membership != null) {
                found = membership.contains(value, row);
            }
            for (int element = 0; membership == null && element < list.size && !found; element++) {
                found = Comparisons.compare(value, row, list, element) == 0;
            }
            if (found) {
                out.longs[row] = 1;
            } else if (hasNull && !(setSemantics && isNaN(value, row))) {
                out.nulls[row] = true;
            }
        }
        return out;
    }

    private static Column listColumn(Instruction instruction, ValueType type) {
        int count = switch (type.kind()) {
            case FLOAT, DOUBLE -> instruction.doubleCount();
            case DECIMAL -> instruction.decimalCount();
            case STRING -> instruction.stringCount();
            default -> instruction.longCount();
        };
        Column list = new Column(type, count);
        for (int i = 0; i < count; i++) {
            switch (type.kind()) {
                case FLOAT, DOUBLE -> list.doubles[i] = instruction.doubleAt(i);
                case DECIMAL -> {
                    Int128 unscaled = new Int128();
                    unscaled.set(instruction.decimalAt(i).unscaledValue());
                    list.setDecimal(i, unscaled.high, unscaled.low);
                }
                case STRING -> list.strings[i] = instruction.stringAt(i);
                default -> list.longs[i] = instruction.longAt(i);
            }
        }
        return list;
    }

    private static boolean isNaN(Column value, int row) {
        return value.type.kind().isFloating() && Double.isNaN(value.doubles[row]);
    }
}
