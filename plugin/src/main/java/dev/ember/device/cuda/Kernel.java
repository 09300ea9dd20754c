package dev.ember.device.cuda;

import java.util.List;

/**
 * The kernels Ember launches: the {@code extern "C"} entry points of {@code kernels/src/main/cuda},
 * with the family (source file) each lives in and the kinds of its parameters, which every launch
 * is checked against.
 */
enum Kernel {
    COUNT_TRUE_FLAGS("compaction", "count_true_flags", true,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    SCATTER_TRUE_POSITIONS("compaction", "scatter_true_positions", true,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    EXCLUSIVE_SCAN_TILE_TOTALS("scan", "exclusive_scan_tile_totals", true, Parameter.ADDRESS, Parameter.INT),
    GATHER_FIXED_1("gather", "gather_fixed_1", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_FIXED_2("gather", "gather_fixed_2", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_FIXED_4("gather", "gather_fixed_4", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_FIXED_8("gather", "gather_fixed_8", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_FIXED_16("gather", "gather_fixed_16", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_BITS("gather", "gather_bits", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    SET_VALID_BITS("gather", "set_valid_bits", false, Parameter.ADDRESS, Parameter.INT),
    GATHER_STRING_TILE_BYTES("gather", "gather_string_tile_bytes", true,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    GATHER_STRING_OFFSETS("gather", "gather_string_offsets", true,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    GATHER_STRING_BYTES("gather", "gather_string_bytes", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    GATHER_OR_NULL_FIXED_1("gather", "gather_or_null_fixed_1", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_OR_NULL_FIXED_2("gather", "gather_or_null_fixed_2", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_OR_NULL_FIXED_4("gather", "gather_or_null_fixed_4", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_OR_NULL_FIXED_8("gather", "gather_or_null_fixed_8", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_OR_NULL_FIXED_16("gather", "gather_or_null_fixed_16", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_OR_NULL_BITS("gather", "gather_or_null_bits", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GATHER_OR_NULL_STRING_TILE_BYTES("gather", "gather_or_null_string_tile_bytes", true,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    GATHER_OR_NULL_STRING_OFFSETS("gather", "gather_or_null_string_offsets", true,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    GATHER_OR_NULL_STRING_BYTES("gather", "gather_or_null_string_bytes", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    CONCATENATE_FIXED_1("concatenate", "concatenate_fixed_1", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    CONCATENATE_FIXED_2("concatenate", "concatenate_fixed_2", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    CONCATENATE_FIXED_4("concatenate", "concatenate_fixed_4", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    CONCATENATE_FIXED_8("concatenate", "concatenate_fixed_8", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    CONCATENATE_FIXED_16("concatenate", "concatenate_fixed_16", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    CONCATENATE_BITS("concatenate", "concatenate_bits", false,
            Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.INT),
    CONCATENATE_OFFSETS("concatenate", "concatenate_offsets", false,
            Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    CONCATENATE_BYTES("concatenate", "concatenate_bytes", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    HASH_PARTITION_SEED("hash_partition", "hash_partition_seed", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT),
    HASH_PARTITION_FIXED("hash_partition", "hash_partition_fixed", false,
            Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    HASH_PARTITION_STRINGS("hash_partition", "hash_partition_strings", false,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    HASH_PARTITION_PMOD("hash_partition", "hash_partition_pmod", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT),
    PARTITION_TILE_COUNTS("hash_partition", "partition_tile_counts", false, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.INT, Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    PARTITION_SCATTER("hash_partition", "partition_scatter", false, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.INT, Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    JOIN_BUILD_INIT("hash_join", "join_build_init", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS,
            Parameter.INT),
    JOIN_BUILD_INSERT("hash_join", "join_build_insert", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT,
            Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    JOIN_RADIX_TILE_COUNTS("hash_join", "join_radix_tile_counts", false, Parameter.ADDRESS, Parameter.INT,
            Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    JOIN_RADIX_SCATTER("hash_join", "join_radix_scatter", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT,
            Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    JOIN_BUILD_SEGMENTS("hash_join", "join_build_segments", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    JOIN_PROBE_COUNT("hash_join", "join_probe_count", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT,
            Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS,
            Parameter.ADDRESS),
    JOIN_PROBE_CUTOFF("hash_join", "join_probe_cutoff", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT,
            Parameter.ADDRESS),
    JOIN_PROBE_FILL("hash_join", "join_probe_fill", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT,
            Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    SORT_IDENTITY("sort", "sort_identity", false, Parameter.ADDRESS, Parameter.INT),
    SORT_KEY_SPREAD("sort", "sort_key_spread", false, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    SORT_DIGIT_TILE_COUNTS("sort", "sort_digit_tile_counts", false, Parameter.INT, Parameter.ADDRESS,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.INT,
            Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    SORT_DIGIT_SCATTER("sort", "sort_digit_scatter", false, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.INT, Parameter.INT,
            Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    SORT_RUN_STARTS("sort", "sort_run_starts", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT,
            Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    SORT_TIE_BREAK("sort", "sort_tie_break", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS,
            Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_FILL_LONGS("group_by", "group_by_fill_longs", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT),
    GROUP_BY_FILL_INTS("group_by", "group_by_fill_ints", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT),
    GROUP_BY_HASH_ROWS("group_by", "group_by_hash_rows", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    GROUP_BY_REHASH("group_by", "group_by_rehash", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.INT),
    GROUP_BY_INSERT("group_by", "group_by_insert", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GROUP_BY_FIRST_ROWS("group_by", "group_by_first_rows", false, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_NEW_FLAGS("group_by", "group_by_new_flags", false, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_NUMBER_NEW("group_by", "group_by_number_new", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT),
    GROUP_BY_NEW_STRING_LENGTHS("group_by", "group_by_new_string_lengths", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS),
    GROUP_BY_STORE_NEW_STRINGS("group_by", "group_by_store_new_strings", false, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    GROUP_BY_ROW_GROUPS("group_by", "group_by_row_groups", false, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_SEGMENT_FLAGS("group_by", "group_by_segment_flags", false, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_FOLD("group_by", "group_by_fold", false, Parameter.INT, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_MOMENT_PART("group_by", "group_by_moment_part", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT,
            Parameter.ADDRESS),
    GROUP_BY_FOLD_STRINGS("group_by", "group_by_fold_strings", false, Parameter.INT, Parameter.ADDRESS,
            Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT,
            Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.ADDRESS),
    GROUP_BY_STRING_STATE_LENGTHS("group_by", "group_by_string_state_lengths", false, Parameter.INT,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_STORE_STRING_STATES("group_by", "group_by_store_string_states", false, Parameter.ADDRESS,
            Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.ADDRESS, Parameter.ADDRESS),
    GROUP_BY_FLAGS_TO_BITS("group_by", "group_by_flags_to_bits", false, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    GROUP_BY_SHARED_PARTIALS("group_by", "group_by_shared_partials", false, Parameter.INT, Parameter.ADDRESS,
            Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS,
            Parameter.ADDRESS),
    GROUP_BY_MERGE_PARTIALS("group_by", "group_by_merge_partials", false, Parameter.INT, Parameter.ADDRESS,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS,
            Parameter.ADDRESS),
    WINDOW_KEY_CHANGE_FLAGS("window", "window_key_change_flags", false, Parameter.ADDRESS, Parameter.INT,
            Parameter.INT, Parameter.ADDRESS),
    WINDOW_RANK("window", "window_rank", false, Parameter.INT, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS,
            Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    WINDOW_FOLD_GROWING("window", "window_fold_growing", false, Parameter.INT, Parameter.ADDRESS, Parameter.INT,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.INT, Parameter.INT,
            Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    WINDOW_FOLD_SLIDING("window", "window_fold_sliding", false, Parameter.INT, Parameter.ADDRESS, Parameter.INT,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.INT, Parameter.INT,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    WINDOW_STRING_EXTREME_GROWING("window", "window_string_extreme_growing", false, Parameter.INT,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.INT,
            Parameter.INT, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    WINDOW_STRING_EXTREME_SLIDING("window", "window_string_extreme_sliding", false, Parameter.INT,
            Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.INT,
            Parameter.INT, Parameter.ADDRESS),
    EVALUATE_PROGRAM("expression", "evaluate_program", false, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.INT,
            Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS, Parameter.ADDRESS),
    STRING_VIEW_TILE_BYTES("expression", "string_view_tile_bytes", true,
            Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS),
    STRING_VIEW_OFFSETS("expression", "string_view_offsets", true,
            Parameter.ADDRESS, Parameter.INT, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS),
    COPY_STRING_VIEWS("expression", "copy_string_views", false,
            Parameter.ADDRESS, Parameter.INT, Parameter.ADDRESS, Parameter.ADDRESS);

    /** Threads per block of every launch; the tiled kernels require exactly this (kBlockThreads). */
    static final int BLOCK_THREADS = 256;

    /** Rows of one tile of the tiled kernels: must equal kTileRows (kBlockThreads * kItemsPerThread) of ember_cuda.h. */
    static final int TILE_ROWS = BLOCK_THREADS * 32;

    /** How a kernel parameter is passed: a device address (8 bytes) or a 32-bit int. */
    enum Parameter { ADDRESS, INT }

    private final String family;
    private final String entryPoint;
    private final boolean tiled;
    private final List<Parameter> parameters;

    Kernel(String family, String entryPoint, boolean tiled, Parameter... parameters) {
        this.family = family;
        this.entryPoint = entryPoint;
        this.tiled = tiled;
        this.parameters = List.of(parameters);
    }

    String family() {
        return family;
    }

    String entryPoint() {
        return entryPoint;
    }

    /** Whether the kernel uses block-wide scans, which need exactly {@link #BLOCK_THREADS} threads. */
    boolean tiled() {
        return tiled;
    }

    List<Parameter> parameters() {
        return parameters;
    }
}
