package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing SQL scripts, and examples/sql/sales-report.sql run with Ember by examples/scripts/submit-local.sh. */
class TestSqlScript {

    @Test
    void splitsStatementsAndNamesQueries() {
        List<SqlScript.Statement> statements = SqlScript.parse(String.join("\n",
                "-- a comment",
                "CREATE VIEW v AS",
                "SELECT 1 AS a;",
                "",
                "-- query: first",
                "SELECT a",
                "  -- inside",
                "FROM v;",
                "SELECT 2;"));
        assertEquals(3, statements.size(), statements.toString());
        assertNull(statements.get(0).name());
        assertEquals("CREATE VIEW v AS\nSELECT 1 AS a", statements.get(0).sql());
        assertEquals("first", statements.get(1).name());
        assertEquals("SELECT a\nFROM v", statements.get(1).sql());
        assertNull(statements.get(2).name());
    }

    @Test
    void refusesUnfinishedScriptsAndRepeatedNames() {
        IllegalArgumentException unfinished = assertThrows(IllegalArgumentException.class,
                () -> SqlScript.parse("SELECT 1"));
        assertTrue(unfinished.getMessage().contains("end every statement with ';'"), unfinished.getMessage());
        IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class,
                () -> SqlScript.parse("-- query: a\nSELECT 1;\n-- query: a\nSELECT 2;\n"));
        assertTrue(repeated.getMessage().contains("used once"), repeated.getMessage());
        IllegalArgumentException dangling = assertThrows(IllegalArgumentException.class,
                () -> SqlScript.parse("SELECT 1;\n-- query: last\n"));
        assertTrue(dangling.getMessage().contains("without a statement"), dangling.getMessage());
    }

    /** The SQL example computes the DataFrame example's answer; the local script submits it with Ember. */
    @Test
    void sqlExampleWithEmberAnswersLikeTheDataFrameExampleWithout() throws IOException, InterruptedException {
        Path directory = ExampleRuns.runDirectory("sql-script-local");
        SparkHome home = SparkHome.prepare(BuildPaths.sparkVersion()).withDefaults(directory, ExampleRuns.localDefaults());
        Submission run = Submission.run("with-ember", "examples/scripts/submit-local.sh sql", home, directory)
                .requireSuccess();
        assertTrue(Files.readString(run.driverLog()).contains(" is on: spark.ember.device="),
                "Ember's driver plugin did not start; see " + run.driverLog());
        assertEquals(ExampleRuns.answerWithoutEmber(), run.resultLines(),
                "the SQL example's answer with Ember differs from the DataFrame example's answer without Ember");
        for (String query : ExampleRuns.QUERIES) {
            List<String> ember = run.summaryLines("ember", query);
            assertEquals(1, ember.size(), "no 'ember " + query + "' line in the output: " + run.stdout());
            assertFalse(ember.get(0).endsWith(" -"), "no Ember operator ran in the SQL example's " + query
                    + "; the driver log's explain says why: " + run.driverLog());
        }
    }
}
