package dev.ember.tuner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.tuner.calibration.BenchLogs;
import dev.ember.tuner.calibration.CalibratedModelFile;
import dev.ember.tuner.calibration.Calibrator;
import dev.ember.tuner.calibration.QuerySample;
import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.OperatorCategory;
import dev.ember.tuner.qualification.Qualifier;
import dev.ember.tuner.qualification.SupportCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ember tune calibrate DIR...}: fits a device's hardware model factors to the event logs of
 * {@code ember bench} runs, prints each query's leave-one-out prediction and writes a hardware model
 * file for {@code ember tune --hardware-model}. Exit status 0 when the file was written, 1 when the
 * logs could not give a fit (the message says why), 2 for usage errors.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Fits the hardware model of the device Ember ran on to ember bench runs: per query, the Spark run's task",
        "time split by operator category against the Ember run's measured task time. Prints each query's speedup",
        "predicted by a fit without it against the measured one, and writes a hardware model file."},
    exitCodeOnInvalidInput = 2)
final class CalibrateCommand implements Callable<Integer> {
  /** Fewest paired queries for a fit worth cross-validating. */
  static final int MIN_QUERIES = 3;

  @Parameters(arity = "1..*", paramLabel = "DIR", description = "ember bench output directories (holding eventlogs/)")
  List<Path> directories;

  @Option(names = "--device", paramLabel = "NAME",
      description = "hardware model device to calibrate (default: cpu when the Ember runs used the host device)")
  String device;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "hardware model file to write (default: calibrated-hardware-model.json in the first DIR)")
  Path output;

  @Option(names = "--hardware-model", paramLabel = "FILE",
      description = "base model: its other devices are copied, and the fit is pulled toward this device's factors (default: bundled)")
  Path hardwareModel;

  @Option(names = "--catalog", paramLabel = "FILE", description = "support catalog to use instead of the bundled one")
  Path catalog;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode baseJson = hardwareModel == null ? HardwareModel.bundledJson() : HardwareModel.readJson(hardwareModel);
    HardwareModel base;
    try {
      base = HardwareModel.parse(baseJson);
    } catch (IllegalArgumentException e) {
      throw new IOException(hardwareModel + ": " + e.getMessage(), e);
    }
    SupportCatalog supportCatalog = catalog == null ? SupportCatalog.bundled() : SupportCatalog.fromFile(catalog);
    Qualifier qualifier = new Qualifier(supportCatalog, base, base.devices().get(0).name());
    BenchLogs.Result read = BenchLogs.read(directories, qualifier);
    for (String note : read.notes()) {
      out.println("note: " + note);
    }
    List<QuerySample> samples = read.samples();
    if (samples.size() < MIN_QUERIES) {
      throw new IOException("found " + samples.size() + " quer" + (samples.size() == 1 ? "y" : "ies")
          + " with both a Spark and an Ember run in " + directories + "; calibration needs at least " + MIN_QUERIES
          + " (run ember bench with more queries)");
    }
    String deviceName = chooseDevice(read.chosenDevices());
    HardwareModel.Device prior = base.device(deviceName).orElseThrow(() -> new IOException("the hardware model has no"
        + " device '" + deviceName + "'; it knows " + base.devices().stream().map(HardwareModel.Device::name).toList()));

    Calibrator calibrator = new Calibrator(prior);
    Calibrator.Fit fit = calibrator.fit(samples);
    List<Calibrator.LeftOut> leftOut = calibrator.leaveOneOut(samples);
    double median = Calibrator.quantile(leftOut, 0.5);
    double p90 = Calibrator.quantile(leftOut, 0.9);

    out.printf(Locale.ROOT, "ember tune calibrate: %d queries paired (Spark iterations %s, Ember iterations %s)"
        + " from %s; device %s%n", samples.size(), range(samples, true), range(samples, false), directories, deviceName);
    out.println("fitted factors (CPU task time / Ember task time; " + Calibrator.METHOD + "):");
    double supportedTotal = samples.stream().mapToDouble(s -> s.supportedTimeMs().values().stream()
        .mapToDouble(Double::doubleValue).sum()).sum();
    for (OperatorCategory category : fit.fitted()) {
      double time = samples.stream().mapToDouble(s -> s.supported(category)).sum();
      out.printf(Locale.ROOT, "  %-11s %7.3f  (prior %.3f; %.1f%% of the supported Spark time)%n", category.key(),
          fit.factors().get(category), prior.factor(category), 100 * time / supportedTotal);
    }
    out.printf(Locale.ROOT, "  %-11s %7.1f ns/row (prior %.1f; %d rows crossing in all queries)%n", "transition",
        fit.transitionNanosPerRow(), prior.transitionNanosPerRow(),
        samples.stream().mapToLong(QuerySample::transitionRows).sum());
    out.println("leave-one-query-out (each query predicted by a fit on the others):");
    out.printf(Locale.ROOT, "  %-6s %12s %12s %9s %10s %7s%n", "query", "spark ms", "ember ms", "measured",
        "predicted", "error");
    for (Calibrator.LeftOut result : leftOut) {
      QuerySample sample = result.sample();
      out.printf(Locale.ROOT, "  %-6s %12.0f %12.0f %8.2fx %9.2fx %6.1f%%%n", sample.query(), sample.sparkTaskTimeMs(),
          sample.emberTaskTimeMs(), sample.measuredSpeedup(), result.predictedSpeedup(), 100 * result.error());
    }
    String date = read.startedAt().isEmpty() ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString() : read.startedAt();
    String benchRun = directories.stream().map(d -> d.toAbsolutePath().normalize().toString())
        .collect(Collectors.joining(", "));
    HardwareModel.Calibration calibration = new HardwareModel.Calibration(read.machine(), read.scale(), date, benchRun,
        samples.size(), median, p90, Calibrator.METHOD);
    Path file = output != null ? output : directories.get(0).resolve("calibrated-hardware-model.json");
    CalibratedModelFile.write(baseJson, deviceName, fit, calibration, file);
    out.printf(Locale.ROOT, "90th percentile leave-one-out error: %.1f%% (the interval reports print)%n", 100 * p90);
    out.println("wrote " + file + " (device " + deviceName + " calibrated; use it with ember tune --hardware-model "
        + file + " --device " + deviceName + ")");
    out.printf(Locale.ROOT, "median leave-one-out error: %.1f%%%n", 100 * median);
    out.flush();
    return 0;
  }

  /** The device to calibrate: --device, else cpu for host runs; a GPU run must be named. */
  private String chooseDevice(List<String> chosen) throws IOException {
    if (device != null) {
      return device.toLowerCase(Locale.ROOT);
    }
    if (chosen.size() == 1 && chosen.get(0).equalsIgnoreCase("host")) {
      return "cpu";
    }
    throw new IOException("the Ember runs used device(s) " + (chosen.isEmpty() ? "[not recorded]" : chosen)
        + "; say which hardware model device they ran on with --device NAME (e.g. --device h100)");
  }

  private static String range(List<QuerySample> samples, boolean spark) {
    int low = samples.stream().mapToInt(s -> spark ? s.sparkIterations() : s.emberIterations()).min().orElse(0);
    int high = samples.stream().mapToInt(s -> spark ? s.sparkIterations() : s.emberIterations()).max().orElse(0);
    return low == high ? String.valueOf(low) : low + "-" + high;
  }
}
