package dev.ember.bench;

import dev.ember.bench.report.BenchReport;
import dev.ember.bench.run.Benchmark;
import java.util.List;

/**
 * Entry point of {@code bin/ember bench [tpch|tpcds] [options]}; see {@link BenchOptions#USAGE}.
 *
 * <p>Exit status: 0 when every query ran in both modes with matching answers; 1 when a query failed
 * or an answer differs (the reports are written either way); 2 for bad command-line input.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] arguments) {
    System.exit(run(arguments));
  }

  /** Runs the command and returns its exit status instead of exiting. */
  public static int run(String[] arguments) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(List.of(arguments), System.getenv());
    } catch (BenchOptions.HelpRequested e) {
      System.out.println(BenchOptions.USAGE);
      return 0;
    } catch (UsageException e) {
      System.err.println("ember bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      return 2;
    }
    try {
      BenchReport report = new Benchmark(options, System.out).run();
      if (!report.allAnswersMatch()) {
        System.err.println("ember bench: some queries failed or gave different answers; see report.md");
        return 1;
      }
      return 0;
    } catch (Exception e) {
      System.err.println("ember bench: " + e.getMessage());
      return 1;
    }
  }
}
