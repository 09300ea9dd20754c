package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster's executors get every class the benchmark's tasks and the plugin need, as jars. */
class TestExecutorJars {
  @Test
  void classDirectoriesArePackedAndJarsAreUsedAsTheyAre(@TempDir Path work) throws Exception {
    List<Path> jars = ExecutorJars.collect(work);
    assertTrue(jars.stream().allMatch(jar -> jar.toString().endsWith(".jar")), jars.toString());
    assertTrue(contains(jars, "io/trino/tpch/TpchTable.class"), "the tpch generator is missing: " + jars);
    assertTrue(contains(jars, "dev/ember/bench/data/TpchPartRows.class"), "the generator task is missing: " + jars);
    assertTrue(contains(jars, "dev/ember/EmberPlugin.class"), "the plugin is missing: " + jars);
  }

  private static boolean contains(List<Path> jars, String entry) throws Exception {
    for (Path jar : jars) {
      assertTrue(Files.isRegularFile(jar), jar + " does not exist");
      try (JarFile file = new JarFile(jar.toFile())) {
        if (file.getEntry(entry) != null) {
          return true;
        }
      }
    }
    return false;
  }
}
