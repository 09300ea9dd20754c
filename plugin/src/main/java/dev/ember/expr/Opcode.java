package dev.ember.expr;

/**
 * The instruction set of expression programs. Each instruction pops its operands (the last operand
 * on top of the stack) and pushes one column. The comment of each opcode gives its operands and the
 * constants it reads from its {@link Instruction}.
 *
 * <p>Every opcode defines, per row, which operands Spark's interpreted evaluation would look at and
 * in what order; an operand's error (poison) reaches the result only on rows where Spark would have
 * evaluated that operand. See {@code docs/expressions.md}.
 */
public enum Opcode {
    /** No operands; pushes input column {@code longs[0]}. */
    INPUT,
    /** No operands; pushes a constant: {@code longs[0]}, {@code doubles[0]}, {@code decimals[0]} or
     * {@code strings[0]} by kind, or null with {@link Instruction#FLAG_NULL_CONSTANT}. */
    LITERAL,
    /** left, right: left first, null-intolerant. */
    ADD,
    SUBTRACT,
    MULTIPLY,
    /** left, right: right first (Spark's DivModLike), null or error on a zero divisor. */
    DIVIDE,
    REMAINDER,
    /** value: arithmetic negation. */
    NEGATE,
    /** left, right: left first, null-intolerant; Spark's ordering (NaN = NaN, NaN largest, -0.0 = 0.0). */
    EQUAL,
    LESS_THAN,
    LESS_THAN_OR_EQUAL,
    GREATER_THAN,
    GREATER_THAN_OR_EQUAL,
    /** left, right: both evaluated; null equals null. */
    NULL_SAFE_EQUAL,
    /** left, right: three-valued, right skipped when left decides. */
    AND,
    OR,
    NOT,
    IS_NULL,
    IS_NOT_NULL,
    /** value: membership in the constant list in the lane of the value's kind; Spark's ordering
     * equality; {@link Instruction#FLAG_LIST_HAS_NULL} when the list holds a null. */
    IN,
    /** value: like {@link #IN}, with Spark's InSet rule that a NaN value missing from a set that
     * holds a null is false rather than null. */
    IN_SET,
    /** predicate, then, else. */
    IF,
    /** condition1, value1, ..., conditionN, valueN [, else] ({@link Instruction#FLAG_HAS_ELSE}). */
    CASE_WHEN,
    /** value1 ... valueN: the first non-null. */
    COALESCE,
    /** value: conversion from the operand's type to the result type. */
    CAST,
    /** string, string: byte-wise prefix, suffix and substring tests. */
    STARTS_WITH,
    ENDS_WITH,
    CONTAINS,
    /** string: SQL LIKE against the pattern {@code strings[0]} with escape code point {@code longs[0]}. */
    LIKE,
    /** string, position, length: Spark's substring in characters. */
    SUBSTRING,
    /** string: number of characters. */
    LENGTH,
    /** date: year, month, day of month. */
    YEAR,
    MONTH,
    DAY_OF_MONTH,
    /** value: errors of the operand become nulls (Spark's TryEval). */
    TRY,
    /** float or double: NaN to the canonical NaN, -0.0 to 0.0. */
    NORMALIZE_FLOATING,
    /** decimal (precision at most 18): its unscaled value as a long. */
    UNSCALED_VALUE,
    /** long: a decimal of the result type with that unscaled value; null or error when it does
     * not fit ({@link Instruction#FLAG_FAIL_ON_ERROR}). */
    MAKE_DECIMAL,
    /** value: absolute value; integral MIN_VALUE wraps, or is an error with {@link Instruction#FLAG_FAIL_ON_ERROR};
     * decimals negate as {@link #NEGATE} does. */
    ABS,
    /** left, right (the same integral kind): left first, null-intolerant. */
    BITWISE_AND,
    BITWISE_OR,
    BITWISE_XOR,
    /** value (integral): bitwise complement. */
    BITWISE_NOT,
    /** value (int or long), shift (int): Java's shifts, the distance taken modulo the width. */
    SHIFT_LEFT,
    SHIFT_RIGHT,
    SHIFT_RIGHT_UNSIGNED,
    /** date, days (byte, short or int): the date plus or minus the days, wrapping as Java's int does. */
    DATE_ADD,
    DATE_SUB,
    /** end date, start date: the days between them (int). */
    DATE_DIFF,
    /** value: rounded to {@code longs[0]} decimal places (negative: to tens, hundreds, ...), HALF_UP
     * (Spark's Round) or HALF_EVEN (BRound); integral overflow wraps or, with
     * {@link Instruction#FLAG_FAIL_ON_ERROR}, is an error. */
    ROUND,
    BROUND,
    /** string: upper or lower case, as Spark's UTF8_BINARY mapping ({@code longs[0]}: 1 to use ICU's mappings). */
    UPPER,
    LOWER,
    /** string1 ... stringN: every operand evaluated; null when one is null. */
    CONCAT
}
