package dev.ember.device.conformance;

/** How conformance rows repeat the values of their random pool: keys that hash and partition differently. */
public enum RowShape {
    /** Every row drawn independently from the pool. */
    DISTINCT,
    /** Few distinct values, each repeated many times. */
    FEW_KEYS,
    /** One value in most rows. */
    HOT_KEY
}
