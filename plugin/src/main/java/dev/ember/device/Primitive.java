package dev.ember.device;

/**
 * The primitives of {@link Device}, by name: what explain output, SQL metrics and the support catalog
 * refer to. Each constant names the {@code Device} method (or methods) it stands for.
 */
public enum Primitive {
    /** {@link Device#evaluate} and {@link Device#evaluateAll}. */
    EVALUATE("evaluate"),
    /** {@link Device#selectTrue}: stream compaction. */
    SELECT_TRUE("selectTrue"),
    /** {@link Device#gather}. */
    GATHER("gather"),
    /** {@link Device#gatherOrNull}: gather where index -1 makes a null. */
    GATHER_OR_NULL("gatherOrNull"),
    /** {@link Device#concatenate}. */
    CONCATENATE("concatenate"),
    /** {@link Device#sortIndices}: sort and top-N. */
    SORT_INDICES("sortIndices"),
    /** {@link Device#buildJoinTable}. */
    BUILD_JOIN_TABLE("buildJoinTable"),
    /** {@link Device#probeJoinTable}. */
    PROBE_JOIN_TABLE("probeJoinTable"),
    /** {@link Device#newGroupBy} and the grouping it returns. */
    GROUP_BY("newGroupBy"),
    /** {@link Device#hashPartition}: Spark's Murmur3 and pmod. */
    HASH_PARTITION("hashPartition"),
    /** {@link Device#splitByPartition} and {@link Device#positionsByPartition}. */
    SPLIT_BY_PARTITION("splitByPartition"),
    /** {@link Device#keyChanges}: where sorted rows start a new run of equal keys (window partitions, peers). */
    KEY_CHANGES("keyChanges"),
    /** {@link Device#window}: ranks and frame aggregates of window functions over sorted rows. */
    WINDOW("window");

    private final String methodName;

    Primitive(String methodName) {
        this.methodName = methodName;
    }

    /** The name of the {@link Device} method, as explain output shows it ({@code hashPartition}). */
    public String methodName() {
        return methodName;
    }
}
