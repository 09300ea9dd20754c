package dev.ember.bench.run;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Finds the jars a cluster's executors need to run the benchmark: the tpch and tpcds generators, the benchmark's
 * own classes (the generator task) and the Ember plugin. A class that was loaded from a directory
 * ({@code target/classes}, as {@code bin/ember} runs it) is packed into a jar first.
 */
public final class ExecutorJars {
  private ExecutorJars() {}

  /**
   * Returns the jars for the executors, packing class directories into {@code workDirectory}.
   *
   * @param workDirectory where packed jars are written; created if missing
   */
  public static List<Path> collect(Path workDirectory) {
    requireNonNull(workDirectory, "workDirectory is null");
    List<Path> jars = new ArrayList<>();
    addOrigin(jars, io.trino.tpch.TpchTable.class, workDirectory);
    addOrigin(jars, io.trino.tpcds.Table.class, workDirectory);
    addOrigin(jars, ExecutorJars.class, workDirectory);
    if (BenchSessions.pluginAvailable()) {
      try {
        addOrigin(jars, Class.forName(BenchSessions.PLUGIN_CLASS), workDirectory);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("the Ember plugin vanished from the classpath", e);
      }
    }
    return List.copyOf(jars);
  }

  private static void addOrigin(List<Path> jars, Class<?> type, Path workDirectory) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalStateException("cannot tell where " + type.getName() + " was loaded from");
    }
    Path origin;
    try {
      origin = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("odd class location " + source.getLocation(), e);
    }
    Path jar = Files.isDirectory(origin) ? pack(origin, workDirectory, type) : origin;
    if (!jars.contains(jar)) {
      jars.add(jar);
    }
  }

  private static Path pack(Path classes, Path workDirectory, Class<?> type) {
    // <module>/target/classes becomes <module>-classes.jar, so two modules never share a name
    Path module = classes.getParent() == null ? null : classes.getParent().getParent();
    String prefix = module == null || module.getFileName() == null ? "classes" : module.getFileName().toString();
    String name = prefix + "-" + Integer.toHexString(classes.toString().hashCode()) + ".jar";
    Path jar = workDirectory.resolve(name);
    try {
      Files.createDirectories(workDirectory);
      try (OutputStream file = Files.newOutputStream(jar);
          JarOutputStream out = new JarOutputStream(file);
          Stream<Path> files = Files.walk(classes)) {
        for (Path path : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
          out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
          Files.copy(path, out);
          out.closeEntry();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack " + classes + " into " + jar, e);
    }
    return jar;
  }
}
