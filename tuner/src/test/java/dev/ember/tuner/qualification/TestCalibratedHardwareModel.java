package dev.ember.tuner.qualification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration record of a hardware model device, and the interval a calibrated estimate carries. */
class TestCalibratedHardwareModel {
  @TempDir
  Path directory;

  @Test
  void theBundledCpuDeviceIsCalibratedAndTheGpusAreEstimates() {
    for (HardwareModel.Device device : HardwareModel.bundled().devices()) {
      if (device.name().equals("cpu")) {
        // fitted to a TPC-H scale 1 bench run with the bound on the leave-one-out error
        assertTrue(device.calibrated(), "the host device is calibrated from an ember bench run");
        assertEquals("1", device.calibration().scale());
        assertTrue(device.calibration().medianLeaveOneOutError() <= 0.25, device.calibration().describe());
      } else {
        assertFalse(device.calibrated(), device.name() + " is not measured yet: no GPU was available");
      }
    }
  }

  @Test
  void aCalibrationWithoutItsErrorsIsRejectedWithTheDeviceNamed() throws IOException {
    Path file = directory.resolve("model.json");
    Files.writeString(file, "{\"devices\": [{\"name\": \"cpu\", \"operatorFactors\": {\"filter\": 0.5},"
        + " \"calibration\": {\"calibrated\": true, \"machine\": \"m\"}}]}", StandardCharsets.UTF_8);
    IOException error = assertThrows(IOException.class, () -> HardwareModel.fromFile(file));
    assertTrue(error.getMessage().contains("calibration of cpu needs numeric medianLeaveOneOutError"), error.getMessage());
  }

  @Test
  void aMissingModelFileIsNamed() {
    Path file = directory.resolve("absent.json");
    IOException error = assertThrows(IOException.class, () -> HardwareModel.fromFile(file));
    assertTrue(error.getMessage().contains("absent.json"), error.getMessage());
  }

  @Test
  void calibratedEstimatesCarryAnIntervalFromTheNinetiethPercentileError() {
    HardwareModel.Calibration calibration = new HardwareModel.Calibration("m", "1", "2026-12-03", "/bench", 22, 0.1,
        0.25, "least squares");
    SpeedupEstimate calibrated = new SpeedupEstimate("cpu", 1000, 2000, 0, calibration);
    double[] interval = calibrated.interval();
    assertEquals(0.5 / 1.25, interval[0], 1e-12);
    assertEquals(0.5 / 0.75, interval[1], 1e-12);
    assertTrue(calibrated.basis().startsWith("calibrated on m, TPC-H scale 1, 2026-12-03, from /bench (22 queries,"
        + " median leave-one-out error 10.0%)"), calibrated.basis());

    SpeedupEstimate estimate = new SpeedupEstimate("h100", 1000, 200, 0, null);
    assertNull(estimate.interval());
    assertEquals("estimate: the factors for h100 are not measured with Ember", estimate.basis());

    SpeedupEstimate wide = new SpeedupEstimate("cpu", 1000, 2000, 0,
        new HardwareModel.Calibration("m", "", "d", "/b", 3, 0.8, 1.5, "x"));
    assertTrue(Double.isInfinite(wide.interval()[1]), "an error of 100% or more leaves the upper end open");
  }
}
