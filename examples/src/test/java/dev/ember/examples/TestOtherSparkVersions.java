package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same Ember jar on the other Spark versions the build names (root pom: spark.older.version,
 * spark.newer.version): README's spark-submit command, unchanged, runs the example application locally on a Spark
 * home of that version; Ember must start on the driver and the executor and run operators in both queries, and
 * the answer must equal the answer
 * without Ember on the Spark version Ember is built against (the data and queries are exact, so every Spark
 * version agrees). Logs: examples/target/integration/spark-&lt;version&gt;.
 */
class TestOtherSparkVersions {

    static List<String> versions() {
        return BuildPaths.otherSparkVersions();
    }

    @ParameterizedTest(name = "Spark {0}")
    @MethodSource("versions")
    void readmeCommandRunsWithEmber(String version) throws IOException, InterruptedException {
        Path directory = ExampleRuns.runDirectory("spark-" + version);
        SparkHome home = SparkHome.prepare(version).withDefaults(directory, ExampleRuns.localDefaults());
        Submission run = Submission.run("with-ember", ExampleRuns.readmeCommand(), home, directory).requireSuccess();
        String driverLog = run.driverLogText();
        assertTrue(Pattern.compile("Ember \\S+ is on: .*\\(Spark " + Pattern.quote(version) + "\\)").matcher(driverLog)
                .find(), "Ember's driver plugin did not start on Spark " + version + "; see " + run.driverLog());
        assertTrue(Pattern.compile("Ember \\S+ on executor driver: device ").matcher(driverLog).find(),
                "Ember's executor plugin did not start on Spark " + version + "; see " + run.driverLog());
        assertEquals(ExampleRuns.answerWithoutEmber(), run.resultLines(),
                "the answer with Ember on Spark " + version + " differs from the answer without Ember");
        for (String query : ExampleRuns.QUERIES) {
            List<String> ember = run.summaryLines("ember", query);
            assertEquals(1, ember.size(), "no 'ember " + query + "' line in the output: " + run.stdout());
            assertFalse(ember.get(0).endsWith(" -"), "no Ember operator ran in " + query + " on Spark " + version
                    + "; the driver log's explain says why: " + run.driverLog());
        }
    }
}
