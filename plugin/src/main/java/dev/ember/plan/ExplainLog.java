package dev.ember.plan;

import dev.ember.device.selection.Devices;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Ember's explain output for one planned query (or query stage) to the driver log, at WARN so
 * that it shows with Spark's default log levels.
 */
final class ExplainLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.ember.Explain");

    private ExplainLog() {}

    static void log(String level, List<ExplainLine> lines, boolean execute) {
        if (level.equals("NONE")) {
            return;
        }
        boolean all = level.equals("ALL");
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (ExplainLine line : lines) {
            if (line == null || (!all && line.onEmber())) {
                continue;
            }
            text.append('\n').append(line.render());
            shown++;
        }
        if (shown == 0) {
            return;
        }
        String header = execute
                ? "Ember plan (device: " + Devices.describe() + "):"
                : "Ember plan (spark.ember.mode=explainOnly: nothing is replaced; device: " + Devices.describe()
                        + "):";
        LOG.warn("{}{}", header, text);
    }
}
