package dev.ember.exec.spill;

import dev.ember.config.EmberConf;
import java.io.Serializable;

/**
 * How an operator may split its state and spill it to disk when it would exceed Ember's memory limit.
 *
 * @param enabled whether it may spill at all ({@code spark.ember.join.spill.enabled},
 *     {@code spark.ember.aggregate.spill.enabled})
 * @param partitions how many parts one split makes ({@code spark.ember.join.spill.partitions}, ...)
 * @param maxDepth how many times a part that is still too large is split again
 *     ({@code spark.ember.join.spill.maxDepth}, ...)
 */
public record SpillSettings(boolean enabled, int partitions, int maxDepth) implements Serializable {
    public SpillSettings {
        if (partitions < 2) {
            throw new IllegalArgumentException("a spill must split into at least 2 parts: " + partitions);
        }
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must not be negative: " + maxDepth);
        }
    }

    /** The join spill settings of a query. */
    public static SpillSettings ofJoin(EmberConf conf) {
        return new SpillSettings(conf.get(EmberConf.JOIN_SPILL_ENABLED), conf.get(EmberConf.JOIN_SPILL_PARTITIONS),
                conf.get(EmberConf.JOIN_SPILL_MAX_DEPTH));
    }

    /** The aggregation spill settings of a query. */
    public static SpillSettings ofAggregate(EmberConf conf) {
        return new SpillSettings(conf.get(EmberConf.AGGREGATE_SPILL_ENABLED),
                conf.get(EmberConf.AGGREGATE_SPILL_PARTITIONS), conf.get(EmberConf.AGGREGATE_SPILL_MAX_DEPTH));
    }

    /**
     * The hash seed of a split at {@code depth} (0 for the first split). Never Spark's shuffle seed 42:
     * the rows of one shuffle partition agree on {@code pmod(hash42, n)}, so seed 42 would leave parts
     * empty whenever the part count shares a factor with the shuffle's partition count.
     */
    public static int seedAt(int depth) {
        return 0x5eed + 7919 * depth;
    }
}
