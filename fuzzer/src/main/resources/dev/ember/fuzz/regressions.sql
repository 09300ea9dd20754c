-- Differences the fuzzer found, replayed by every fuzz run (TestFuzzer, bin/ember fuzz --regressions).
-- Add each new one at the end: its reproducer (the shrunk one), a '-- name:' line and, while the bug
-- is open, a '-- known:' line. Format: dev.ember.fuzz.run.Regressions; docs/fuzzing.md.

-- name: exists-in-select-list
-- known: IN/EXISTS outside WHERE make planning throw from JoinSpec.support (ExistenceJoin.sql())
-- difference: EMBER_FAILED: SparkUnsupportedOperationException[UNSUPPORTED_CALL.WITHOUT_SUGGESTION] Cannot call the method "support" of the class "dev.ember.exec.join.JoinSpec"
-- tables: seed=-5075029966238423823 tables=4 maxRows=40
-- origin: fuzz seed 7, query 5 (query seed -8726085376929659373), shrunk by hand
-- shapes: EXISTENCE_JOIN
-- ordered: false
SELECT a0.k AS o0, (EXISTS (SELECT 1 FROM t3 AS a1 WHERE a1.k = a0.k)) AS o1 FROM t0 AS a0;

-- name: exists-under-or
-- known: IN/EXISTS outside WHERE make planning throw from JoinSpec.support (ExistenceJoin.sql())
-- difference: EMBER_FAILED: SparkUnsupportedOperationException[UNSUPPORTED_CALL.WITHOUT_SUGGESTION] Cannot call the method "support" of the class "dev.ember.exec.join.JoinSpec"
-- tables: seed=-5075029966238423823 tables=4 maxRows=40
-- origin: fuzz seed 7, query 9 (query seed -7182498224650992819), shrunk by hand
-- shapes: EXISTENCE_JOIN
-- ordered: false
SELECT a0.k AS o0 FROM t3 AS a0 WHERE ((NOT (a0.c1 > -0.0D)) OR (EXISTS (SELECT 1 FROM t2 AS a1 WHERE a1.c2 = a0.c2)));
