// Strings in the expression interpreter (expression.cu): a string value is a view, a pointer and a
// byte length, into an input column's UTF-8 data or into the program's constant words; nothing is
// copied, and SUBSTRING is a narrower view of its operand.
//
// The semantics are those of dev.ember.expr (the host interpreter is the reference):
//  - ordering: unsigned bytes, then length (Comparisons, Spark's UTF8_BINARY collation);
//  - STARTS_WITH, ENDS_WITH, CONTAINS: bytes (Utf8);
//  - LENGTH, SUBSTRING: characters counted by the length each lead byte announces, so invalid UTF-8
//    counts exactly as Utf8.characterLength does;
//  - LIKE: code points (LikeMatcher). The host decodes invalid UTF-8 with replacement characters; the
//    kernel matches only well-formed text and otherwise reports that the batch needs the host.
//
// Constant layouts (written by dev.ember.device.cuda.ExpressionProgramEncoder):
//  - a string: its byte length, then the bytes packed 8 to a word, byte i in bits 8*(i%8) of word
//    i/8 (little-endian, so the words read as the bytes in order on every target);
//  - an IN list of strings: the element count, then the strings one after another in that layout;
//  - a LIKE pattern: one word per token: a code point (>= 0), kLikeAnyOne or kLikeAnyRun.
//
// A program whose result is a string writes, in evaluate_program, one view per row (two words: the
// address of its bytes and its byte length, 0 for null rows) into a scratch array; the kernels at
// the end of this file then size, place and copy the bytes into an Arrow VarChar vector:
// string_view_tile_bytes -> exclusive_scan_tile_totals (scan.cu) -> string_view_offsets ->
// copy_string_views. The views point into the inputs and the program, which must stay alive until
// the copy has run.
#pragma once

#include "block_scan.cuh"
#include "expression.h"
#include "string_keys.cuh"

namespace ember {
namespace expression {

/** LIKE tokens besides code points (dev.ember.expr.LikeMatcher's ANY_ONE and ANY_RUN). */
constexpr long long kLikeAnyOne = -1;
constexpr long long kLikeAnyRun = -2;

/** A string value: byte_length UTF-8 bytes at bytes; never owns them. */
struct StringView {
    const unsigned char* bytes;
    int byte_length;
};

__device__ inline StringView empty_string() {
    StringView view;
    view.bytes = nullptr;
    view.byte_length = 0;
    return view;
}

/** The string stored at constants in the constant layout above. */
__device__ inline StringView constant_string(const long long* constants) {
    StringView view;
    view.byte_length = static_cast<int>(constants[0]);
    view.bytes = reinterpret_cast<const unsigned char*>(constants + 1);
    return view;
}

/** Words taken by a string constant of byte_length bytes, its length word included. */
__device__ inline long long constant_string_words(long long byte_length) {
    return 1 + (byte_length + 7) / 8;
}

/** Row row of an Arrow VarChar column: int32 offsets (row_count + 1 of them) into the data bytes. */
__device__ inline StringView column_string(const unsigned char* data, const int* offsets, long long row) {
    StringView view;
    view.bytes = data + offsets[row];
    view.byte_length = offsets[row + 1] - offsets[row];
    return view;
}

/** Unsigned bytes, then length (Spark's UTF8_BINARY order, string_keys.cuh): negative, zero or positive. */
__device__ inline int compare_strings(const StringView& left, const StringView& right) {
    return ember::compare_strings(left.bytes, left.byte_length, right.bytes, right.byte_length);
}

__device__ inline bool same_bytes(const unsigned char* left, const unsigned char* right, int count) {
    for (int i = 0; i < count; i++) {
        if (left[i] != right[i]) {
            return false;
        }
    }
    return true;
}

__device__ inline bool starts_with(const StringView& text, const StringView& prefix) {
    return prefix.byte_length <= text.byte_length && same_bytes(text.bytes, prefix.bytes, prefix.byte_length);
}

__device__ inline bool ends_with(const StringView& text, const StringView& suffix) {
    const int from = text.byte_length - suffix.byte_length;
    return from >= 0 && same_bytes(text.bytes + from, suffix.bytes, suffix.byte_length);
}

__device__ inline bool contains(const StringView& text, const StringView& part) {
    for (int from = 0; from + part.byte_length <= text.byte_length; from++) {
        if (same_bytes(text.bytes + from, part.bytes, part.byte_length)) {
            return true;
        }
    }
    return false;
}

/** Whether the string equals one of the strings of the IN list laid out from list. */
__device__ inline bool string_in_list(const StringView& value, const long long* list) {
    const long long count = list[0];
    const long long* element = list + 1;
    for (long long index = 0; index < count; index++) {
        const StringView candidate = constant_string(element);
        if (candidate.byte_length == value.byte_length
                && same_bytes(candidate.bytes, value.bytes, value.byte_length)) {
            return true;
        }
        element += constant_string_words(candidate.byte_length);
    }
    return false;
}

/** Bytes of the character led by lead, as Utf8.characterLength: 1 for bytes that cannot lead. */
__device__ inline int character_length(unsigned char lead) {
    if (lead < 0xC2) {
        return 1;
    }
    if (lead < 0xE0) {
        return 2;
    }
    if (lead < 0xF0) {
        return 3;
    }
    return lead < 0xF5 ? 4 : 1;
}

/** The number of characters (Utf8.length). */
__device__ inline int character_count(const StringView& text) {
    int characters = 0;
    for (int i = 0; i < text.byte_length; i += character_length(text.bytes[i])) {
        characters++;
    }
    return characters;
}

/** Characters [start, until) with 0 <= start < until (Utf8.substring), as a view. */
__device__ inline StringView character_range(const StringView& text, int start, int until) {
    if (start >= text.byte_length) {
        return empty_string();
    }
    int index = 0;
    int character = 0;
    while (index < text.byte_length && character < start) {
        index += character_length(text.bytes[index]);
        character++;
    }
    const int begin = index;
    while (index < text.byte_length && character < until) {
        index += character_length(text.bytes[index]);
        character++;
    }
    if (index <= begin) {
        return empty_string();
    }
    StringView view;
    view.bytes = text.bytes + begin;
    view.byte_length = (index < text.byte_length ? index : text.byte_length) - begin;
    return view;
}

/**
 * SQL substring(text, position, length) (Utf8.substringSql): positions count characters from 1,
 * 0 acts as 1, a negative position counts from the end, and the length clips at both ends.
 */
__device__ inline StringView substring_sql(const StringView& text, int position, int length) {
    const int characters = character_count(text);
    int start = position > 0 ? position - 1 : (position < 0 ? characters + position : 0);
    const long long end = static_cast<long long>(start) + length;
    const int clipped_end = end > 2147483647LL ? 2147483647 : (end < -2147483647LL - 1 ? -2147483647 - 1
                                                                                       : static_cast<int>(end));
    start = start > 0 ? start : 0;
    if (start >= clipped_end) {
        return empty_string();
    }
    return character_range(text, start, clipped_end);
}

__device__ inline bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

/**
 * The byte length of the well-formed UTF-8 sequence at bytes[index] (Unicode's table: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when it is malformed.
 */
__device__ inline int well_formed_length(const StringView& text, int index) {
    const unsigned char lead = text.bytes[index];
    const int remaining = text.byte_length - index;
    if (lead < 0x80) {
        return 1;
    }
    const int length = character_length(lead);
    if (length == 1 || remaining < length) {
        return 0;
    }
    const unsigned char second = text.bytes[index + 1];
    const unsigned char low = lead == 0xE0 ? 0xA0 : (lead == 0xF0 ? 0x90 : 0x80);
    const unsigned char high = lead == 0xED ? 0x9F : (lead == 0xF4 ? 0x8F : 0xBF);
    if (second < low || second > high) {
        return 0;
    }
    for (int i = 2; i < length; i++) {
        if (!is_continuation(text.bytes[index + i])) {
            return 0;
        }
    }
    return length;
}

/** The code point of the well-formed sequence of length bytes at bytes[index]. */
__device__ inline long long decode(const StringView& text, int index, int length) {
    const unsigned char* bytes = text.bytes + index;
    switch (length) {
        case 1: return bytes[0];
        case 2: return ((bytes[0] & 0x1F) << 6) | (bytes[1] & 0x3F);
        case 3: return ((bytes[0] & 0x0F) << 12) | ((bytes[1] & 0x3F) << 6) | (bytes[2] & 0x3F);
        default:
            return ((bytes[0] & 0x07) << 18) | ((bytes[1] & 0x3F) << 12) | ((bytes[2] & 0x3F) << 6) | (bytes[3] & 0x3F);
    }
}

__device__ inline bool is_well_formed(const StringView& text) {
    for (int index = 0; index < text.byte_length;) {
        const int length = well_formed_length(text, index);
        if (length == 0) {
            return false;
        }
        index += length;
    }
    return true;
}

/**
 * Whether the whole text matches the LIKE pattern of token_count tokens, greedily with backtracking
 * to the last kLikeAnyRun (LikeMatcher.matches, over byte positions of code points). Sets
 * *malformed and returns false when the text is not well-formed UTF-8: the host decides those rows.
 */
__device__ inline bool like_matches(const StringView& text, const long long* tokens, long long token_count,
                                    bool* malformed) {
    if (!is_well_formed(text)) {
        *malformed = true;
        return false;
    }
    int position = 0;
    long long token = 0;
    long long last_run = -1;
    int last_run_position = 0;
    while (position < text.byte_length) {
        const int length = well_formed_length(text, position);
        if (token < token_count && (tokens[token] == kLikeAnyOne || tokens[token] == decode(text, position, length))) {
            position += length;
            token++;
        } else if (token < token_count && tokens[token] == kLikeAnyRun) {
            last_run = token++;
            last_run_position = position;
        } else if (last_run >= 0) {
            token = last_run + 1;
            last_run_position += well_formed_length(text, last_run_position);
            position = last_run_position;
        } else {
            return false;
        }
    }
    while (token < token_count && tokens[token] == kLikeAnyRun) {
        token++;
    }
    return token == token_count;
}

/** Writes row row's view into the scratch array of views (two words per row). */
// The arena of computed strings (UPPER, LOWER, CONCAT): word 0 the bytes taken so far (a bump cursor,
// advanced with atomicAdd), word 1 the capacity in bytes, the bytes from word 2 on. The host sizes it
// from the inputs' byte counts (dev.ember.device.cuda.ComputedStringArena), so it never runs out; if it
// did, the row would ask for the host instead of writing past it.
__device__ inline unsigned char* arena_take(unsigned long long* arena, long long byte_length, bool* host_needed) {
    unsigned char* base = reinterpret_cast<unsigned char*>(arena + 2);
    if (byte_length <= 0) {
        return base;
    }
    const unsigned long long at = atomicAdd(arena, static_cast<unsigned long long>(byte_length));
    if (at + static_cast<unsigned long long>(byte_length) > arena[1]) {
        *host_needed = true;
        return nullptr;
    }
    return base + at;
}

// UPPER and LOWER of ASCII text (bytes mapped A-Z / a-z, as Spark's UTF8String does for ASCII); any
// other byte asks for the host, where Spark's own case mapping runs.
__device__ inline StringView change_case(const StringView& text, bool upper, unsigned long long* arena,
                                         bool* host_needed) {
    for (int i = 0; i < text.byte_length; i++) {
        if (text.bytes[i] >= 0x80) {
            *host_needed = true;
            return empty_string();
        }
    }
    unsigned char* out = arena_take(arena, text.byte_length, host_needed);
    if (out == nullptr) {
        return empty_string();
    }
    for (int i = 0; i < text.byte_length; i++) {
        unsigned char b = text.bytes[i];
        if (upper && b >= 'a' && b <= 'z') {
            b = static_cast<unsigned char>(b - ('a' - 'A'));
        } else if (!upper && b >= 'A' && b <= 'Z') {
            b = static_cast<unsigned char>(b + ('a' - 'A'));
        }
        out[i] = b;
    }
    StringView view;
    view.bytes = out;
    view.byte_length = text.byte_length;
    return view;
}

__device__ inline void store_string_view(unsigned char* views, long long row, const StringView& view) {
    long long* words = reinterpret_cast<long long*>(views);
    words[2 * row] = reinterpret_cast<long long>(view.bytes);
    words[2 * row + 1] = view.byte_length;
}

}  // namespace expression
}  // namespace ember

// The bytes of the thread's kItemsPerThread rows of a tile; every thread of the block calls it.
__device__ inline long long string_view_thread_bytes(const long long* views, int row_count, long long first_row) {
    long long bytes = 0;
    for (int item = 0; item < ember::kItemsPerThread; item++) {
        const long long row = first_row + item;
        if (row < row_count) {
            bytes += views[2 * row + 1];
        }
    }
    return bytes;
}

// tile_totals[t] = bytes of the result strings of tile t (kTileRows rows). Grid-stride over tiles;
// launch with kBlockThreads threads per block.
extern "C" __global__ void string_view_tile_bytes(const long long* views, int row_count, int tile_count,
                                                  long long* tile_totals) {
    for (int tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
        const long long first_row = static_cast<long long>(tile) * ember::kTileRows
                + static_cast<long long>(threadIdx.x) * ember::kItemsPerThread;
        long long tile_total;
        ember::block_exclusive_sum(string_view_thread_bytes(views, row_count, first_row), &tile_total);
        if (threadIdx.x == 0) {
            tile_totals[tile] = tile_total;
        }
    }
}
EMBER_REGISTER_KERNEL(string_view_tile_bytes)

// offsets[0..row_count] of the result strings, from the exclusive scan of string_view_tile_bytes'
// output. The host has checked that the total fits an int.
extern "C" __global__ void string_view_offsets(const long long* views, int row_count, int tile_count,
                                               const long long* tile_offsets, int* offsets) {
    for (int tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
        const long long first_row = static_cast<long long>(tile) * ember::kTileRows
                + static_cast<long long>(threadIdx.x) * ember::kItemsPerThread;
        long long tile_total;
        long long offset = tile_offsets[tile]
                + ember::block_exclusive_sum(string_view_thread_bytes(views, row_count, first_row), &tile_total);
        for (int item = 0; item < ember::kItemsPerThread; item++) {
            const long long row = first_row + item;
            if (row < row_count) {
                offsets[row] = static_cast<int>(offset);
                offset += views[2 * row + 1];
                if (row == row_count - 1) {
                    offsets[row_count] = static_cast<int>(offset);
                }
            }
        }
    }
}
EMBER_REGISTER_KERNEL(string_view_offsets)

// Copies each row's bytes to data + offsets[row]; one thread per row (grid-stride).
extern "C" __global__ void copy_string_views(const long long* views, int row_count, const int* offsets,
                                             unsigned char* data) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; row < row_count;
         row += stride) {
        const unsigned char* source = reinterpret_cast<const unsigned char*>(views[2 * row]);
        const long long length = views[2 * row + 1];
        unsigned char* target = data + offsets[row];
        for (long long i = 0; i < length; i++) {
            target[i] = source[i];
        }
    }
}
EMBER_REGISTER_KERNEL(copy_string_views)
