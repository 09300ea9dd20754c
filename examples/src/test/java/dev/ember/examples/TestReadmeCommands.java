package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading spark-submit commands out of README text, and deriving the run without Ember. */
class TestReadmeCommands {
    private static final String README = String.join("\n",
            "# Title",
            "```bash",
            "spark-submit --class Elsewhere x.jar",
            "```",
            "## Use it",
            "",
            "```bash",
            "mvn package    # builds",
            "spark-submit \\",
            "  --jars plugin/target/ember.jar \\",
            "  --conf spark.plugins=dev.ember.EmberPlugin \\",
            "  --class dev.ember.examples.SalesReport app.jar",
            "```",
            "text spark-submit --not-a-command",
            "```",
            "## not a heading inside a block",
            "spark-submit --class Second y.jar",
            "```",
            "## Next",
            "```bash",
            "spark-submit --class Later z.jar",
            "```");

    @Test
    void readsTheCommandsOfTheUseItSectionOnly() {
        assertEquals(List.of("spark-submit --jars plugin/target/ember.jar --conf spark.plugins=dev.ember.EmberPlugin"
                        + " --class dev.ember.examples.SalesReport app.jar",
                        "spark-submit --class Second y.jar"),
                ReadmeCommands.sparkSubmitCommands(README));
    }

    @Test
    void removesEmberForTheRunWithoutIt() {
        String command = ReadmeCommands.sparkSubmitCommands(README).get(0);
        assertEquals("spark-submit --class dev.ember.examples.SalesReport app.jar", ExampleRuns.withoutEmber(command));
    }

    @Test
    void refusesAReadmeWithoutCommands() {
        IllegalArgumentException missingSection = assertThrows(IllegalArgumentException.class,
                () -> ReadmeCommands.sparkSubmitCommands("# Title\n```\nspark-submit x.jar\n```\n"));
        assertTrue(missingSection.getMessage().contains("no \"## Use it\" section"), missingSection.getMessage());
        IllegalArgumentException noCommand = assertThrows(IllegalArgumentException.class,
                () -> ReadmeCommands.sparkSubmitCommands("## Use it\nrun spark-submit somehow\n"));
        assertTrue(noCommand.getMessage().contains("no spark-submit command"), noCommand.getMessage());
    }

    @Test
    void refusesShellSyntaxItCannotInterpret() {
        IllegalArgumentException quoted = assertThrows(IllegalArgumentException.class,
                () -> ReadmeCommands.words("spark-submit --conf \"a=b c\" x.jar"));
        assertTrue(quoted.getMessage().contains("keep spark-submit commands in README.md plain"), quoted.getMessage());
    }
}
