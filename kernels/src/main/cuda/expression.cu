// The expression program interpreter: one thread evaluates the whole postfix program for its rows
// with a small stack of (value, null, poison) slots, so a program of any shape runs in one launch
// with no intermediate columns. Programs are data (encoded by the host, see
// dev.ember.device.cuda.ExpressionProgramEncoder), so nothing is compiled at run time.
//
// The semantics are those of dev.ember.expr.HostInterpreter, row by row: every operand is
// evaluated on every row (operands cannot fail the kernel: a division checks its divisor first), and
// an operand's poison reaches the result only where Spark would have evaluated that operand.
#include "expression.h"
#include "expression_decimal.cuh"
#include "expression_math.cuh"
#include "expression_slots.cuh"
#include "expression_strings.cuh"

#ifndef __CUDACC__
#include <math.h>
// g++ cannot see that the encoder keeps every operand read below the stack top written before.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace {

using namespace ember::expression;

// Runs the program for one row and returns the result slot. Sets *host_needed when the row needs
// the host interpreter (LIKE over malformed UTF-8, UPPER/LOWER of text that is not ASCII); the result
// is then meaningless. Computed strings (UPPER, LOWER, CONCAT) take their bytes from the arena.
__device__ Slot evaluate_row(const long long* program, const long long* columns, long long row,
                             unsigned long long* arena, bool* host_needed) {
    Slot stack[kMaxStack];
    int top = 0;  // slots in use
    const long long instruction_count = program[0];
    for (long long index = 0; index < instruction_count; index++) {
        const long long* instruction = program + kHeaderWords + index * kInstructionWords;
        const int header = static_cast<int>(instruction[0]);
        const int opcode = header & 0xff;
        const int kind = (header >> 8) & 0xff;
        const int operand_kind = (header >> 16) & 0xff;
        const int flags = (header >> 24) & 0xff;
        const DecimalShape shape = decimal_shape(instruction[0]);
        const int operands = static_cast<int>(instruction[1]);
        const long long* constants = program + instruction[2];
        const long long constant_count = instruction[3];
        Slot* first = stack + top - operands;
        Slot out = value_slot();
        switch (opcode) {
            case kInput:
                out = read_input(columns, static_cast<int>(constants[0]), kind, row);
                break;
            case kLiteral:
                if ((flags & kNullConstant) != 0) {
                    out = null_slot();
                } else if (is_floating(kind)) {
                    out.floating = bits_to_double(constants[0]);
                } else if (kind == kString) {
                    out.text = constant_string(constants);
                } else if (kind == kDecimal) {
                    out.decimal = decimal_constant(constants);
                } else {
                    out.integer = constants[0];
                }
                break;
            case kAdd:
            case kSubtract:
            case kMultiply:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else if (first[1].poison || first[1].null) {
                    out = first[1];
                } else if (is_floating(kind)) {
                    out.floating = round_to_kind(kind, floating_arithmetic(opcode, first[0].floating, first[1].floating));
                } else if (kind == kDecimal) {
                    const bool fits = opcode == kMultiply
                            ? decimal_multiply(first[0].decimal, shape.left_scale, first[1].decimal, shape.right_scale,
                                               shape.precision, shape.scale, &out.decimal)
                            : decimal_add(opcode == kSubtract, first[0].decimal, shape.left_scale, first[1].decimal,
                                          shape.right_scale, shape.precision, shape.scale, &out.decimal);
                    if (!fits) {
                        out = (flags & kFailOnError) == 0 || (flags & kNullOnOwnError) != 0 ? null_slot() : poison_slot();
                    }
                } else if (integral_arithmetic(opcode, kind, first[0].integer, first[1].integer, &out.integer)
                           && (flags & kFailOnError) != 0) {
                    out = (flags & kNullOnOwnError) != 0 ? null_slot() : poison_slot();
                }
                break;
            case kDivide:
            case kRemainder:
                out = divide_remainder(opcode, kind, flags, shape, first[0], first[1]);
                break;
            case kNegate:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else if (is_floating(kind)) {
                    out.floating = -first[0].floating;
                } else if (kind == kDecimal) {
                    // Spark's decimal negation fails in every mode when the rounded value does not fit.
                    if (!decimal_negate(first[0].decimal, shape.precision, &out.decimal)) {
                        out = poison_slot();
                    }
                } else if ((flags & kFailOnError) != 0 && first[0].integer == minimum(kind)) {
                    out = poison_slot();
                } else {
                    out.integer = wrap(kind, static_cast<long long>(0ULL - static_cast<unsigned long long>(first[0].integer)));
                }
                break;
            case kEqual:
            case kLessThan:
            case kLessThanOrEqual:
            case kGreaterThan:
            case kGreaterThanOrEqual:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else if (first[1].poison || first[1].null) {
                    out = first[1];
                } else {
                    const int order = compare(operand_kind, first[0], shape.left_scale, first[1], shape.right_scale);
                    const bool result = opcode == kEqual ? order == 0
                            : opcode == kLessThan ? order < 0
                            : opcode == kLessThanOrEqual ? order <= 0
                            : opcode == kGreaterThan ? order > 0
                            : order >= 0;
                    out.integer = result ? 1 : 0;
                }
                break;
            case kNullSafeEqual:
                if (first[0].poison || first[1].poison) {
                    out = poison_slot();
                } else if (first[0].null || first[1].null) {
                    out.integer = first[0].null && first[1].null ? 1 : 0;
                } else {
                    out.integer = compare(operand_kind, first[0], shape.left_scale, first[1], shape.right_scale) == 0 ? 1 : 0;
                }
                break;
            case kAnd:
            case kOr: {
                // The left side decides alone when it is false (AND) or true (OR); only then is the
                // right side, and its error, skipped.
                const long long deciding = opcode == kAnd ? 0 : 1;
                const Slot& left = first[0];
                const Slot& right = first[1];
                if (left.poison) {
                    out = poison_slot();
                } else if (!left.null && left.integer == deciding) {
                    out.integer = deciding;
                } else if (right.poison) {
                    out = poison_slot();
                } else if (!right.null && right.integer == deciding) {
                    out.integer = deciding;
                } else if (left.null || right.null) {
                    out = null_slot();
                } else {
                    out.integer = 1 - deciding;
                }
                break;
            }
            case kNot:
                out = first[0];
                if (!out.poison && !out.null) {
                    out.integer = 1 - out.integer;
                }
                break;
            case kIsNull:
            case kIsNotNull:
                out.poison = first[0].poison;
                out.integer = first[0].null == (opcode == kIsNull) ? 1 : 0;
                break;
            case kIn:
            case kInSet:
                out = in_list(opcode, operand_kind, flags, constants, constant_count, first[0]);
                break;
            case kIf:
                if (first[0].poison) {
                    out = poison_slot();
                } else {
                    out = !first[0].null && first[0].integer == 1 ? first[1] : first[2];
                }
                break;
            case kCaseWhen: {
                const bool has_else = (flags & kHasElse) != 0;
                const int branches = (operands - (has_else ? 1 : 0)) / 2;
                bool decided = false;
                for (int branch = 0; branch < branches && !decided; branch++) {
                    const Slot& condition = first[2 * branch];
                    if (condition.poison) {
                        out = poison_slot();
                        decided = true;
                    } else if (!condition.null && condition.integer == 1) {
                        out = first[2 * branch + 1];
                        decided = true;
                    }
                }
                if (!decided) {
                    out = has_else ? first[operands - 1] : null_slot();
                }
                break;
            }
            case kCoalesce:
                out = null_slot();
                for (int operand = 0; operand < operands; operand++) {
                    if (first[operand].poison || !first[operand].null) {
                        out = first[operand];
                        break;
                    }
                }
                break;
            case kCast:
                out = cast(operand_kind, kind, flags, shape, first[0]);
                break;
            case kYear:
            case kMonth:
            case kDayOfMonth:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else {
                    long long year;
                    long long month;
                    long long day;
                    civil_from_days(first[0].integer, &year, &month, &day);
                    out.integer = opcode == kYear ? year : (opcode == kMonth ? month : day);
                }
                break;
            case kTry:
                out = first[0];
                if (out.poison) {
                    out = null_slot();
                }
                break;
            case kNormalizeFloating:
                out = first[0];
                if (!out.poison && !out.null) {
                    out.floating = out.floating != out.floating ? canonical_nan()
                            : (out.floating == 0.0 ? 0.0 : out.floating);
                }
                break;
            case kStartsWith:
            case kEndsWith:
            case kContains:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else if (first[1].poison || first[1].null) {
                    out = first[1];
                } else {
                    const bool result = opcode == kStartsWith ? starts_with(first[0].text, first[1].text)
                            : opcode == kEndsWith ? ends_with(first[0].text, first[1].text)
                            : contains(first[0].text, first[1].text);
                    out.integer = result ? 1 : 0;
                }
                break;
            case kLike:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else {
                    out.integer = like_matches(first[0].text, constants, constant_count, host_needed) ? 1 : 0;
                }
                break;
            case kSubstring:
                out = first[0];
                for (int operand = 0; operand < 3; operand++) {
                    if (first[operand].poison || first[operand].null) {
                        out = first[operand];
                        break;
                    }
                }
                if (!out.poison && !out.null) {
                    out.text = substring_sql(first[0].text, static_cast<int>(first[1].integer),
                                             static_cast<int>(first[2].integer));
                }
                break;
            case kLength:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else {
                    out.integer = character_count(first[0].text);
                }
                break;
            case kUpper:
            case kLower:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else {
                    out.text = change_case(first[0].text, opcode == kUpper, arena, host_needed);
                }
                break;
            case kConcat: {
                // Spark evaluates every operand: any error is raised; otherwise any null makes it null.
                bool poisoned = false;
                bool is_null = false;
                long long total = 0;
                for (int operand = 0; operand < operands && !poisoned; operand++) {
                    poisoned = first[operand].poison;
                    is_null = is_null || first[operand].null;
                    total += first[operand].null ? 0 : first[operand].text.byte_length;
                }
                if (poisoned) {
                    out = poison_slot();
                } else if (is_null) {
                    out = null_slot();
                } else if (total > 2147483647LL) {
                    *host_needed = true;
                } else {
                    unsigned char* bytes = arena_take(arena, total, host_needed);
                    if (bytes != nullptr) {
                        long long at = 0;
                        for (int operand = 0; operand < operands; operand++) {
                            const StringView& part = first[operand].text;
                            for (int b = 0; b < part.byte_length; b++) {
                                bytes[at + b] = part.bytes[b];
                            }
                            at += part.byte_length;
                        }
                        out.text.bytes = bytes;
                        out.text.byte_length = static_cast<int>(total);
                    }
                }
                break;
            }
            case kUnscaledValue:
                // The encoder admits precisions up to 18, whose unscaled values fit a long.
                out = first[0];
                if (!out.poison && !out.null) {
                    out.integer = static_cast<long long>(first[0].decimal);
                }
                break;
            case kMakeDecimal:
                out = first[0];
                if (!out.poison && !out.null) {
                    out.decimal = first[0].integer;
                    if (magnitude_of(out.decimal) >= power_of_ten_128(shape.precision)) {
                        out = (flags & kFailOnError) != 0 ? poison_slot() : null_slot();
                    }
                }
                break;
            case kAbs:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else if (is_floating(kind)) {
                    out.floating = fabs(first[0].floating);
                } else if (kind == kDecimal) {
                    // Decimal.abs negates a negative value as unary minus does, failing in every mode.
                    out.decimal = first[0].decimal;
                    if (first[0].decimal < 0 && !decimal_negate(first[0].decimal, shape.precision, &out.decimal)) {
                        out = poison_slot();
                    }
                } else if (first[0].integer >= 0) {
                    out.integer = first[0].integer;
                } else if ((flags & kFailOnError) != 0 && first[0].integer == minimum(kind)) {
                    out = poison_slot();
                } else {
                    out.integer = wrap(kind, static_cast<long long>(0ULL - static_cast<unsigned long long>(first[0].integer)));
                }
                break;
            case kBitwiseAnd:
            case kBitwiseOr:
            case kBitwiseXor:
            case kShiftLeft:
            case kShiftRight:
            case kShiftRightUnsigned:
            case kDateAdd:
            case kDateSub:
            case kDateDiff:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else if (first[1].poison || first[1].null) {
                    out = first[1];
                } else if (opcode == kBitwiseAnd) {
                    out.integer = first[0].integer & first[1].integer;
                } else if (opcode == kBitwiseOr) {
                    out.integer = first[0].integer | first[1].integer;
                } else if (opcode == kBitwiseXor) {
                    out.integer = first[0].integer ^ first[1].integer;
                } else if (opcode == kDateAdd || opcode == kDateSub || opcode == kDateDiff) {
                    out.integer = date_arithmetic(opcode == kDateAdd, first[0].integer, first[1].integer);
                } else {
                    out.integer = java_shift(opcode, kind == kLong, first[0].integer, first[1].integer);
                }
                break;
            case kBitwiseNot:
                out = first[0];
                if (!out.poison && !out.null) {
                    out.integer = ~first[0].integer;
                }
                break;
            case kRound:
            case kBRound:
                if (first[0].poison || first[0].null) {
                    out = first[0];
                } else if (kind == kDecimal) {
                    // The encoder leaves float and double to the host.
                    if (!round_decimal(first[0].decimal, shape.left_scale, static_cast<int>(constants[0]),
                                       opcode == kBRound, shape.precision, &out.decimal)) {
                        out = constants[0] >= 0 ? null_slot() : poison_slot();
                    }
                } else {
                    bool overflow = false;
                    out.integer = round_integral(kind, first[0].integer, static_cast<int>(constants[0]),
                                                 opcode == kBRound, &overflow);
                    if (overflow && (flags & kFailOnError) != 0) {
                        out = poison_slot();
                    }
                }
                break;
            default:
                // The encoder admits only the opcodes above.
                out = poison_slot();
                break;
        }
        top -= operands;
        stack[top++] = out;
    }
    return stack[0];
}

__device__ inline void store(unsigned char* data, int kind, long long row, const Slot& slot) {
    switch (kind) {
        case kByte: reinterpret_cast<signed char*>(data)[row] = static_cast<signed char>(slot.integer); break;
        case kShort: reinterpret_cast<short*>(data)[row] = static_cast<short>(slot.integer); break;
        case kInt:
        case kDate: reinterpret_cast<int*>(data)[row] = static_cast<int>(slot.integer); break;
        case kFloat: reinterpret_cast<float*>(data)[row] = static_cast<float>(slot.floating); break;
        case kDouble: reinterpret_cast<double*>(data)[row] = slot.floating; break;
        case kString: store_string_view(data, row, slot.text); break;
        case kDecimal:
            // Arrow's decimal layout: 16 bytes, little-endian two's complement.
            reinterpret_cast<unsigned long long*>(data)[2 * row] = static_cast<unsigned long long>(slot.decimal);
            reinterpret_cast<unsigned long long*>(data)[2 * row + 1] =
                    static_cast<unsigned long long>(static_cast<Magnitude128>(slot.decimal) >> 64);
            break;
        default: reinterpret_cast<long long*>(data)[row] = slot.integer; break;
    }
}

}  // namespace

// Evaluates an encoded program over rows [0, row_count). Each thread (grid-stride) owns groups of 8
// rows, so that it writes whole bytes of the output validity bitmap (and of the values of a
// boolean result). Null rows get value 0 (an empty view for a string result, whose out_data is the
// scratch array of views described in expression_strings.cuh). A poisoned row is written as null and lowers
// *first_poisoned, which the host set to row_count, to its index.
//
// first_poisoned[1], which the host set to 0, becomes 1 when some row needs the host interpreter;
// the host then evaluates the whole batch and ignores what the kernel wrote. arena holds the bytes of
// computed strings (see arena_take in expression_strings.cuh); the host keeps it alive until the
// string result has been copied out.
extern "C" __global__ void evaluate_program(const long long* program, const long long* columns, int row_count,
                                            int result_kind, unsigned char* out_data, unsigned char* out_validity,
                                            int* first_poisoned, unsigned long long* arena) {
    const long long byte_count = (static_cast<long long>(row_count) + 7) / 8;
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long byte = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; byte < byte_count;
         byte += stride) {
        unsigned validity = 0;
        unsigned booleans = 0;
        for (int bit = 0; bit < 8; bit++) {
            const long long row = byte * 8 + bit;
            if (row >= row_count) {
                break;
            }
            bool host_needed = false;
            Slot result = evaluate_row(program, columns, row, arena, &host_needed);
            if (host_needed) {
                atomicMax(first_poisoned + 1, 1);
            }
            if (result.poison) {
                atomicMin(first_poisoned, static_cast<int>(row));
                result = null_slot();
            }
            if (result.null) {
                result = value_slot();
            } else {
                validity |= 1u << bit;
            }
            if (result_kind == kBoolean) {
                booleans |= (result.integer != 0 ? 1u : 0u) << bit;
            } else {
                store(out_data, result_kind, row, result);
            }
        }
        out_validity[byte] = static_cast<unsigned char>(validity);
        if (result_kind == kBoolean) {
            out_data[byte] = static_cast<unsigned char>(booleans);
        }
    }
}
EMBER_REGISTER_KERNEL(evaluate_program)
