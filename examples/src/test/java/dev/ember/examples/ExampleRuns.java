package dev.ember.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the integration tests share: README's spark-submit command, the same command without Ember, run
 * folders, Spark settings for local runs, and the answer of the run without Ember (computed once per test JVM).
 */
final class ExampleRuns {
    static final String PLUGIN_SETTING = "spark.plugins=dev.ember.EmberPlugin";
    /** The examples' queries; each must print its answer. */
    static final List<String> QUERIES = List.of("revenue-by-store", "revenue-by-region");

    private static List<String> answerWithoutEmber;

    private ExampleRuns() {}

    /**
     * The spark-submit command of README.md, checked to submit the jar this build produced with Ember's plugin
     * setting.
     */
    static String readmeCommand() throws IOException {
        Path root = BuildPaths.projectRoot();
        List<String> commands = ReadmeCommands.sparkSubmitCommands(root.resolve("README.md"));
        if (commands.size() != 1) {
            throw new IllegalStateException("README.md's \"" + ReadmeCommands.SECTION + "\" section has "
                    + commands.size() + " spark-submit commands; the integration tests expect exactly one: " + commands);
        }
        String command = commands.get(0);
        List<String> words = ReadmeCommands.words(command);
        String jar = root.relativize(BuildPaths.pluginJar()).toString();
        int jars = words.indexOf("--jars");
        if (jars < 0 || jars + 1 >= words.size() || !words.get(jars + 1).equals(jar)) {
            throw new IllegalStateException("README.md's spark-submit command must pass the jar this build produced,"
                    + " --jars " + jar + "; it reads: " + command);
        }
        int conf = words.indexOf(PLUGIN_SETTING);
        if (conf < 1 || !words.get(conf - 1).equals("--conf")) {
            throw new IllegalStateException("README.md's spark-submit command must set --conf " + PLUGIN_SETTING
                    + "; it reads: " + command);
        }
        return command;
    }

    /** {@code command} without Ember: without its {@code --jars} and {@code spark.plugins} arguments. */
    static String withoutEmber(String command) {
        List<String> words = new ArrayList<>(ReadmeCommands.words(command));
        int jars = words.indexOf("--jars");
        words.subList(jars, jars + 2).clear();
        int conf = words.indexOf(PLUGIN_SETTING);
        words.subList(conf - 1, conf + 1).clear();
        return String.join(" ", words);
    }

    /** A fresh folder for one run's logs: examples/target/integration/{@code name}. */
    static Path runDirectory(String name) throws IOException {
        Path directory = BuildPaths.examplesJar().getParent().resolve("integration").resolve(name);
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(directory);
    }

    /**
     * spark-defaults.conf of a local run: two task threads in the driver JVM, everything on 127.0.0.1, and
     * Ember's strict mode (an Ember bug while planning fails the run instead of falling back).
     */
    static Map<String, String> localDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("spark.master", "local[2]");
        defaults.put("spark.driver.host", "127.0.0.1");
        defaults.put("spark.driver.bindAddress", "127.0.0.1");
        defaults.put("spark.ui.enabled", "false");
        defaults.put("spark.sql.shuffle.partitions", "4");
        defaults.put("spark.ember.test.strict", "true");
        // no GPU on the test machines: spark.ember.device=auto would leave every query to Spark there
        defaults.put("spark.ember.device", "host");
        return defaults;
    }

    /**
     * The answer lines of README's command without Ember, run locally on the Spark version Ember is built
     * against; computed on first use.
     */
    static synchronized List<String> answerWithoutEmber() throws IOException, InterruptedException {
        if (answerWithoutEmber == null) {
            Path directory = runDirectory("without-ember-" + BuildPaths.sparkVersion());
            SparkHome home = SparkHome.prepare(BuildPaths.sparkVersion()).withDefaults(directory, localDefaults());
            Submission run = Submission.run("without-ember", withoutEmber(readmeCommand()), home, directory)
                    .requireSuccess();
            List<String> answer = run.resultLines();
            for (String query : QUERIES) {
                if (answer.stream().noneMatch(line -> line.startsWith(ResultLines.PREFIX + " " + query + " "))) {
                    throw new AssertionError("the run without Ember printed no answer for " + query + ": " + answer);
                }
            }
            answerWithoutEmber = List.copyOf(answer);
        }
        return answerWithoutEmber;
    }
}
