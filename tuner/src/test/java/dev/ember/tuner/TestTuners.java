package dev.ember.tuner;

import dev.ember.tuner.history.HistoryStore;
import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.Qualifier;
import dev.ember.tuner.qualification.SupportCatalog;
import dev.ember.tuner.rules.RuleEngine;

/** Tuners as the CLI builds them, with the bundled catalog and hardware model. */
final class TestTuners {
  private TestTuners() {}

  static Tuner tuner(HistoryStore history) {
    HardwareModel hardware = HardwareModel.bundled();
    return new Tuner(new Qualifier(SupportCatalog.bundled(), hardware, "gb10"), hardware, null,
        new RuleEngine(RuleEngine.defaultRules()), history);
  }
}
