// String keys of the hash-table kernels (hash_join.cu, group_by.cu): hashed and compared by their bytes; and
// Spark's order of strings, which the sort's tie-break (sort.cu) and the string folds (string_fold.cuh) share.
// A key is byte_length bytes at bytes, an Arrow VarChar row (data + offsets[row]) or a copy a kernel keeps
// (the group-by's stored keys); strings start at any byte, so both helpers read byte by byte.
#pragma once

#include "ember_cuda.h"

namespace ember {

// A hash of the bytes seeded with their length, not yet mixed (the callers mix it into their row hash);
// equal bytes hash equally.
__device__ inline unsigned long long string_key_hash(const unsigned char* bytes, int byte_length) {
    unsigned long long hash = static_cast<unsigned long long>(byte_length);
    for (int at = 0; at < byte_length; at++) {
        hash = hash * 0x100000001B3ull + bytes[at];
    }
    return hash;
}

// Whether two keys hold the same bytes (the empty key equals only the empty key).
__device__ inline bool same_string_key(const unsigned char* left, int left_length, const unsigned char* right,
                                       int right_length) {
    if (left_length != right_length) {
        return false;
    }
    for (int at = 0; at < left_length; at++) {
        if (left[at] != right[at]) {
            return false;
        }
    }
    return true;
}

// Spark's UTF8_BINARY order: bytes compared as unsigned, then the shorter string first (a prefix of another
// sorts before it, and the empty string before every other).
__device__ inline int compare_strings(const unsigned char* left, int left_length, const unsigned char* right,
                                      int right_length) {
    const int common = left_length < right_length ? left_length : right_length;
    for (int at = 0; at < common; at++) {
        if (left[at] != right[at]) {
            return left[at] < right[at] ? -1 : 1;
        }
    }
    return left_length == right_length ? 0 : (left_length < right_length ? -1 : 1);
}

}  // namespace ember
