// The encoded form of an expression program, shared by expression.cu and documented for its
// encoder, dev.ember.device.cuda.ExpressionProgramEncoder (the Java side keeps the same numbers).
//
// A program is an array of 64-bit words in managed memory:
//   word 0                      instruction count N
//   words 1 + 4*i .. 4 + 4*i    instruction i: header, operand count, index of its first constant
//                               word, constant count
//   after the instructions      constants: longs as they are, doubles as their IEEE bits,
//                               decimals as two words (low, high) of the 128-bit unscaled value,
//                               strings as their byte length then their UTF-8 bytes packed in words
// A header packs opcode (bits 0-7), result kind (8-15), kind of the first operand (16-23), the
// instruction's flags (24-31) and, for decimals, the result precision (32-39) and scale (40-47)
// and the scales of the first (48-55) and second (56-63) operands.
//
// The input column table holds kColumnWords words per input ordinal: the address of its data, of
// its validity bitmap, and of its int32 offsets (strings only; 0 otherwise).
#pragma once

#include "ember_cuda.h"

namespace ember {
namespace expression {

constexpr int kHeaderWords = 1;
constexpr int kInstructionWords = 4;
constexpr int kColumnWords = 3;

/** The deepest stack a program may need; the encoder refuses deeper programs. */
constexpr int kMaxStack = 32;

enum Opcode : int {
    kInput = 0,
    kLiteral = 1,
    kAdd = 2,
    kSubtract = 3,
    kMultiply = 4,
    kDivide = 5,
    kRemainder = 6,
    kNegate = 7,
    kEqual = 8,
    kLessThan = 9,
    kLessThanOrEqual = 10,
    kGreaterThan = 11,
    kGreaterThanOrEqual = 12,
    kNullSafeEqual = 13,
    kAnd = 14,
    kOr = 15,
    kNot = 16,
    kIsNull = 17,
    kIsNotNull = 18,
    kIn = 19,
    kInSet = 20,
    kIf = 21,
    kCaseWhen = 22,
    kCoalesce = 23,
    kCast = 24,
    kYear = 25,
    kMonth = 26,
    kDayOfMonth = 27,
    kTry = 28,
    kNormalizeFloating = 29,
    // The decimal family (expression_decimal.cuh) numbers from 30.
    kUnscaledValue = 30,
    kMakeDecimal = 31,
    // The string family (expression_strings.cuh) numbers from 40, apart from other families.
    kStartsWith = 40,
    kEndsWith = 41,
    kContains = 42,
    kLike = 43,
    kSubstring = 44,
    kLength = 45,
    kUpper = 46,
    kLower = 47,
    kConcat = 48,
    // The math family (expression_math.cuh) numbers from 50.
    kAbs = 50,
    kBitwiseAnd = 51,
    kBitwiseOr = 52,
    kBitwiseXor = 53,
    kBitwiseNot = 54,
    kShiftLeft = 55,
    kShiftRight = 56,
    kShiftRightUnsigned = 57,
    kDateAdd = 58,
    kDateSub = 59,
    kDateDiff = 60,
    kRound = 61,
    kBRound = 62,
};

enum Kind : int {
    kBoolean = 0,
    kByte = 1,
    kShort = 2,
    kInt = 3,
    kLong = 4,
    kFloat = 5,
    kDouble = 6,
    kDate = 7,
    kTimestamp = 8,
    kDecimal = 9,  // 128-bit unscaled value; precision and scale in the instruction header
    kString = 16,
};

// Instruction flags (dev.ember.expr.Instruction.FLAG_*).
constexpr int kFailOnError = 1;
constexpr int kNullOnOwnError = 2;
constexpr int kNullConstant = 4;
constexpr int kListHasNull = 8;
constexpr int kHasElse = 16;

__device__ inline double bits_to_double(long long bits) {
#ifdef __CUDACC__
    return __longlong_as_double(bits);
#else
    double value;
    __builtin_memcpy(&value, &bits, sizeof value);
    return value;
#endif
}

}  // namespace expression
}  // namespace ember
