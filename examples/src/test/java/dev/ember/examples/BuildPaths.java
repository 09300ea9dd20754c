package dev.ember.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Maven build hands the integration tests as system properties (see examples/pom.xml): the jars to
 * submit, where the Spark homes were assembled, the Spark versions and the JVM options Spark runs with.
 * Every accessor fails with a message saying how to run the tests when the build did not provide it.
 */
final class BuildPaths {
    private static final String HOW_TO_RUN = "run the tests through Maven from the repository root: mvn -B -ntp"
            + " -pl plugin,examples -am verify -Dtest='dev.ember.examples.**' -Dsurefire.failIfNoSpecifiedTests=false";

    private BuildPaths() {}

    /** The repository root: the README and the relative paths of its commands start here. */
    static Path projectRoot() {
        return existing(property("ember.project.root"), "the repository root");
    }

    /** The distributable Ember jar, packaged by the plugin module. */
    static Path pluginJar() {
        return existing(property("ember.plugin.jar"), "the Ember plugin jar (built by the plugin module's package"
                + " phase; 'mvn test' alone does not build it)");
    }

    /** The examples' application jar, built before the tests run. */
    static Path examplesJar() {
        return existing(property("ember.examples.jar"), "the examples jar");
    }

    /** The folder holding one assembled Spark home per version, {@code spark-<version>}. */
    static Path sparkHomes() {
        return existing(property("ember.spark.homes"), "the assembled Spark homes");
    }

    /** The Spark version Ember is built against. */
    static String sparkVersion() {
        return property("ember.spark.version");
    }

    /** The other Spark versions the same jar must run on. */
    static List<String> otherSparkVersions() {
        List<String> versions = new ArrayList<>();
        for (String version : property("ember.spark.other.versions").split(",")) {
            if (!version.isBlank()) {
                versions.add(version.trim());
            }
        }
        return versions;
    }

    /** The JVM options Spark itself starts its JVMs with on Java 17, split into arguments. */
    static List<String> sparkJvmOptions() {
        List<String> options = new ArrayList<>();
        for (String option : property("ember.spark.jvm.options").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return options;
    }

    /** The {@code java} executable of the JVM running the tests. */
    static Path javaExecutable() {
        return existing(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "the java executable");
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; " + HOW_TO_RUN);
        }
        return value;
    }

    private static Path existing(String path, String what) {
        Path resolved = Path.of(path).toAbsolutePath().normalize();
        if (!Files.exists(resolved)) {
            throw new IllegalStateException(what + " is missing at " + resolved + "; " + HOW_TO_RUN);
        }
        return resolved;
    }
}
