package dev.ember.plan;

import org.apache.spark.sql.catalyst.trees.TreeNodeTag;

/** Tags Ember leaves on Spark's plan nodes. */
public final class EmberTags {
    private EmberTags() {}

    /** On a node that stays in Spark: why Ember does not run it. */
    public static final TreeNodeTag<String> FALLBACK_REASON = new TreeNodeTag<>("ember.fallbackReason");
}
