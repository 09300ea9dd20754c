package dev.ember.fuzz.run;

import java.util.List;

/**
 * What a fuzzing run found.
 *
 * @param queries random queries run
 * @param regressions regression entries replayed
 * @param differences every difference, with its reproducer
 * @param invalid queries Spark could not analyze (generator defects), with their reproducers
 * @param answered queries both runs answered alike
 * @param emberRan of those, the queries in which Ember nodes ran
 * @param failedAlike queries both runs failed alike
 * @param sparkVaried queries whose runs ended differently but Spark alone, run again, ended as Ember did
 * @param seconds the run's wall-clock time
 */
public record FuzzReport(int queries, int regressions, List<String> differences, List<String> invalid, int answered,
        int emberRan, int failedAlike, int sparkVaried, double seconds) {
    public FuzzReport {
        differences = List.copyOf(differences);
        invalid = List.copyOf(invalid);
    }
}
