package dev.ember.expr;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/** STARTS_WITH, ENDS_WITH, CONTAINS, LIKE, SUBSTRING, LENGTH and the date fields YEAR, MONTH, DAY_OF_MONTH. */
final class StringLoops {
    private StringLoops() {}

    static Column binary(Opcode opcode, Column left, Column right) {
        Column out = new Column(ValueType.BOOLEAN, left.size);
        for (int row = 0; row < out.size; row++) {
            if (!Rows.leftThenRight(left, right, out, row)) {
                continue;
            }
            byte[] text = left.strings[row];
            byte[] part = right.strings[row];
            boolean result = switch (opcode) {
                case STARTS_WITH -> Utf8.startsWith(text, part);
                case ENDS_WITH -> Utf8.endsWith(text, part);
                default -> Utf8.contains(text, part);
            };
            out.longs[row] = result ? 1 : 0;
        }
        return out;
    }

    static Column like(Instruction instruction, Column value) {
        LikeMatcher matcher = new LikeMatcher(
                new String(instruction.stringAt(0), StandardCharsets.UTF_8), (char) instruction.longAt(0));
        Column out = new Column(ValueType.BOOLEAN, value.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.unary(value, out, row)) {
                out.longs[row] = matcher.matches(value.strings[row]) ? 1 : 0;
            }
        }
        return out;
    }

    static Column substring(Column text, Column position, Column length) {
        Column out = new Column(ValueType.of(ValueKind.STRING), text.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.inOrder(text, position, length, out, row)) {
                out.strings[row] = Utf8.substringSql(text.strings[row], (int) position.longs[row], (int) length.longs[row]);
            }
        }
        return out;
    }

    static Column length(Column text) {
        Column out = new Column(ValueType.INT, text.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.unary(text, out, row)) {
                out.longs[row] = Utf8.length(text.strings[row]);
            }
        }
        return out;
    }

    static Column dateField(Opcode opcode, Column days) {
        Column out = new Column(ValueType.INT, days.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.unary(days, out, row)) {
                LocalDate date = LocalDate.ofEpochDay(days.longs[row]);
                out.longs[row] = switch (opcode) {
                    case YEAR -> date.getYear();
                    case MONTH -> date.getMonthValue();
                    default -> date.getDayOfMonth();
                };
            }
        }
        return out;
    }
}
