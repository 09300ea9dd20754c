package dev.ember.bench;

import dev.ember.bench.kernels.KernelBench;
import dev.ember.bench.report.BenchReport;
import dev.ember.bench.run.Benchmark;
import java.util.List;

/**
 * Entry point of {@code bin/ember bench [tpch|tpcds] [options]}; see {@link BenchOptions#USAGE}; and of
 * {@code bin/ember bench kernels [options]}, the device primitives' benchmark ({@link KernelBench}).
 *
 * <p>Exit status: 0 when every query ran in both modes with matching answers; 1 when a query failed
 * or an answer differs (the reports are written either way); 2 for bad command-line input.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] arguments) {
    int status = run(arguments);
    System.out.flush();
    // exit explicitly: JCuda and Arrow may leave non-daemon threads behind
    System.exit(status);
  }

  /** Runs the command and returns its exit status instead of exiting. */
  public static int run(String[] arguments) {
    if (arguments.length > 0 && arguments[0].equals("kernels")) {
      return KernelBench.run(List.of(arguments).subList(1, arguments.length), System.out, System.err);
    }
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
