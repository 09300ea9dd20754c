// The column kinds of the sort, hash join and group-by kernels; must match ColumnKind.java's ordinals.
// Dates read as int32 days, timestamps as int64 microseconds.
#pragma once

constexpr int kKindBoolean = 0;   // Arrow bit-packed values
constexpr int kKindByte = 1;      // int8
constexpr int kKindShort = 2;     // int16
constexpr int kKindInt = 3;       // int32, date (days)
constexpr int kKindLong = 4;      // int64, timestamp (microseconds)
constexpr int kKindFloat = 5;     // float32
constexpr int kKindDouble = 6;    // float64
constexpr int kKindDecimal = 7;   // 128-bit two's complement unscaled values, little-endian
constexpr int kKindString = 8;    // int32 offsets + UTF-8 bytes
