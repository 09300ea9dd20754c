package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Spark home made from Maven jars: {@code jars/} (assembled by the build from spark-sql's runtime dependencies),
 * plus what a binary distribution adds and the tests write here: a {@code RELEASE} file (Spark's launcher then
 * takes {@code jars/} as its class path), {@code conf/spark-defaults.conf}, and {@code bin/spark-submit}.
 *
 * <p>The {@code spark-submit} script does what Spark's own does for a client-mode driver: it runs
 * {@code org.apache.spark.deploy.SparkSubmit} on {@code conf/} and {@code jars/*} with Spark's JVM options.
 */
final class SparkHome {
    /**
     * Added to every JVM the tests start (and, through spark.executor.extraJavaOptions, to executors): these
     * JVMs live for seconds on few cores, where the C2 compiler's and parallel GC's threads cost more than
     * they give. They change no result.
     */
    static final List<String> SHORT_LIVED_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final String version;
    private final Path directory;
    private final Path confDirectory;

    private SparkHome(String version, Path directory, Path confDirectory) {
        this.version = version;
        this.directory = directory;
        this.confDirectory = confDirectory;
    }

    /**
     * Prepares the home of {@code version} under the build's Spark homes, with an empty
     * {@code spark-defaults.conf}.
     *
     * @throws IllegalStateException if the build did not assemble its jars
     */
    static SparkHome prepare(String version) throws IOException {
        requireNonNull(version, "version is null");
        Path directory = BuildPaths.sparkHomes().resolve("spark-" + version);
        Path coreJar = directory.resolve("jars").resolve("spark-core_2.13-" + version + ".jar");
        if (!Files.isRegularFile(coreJar)) {
            throw new IllegalStateException("the Spark " + version + " home at " + directory + " has no " + coreJar
                    + "; the examples build assembles it (examples/spark-home/pom.xml) unless tests are skipped");
        }
        Files.writeString(directory.resolve("RELEASE"),
                "Spark " + version + " (jars from Maven Central, assembled by Ember's examples build)\n");
        SparkHome home = new SparkHome(version, directory, directory.resolve("conf"));
        home.writeSubmitScript();
        return home.withDefaults(directory, Map.of());
    }

    /**
     * This home with its configuration in {@code runDirectory/conf}, whose {@code spark-defaults.conf} holds
     * {@code defaults}: what spark-submit applies unless its command line says otherwise. Each run gets its own,
     * so runs of one home do not share settings.
     */
    SparkHome withDefaults(Path runDirectory, Map<String, String> defaults) throws IOException {
        requireNonNull(runDirectory, "runDirectory is null");
        requireNonNull(defaults, "defaults is null");
        Path conf = Files.createDirectories(runDirectory.resolve("conf"));
        StringBuilder text = new StringBuilder("# written by Ember's integration tests\n");
        for (Map.Entry<String, String> entry : defaults.entrySet()) {
            text.append(entry.getKey()).append(' ').append(entry.getValue()).append('\n');
        }
        Files.writeString(conf.resolve("spark-defaults.conf"), text);
        return new SparkHome(version, directory, conf);
    }

    String version() {
        return version;
    }

    Path directory() {
        return directory;
    }

    /** The folder holding {@code spark-submit}, for the PATH of a shell that runs README commands. */
    Path binDirectory() {
        return directory.resolve("bin");
    }

    /** The environment Spark's processes get: this home, the loopback address, Scala 2.13, this conf. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SPARK_HOME", directory.toString());
        environment.put("SPARK_CONF_DIR", confDirectory.toString());
        environment.put("SPARK_LOCAL_IP", "127.0.0.1");
        // Spark's bin/load-spark-env.sh sets it; the Worker's executor command builder needs it
        environment.put("SPARK_SCALA_VERSION", "2.13");
        environment.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        return environment;
    }

    /** A JVM command running {@code mainClass} on this home's class path with Spark's JVM options. */
    List<String> javaCommand(String heap, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(BuildPaths.javaExecutable().toString());
        command.addAll(BuildPaths.sparkJvmOptions());
        command.addAll(SHORT_LIVED_JVM_OPTIONS);
        command.add("-Xmx" + heap);
        command.add("-cp");
        command.add(confDirectory + ":" + directory.resolve("jars") + "/*");
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }

    private void writeSubmitScript() throws IOException {
        Path bin = Files.createDirectories(directory.resolve("bin"));
        List<String> java = new ArrayList<>();
        java.add(BuildPaths.javaExecutable().toString());
        java.addAll(BuildPaths.sparkJvmOptions());
        java.addAll(SHORT_LIVED_JVM_OPTIONS);
        java.add("-Xmx1g");
        StringBuilder script = new StringBuilder("#!/usr/bin/env bash\n")
                .append("# written by Ember's integration tests: a client-mode spark-submit for this Spark home\n")
                .append(": \"${SPARK_CONF_DIR:=$(dirname \"$0\")/../conf}\"\n")
                .append("exec");
        for (String argument : java) {
            script.append(" '").append(argument.replace("'", "'\\''")).append('\'');
        }
        script.append(" -cp \"$SPARK_CONF_DIR:").append(directory.resolve("jars")).append("/*\"")
                .append(" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
